/**
 * The wire between a gate (shell gate, PATH shim, agent hook) and the extension's broker.
 * Newline-delimited JSON over a per-window Unix socket (named pipe on Windows).
 * No `vscode` import: the gate helper bundles this file.
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Source } from '../core/types';

export const PROTOCOL_VERSION = 1;

export interface GateRequest {
  v: number;
  secret: string;
  /** A fresh random id per request: the broker's answer names it and is signed over it. */
  id?: string;
  /** The terminal's own token: the first request from a shell ties it to that shell's pid. */
  token?: string;
  /** The gate found itself changed in this shell (what, in a few words): asked about, always. */
  tampered?: string;
  /** A report, not a check: `tamper` (the gate found itself changed; `command` says what). */
  report?: 'tamper';
  /**
   * Shell gates: the definitions of the shell's functions and aliases that the line's command
   * words name (bounded), judged together with the line; `defsOmitted` names those that were
   * too large to send (the line is asked about).
   */
  defs?: string;
  defsOmitted?: string;
  source: Source;
  command: string;
  cwd: string;
  /** The shell that would run it; the extension maps it to a terminal. */
  shellPid?: number;
  /** The variables of that shell, for environment resolution (never logged). */
  env?: Record<string, string>;
  /** Agent conversation or session id, for hooks. */
  session?: string;
  /** Agent hooks: what the call is (default `shell`: `command` is a shell command line). */
  kind?: 'shell' | 'mcp' | 'read' | 'edit' | 'other';
  /** Agent hooks: the tool name (MCP tool without its server prefix). */
  tool?: string;
  /** Agent hooks: the MCP server (name, URL or start command). */
  server?: string;
  /** Agent hooks: the tool's arguments (MCP), for classification only (never logged whole). */
  input?: Record<string, unknown>;
  /** Agent hooks: absolute paths read or edited. */
  paths?: string[];
  /** Agent hooks: the workspace roots the agent reported. */
  roots?: string[];
}

export interface GateResponse {
  decision: 'allow' | 'deny';
  /** One sentence for the person and the agent; printed by the gate on refusal. */
  message: string;
  /** Audit decision, for the record: allowed, denied, timed-out. */
  outcome?: string;
  /** Who decided: policy, human, timeout (agent hooks say `allow` only for a person's approval). */
  decidedBy?: string;
  /** The request's id, and an HMAC-SHA256 with the window's secret over `id`, a newline and `decision`. */
  id?: string;
  mac?: string;
}

/** The longest request or answer line a side accepts (bytes); longer ones end the connection. */
export const MAX_LINE_BYTES = 1 << 20;

export function answerMac(secret: string, id: string, decision: string): string {
  return crypto.createHmac('sha256', secret).update(`${id}\n${decision}`).digest('hex');
}

/** An answer is the broker's own for this request: same id, a valid signature. */
export function verifyAnswer(secret: string, id: string, res: GateResponse): boolean {
  if (res.id !== id || typeof res.mac !== 'string' || (res.decision !== 'allow' && res.decision !== 'deny')) return false;
  const want = Buffer.from(answerMac(secret, id, res.decision), 'hex');
  const got = Buffer.from(res.mac, 'hex');
  return got.length === want.length && crypto.timingSafeEqual(got, want);
}

/**
 * A private folder for sockets and gate files: created 0700 if missing; otherwise it must be
 * a real directory (not a symbolic link), owned by this user, with no access for others.
 * Throws otherwise: a folder someone else controls (a shared /tmp) is never used.
 */
export function ensurePrivateDir(dir: string): void {
  if (process.platform === 'win32') {
    fs.mkdirSync(dir, { recursive: true });
    return;
  }
  fs.mkdirSync(path.dirname(dir), { recursive: true, mode: 0o700 });
  try {
    fs.mkdirSync(dir, { mode: 0o700 });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  checkPrivateDir(dir);
}

/** Throws unless `dir` is a directory (lstat: no symbolic link) owned by this user and 0700 or stricter. */
export function checkPrivateDir(dir: string): void {
  if (process.platform === 'win32') return;
  const st = fs.lstatSync(dir);
  const uid = typeof process.getuid === 'function' ? process.getuid() : st.uid;
  if (!st.isDirectory()) throw new Error(`${dir} is not a directory (a symbolic link or a file stands there); TwoKey does not use it`);
  if (st.uid !== uid) throw new Error(`${dir} belongs to another user (uid ${st.uid}); TwoKey does not use it`);
  if ((st.mode & 0o077) !== 0) throw new Error(`${dir} is open to other users (mode ${(st.mode & 0o777).toString(8)}); TwoKey does not use it`);
}

/** A private per-user folder for sockets: XDG_RUNTIME_DIR when set, else the temp dir. */
export function socketDir(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_RUNTIME_DIR || os.tmpdir();
  const uid = typeof process.getuid === 'function' ? process.getuid() : 'u';
  return path.join(base, `twokey-${uid}`);
}

/**
 * A socket path that is the same after a window reload: derived from the window's storage
 * folder (one per workspace), short enough for the 104-byte sun_path limit.
 */
export function socketPathFor(storageKey: string, env: NodeJS.ProcessEnv = process.env): string {
  const h = crypto.createHash('sha256').update(storageKey).digest('hex').slice(0, 16);
  if (process.platform === 'win32') return `\\\\.\\pipe\\twokey-${h}`;
  return path.join(socketDir(env), `${h}.sock`);
}

/** Reads newline-delimited JSON messages from a stream of chunks. */
export class LineReader {
  private buf = '';
  constructor(
    private readonly onLine: (line: string) => void,
    /** Called once when a line grows past `maxBytes` (the reader then ignores the rest). */
    private readonly onOverflow?: () => void,
    private readonly maxBytes = MAX_LINE_BYTES,
  ) {}
  private overflowed = false;
  push(chunk: Buffer | string): void {
    if (this.overflowed) return;
    this.buf += chunk.toString();
    if (this.buf.length > this.maxBytes && this.buf.indexOf('\n') < 0) {
      this.overflowed = true;
      this.buf = '';
      this.onOverflow?.();
      return;
    }
    let i: number;
    while ((i = this.buf.indexOf('\n')) >= 0) {
      const line = this.buf.slice(0, i);
      this.buf = this.buf.slice(i + 1);
      if (line.trim()) this.onLine(line);
    }
  }
}

/**
 * Where a window announces its broker for processes that do not run in its terminals
 * (agent hooks started by Cursor or Claude Code): one 0600 file per workspace root in the
 * private socket folder, holding the socket path and the window's secret.
 */
export interface Registration {
  root: string;
  socketPath: string;
  secret: string;
  pid: number;
}

export function registrationFileFor(root: string, env: NodeJS.ProcessEnv = process.env): string {
  const h = crypto.createHash('sha256').update(path.resolve(root)).digest('hex').slice(0, 16);
  return path.join(socketDir(env), 'roots', `${h}.json`);
}

export function writeRegistration(reg: Registration, env: NodeJS.ProcessEnv = process.env): string {
  const file = registrationFileFor(reg.root, env);
  fs.mkdirSync(path.dirname(path.dirname(file)), { recursive: true, mode: 0o700 });
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(reg), { mode: 0o600 });
  fs.renameSync(tmp, file);
  return file;
}

/** The registration of the workspace that holds `dir` (walking up), if its window is alive. */
export function findRegistration(dir: string, env: NodeJS.ProcessEnv = process.env): Registration | undefined {
  let d = path.resolve(dir);
  for (;;) {
    try {
      const reg = JSON.parse(fs.readFileSync(registrationFileFor(d, env), 'utf8')) as Registration;
      if (reg.socketPath && reg.secret && isAlive(reg.pid)) return reg;
    } catch {
      /* none here */
    }
    const up = path.dirname(d);
    if (up === d) return undefined;
    d = up;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Ask the broker; resolves undefined when it cannot be reached or does not answer. An answer
 * that is not signed for this very request (another request's answer, a socket that does not
 * hold the window's secret) is a refusal, never an allow.
 */
export function askBroker(request: GateRequest, socketPath: string, timeoutMs: number): Promise<GateResponse | undefined> {
  const req: GateRequest = { ...request, id: request.id ?? crypto.randomBytes(16).toString('hex') };
  const id = req.id!;
  return new Promise((resolve) => {
    if (process.platform !== 'win32') {
      try {
        checkPrivateDir(path.dirname(socketPath));
      } catch (err) {
        resolve({ decision: 'deny', message: `TwoKey: refused because the broker's folder is not private: ${err instanceof Error ? err.message : String(err)}. Ask the user to check it and reload the editor window.` });
        return;
      }
    }
    let done = false;
    const finish = (r: GateResponse | undefined) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      sock.destroy();
      resolve(r);
    };
    const sock = net.createConnection(socketPath);
    const timer = setTimeout(() => finish(undefined), timeoutMs);
    const reader = new LineReader(
      (line) => {
        let res: GateResponse;
        try {
          res = JSON.parse(line) as GateResponse;
        } catch {
          return finish(undefined);
        }
        if (!verifyAnswer(req.secret, id, res)) {
          return finish({
            decision: 'deny',
            message: 'TwoKey: refused because the answer did not come from this window\'s TwoKey (it was not signed for this request). Do not retry or work around this; ask the user to reload the editor window.',
            outcome: 'forged',
          });
        }
        finish(res);
      },
      () => finish(undefined),
    );
    sock.on('connect', () => sock.write(JSON.stringify(req) + '\n'));
    sock.on('data', (d) => reader.push(d));
    sock.on('error', () => finish(undefined));
    sock.on('close', () => finish(undefined));
  });
}
