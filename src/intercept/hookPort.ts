/**
 * The warm hook port: agents' hooks answered by the running editor without starting Node.
 * The hook launcher (src/core/hooks/launcher.ts), when bash runs it, sends the payload over
 * bash's `/dev/tcp` to this loopback port and prints the answer; with no port, no answer or
 * an answer it cannot trust it runs the Node hook as before (which refuses what matters when
 * no window can ask a person).
 *
 * Wire format (one request per connection):
 *   request:  `TWOKEY-HOOK/1 <client token> <agent> <cwd bytes> <payload bytes>\n<cwd><payload>`
 *   answer:   `TWOKEY-HOOK/1 <server token> <exit code> <stdout bytes> <stderr bytes>\n<stdout><stderr>`
 * Both tokens are new at every start and live only in `<state>/hook-port` (0600 in a 0700
 * folder, removed at dispose). A request without the client token is closed unanswered; the
 * client trusts only an answer that carries the server token, which it never sends, so a
 * process that takes the port after the editor quit learns nothing that lets it answer.
 * The port answers only what needs no engine (src/cli/hook.ts `hookReply`: nothing to say,
 * a plain line that hits no rule, a payload it cannot read, which is refused); anything else
 * is closed unanswered, and the Node hook decides it with the agent's own environment.
 * No `vscode` import.
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import type { Agent } from '../core/hooks/types';
import { isAgent } from '../core/hooks/types';

export const HOOK_PORT_MAGIC = 'TWOKEY-HOOK/1';
const MAX_PAYLOAD = 8 * 1024 * 1024;
const MAX_HEADER = 256;

export interface HookPortReply {
  stdout: string;
  stderr: string;
  exitCode: number;
}

export interface HookPortOptions {
  /** TwoKey's state folder: the port file is `<stateDir>/hook-port`. */
  stateDir: string;
  /** The hook's answer to a payload sent from `cwd`, or undefined to leave it to the Node hook. */
  answer: (agent: Agent, payload: string, cwd: string) => Promise<HookPortReply | undefined>;
  log?: { info(msg: string): void; warn(msg: string): void };
  /** A connection that has not sent its whole request by then is closed (ms). Default 10 s. */
  idleMs?: number;
}

export function hookPortFile(stateDir: string): string {
  return path.join(stateDir, 'hook-port');
}

export interface HookPort {
  port: number;
  file: string;
  dispose(): void;
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && crypto.timingSafeEqual(x, y);
}

/** Starts the port on 127.0.0.1 and writes the port file; the last window started is the one hooks reach. */
export async function startHookPort(o: HookPortOptions): Promise<HookPort> {
  const clientToken = crypto.randomBytes(24).toString('hex');
  const serverToken = crypto.randomBytes(24).toString('hex');
  const server = net.createServer((sock) => {
    let buf = Buffer.alloc(0);
    let header: { agent: Agent; cwdLen: number; len: number } | undefined;
    let done = false;
    sock.setTimeout(o.idleMs ?? 10_000, () => {
      if (!done) sock.destroy();
    });
    sock.on('error', () => sock.destroy());
    sock.on('data', (d: Buffer) => {
      if (done) return;
      buf = Buffer.concat([buf, d]);
      if (!header) {
        const nl = buf.indexOf(10);
        if (nl < 0) {
          if (buf.length > MAX_HEADER) sock.destroy();
          return;
        }
        const [magic, token, agent, cwdLen, len, ...rest] = buf.subarray(0, nl).toString('latin1').split(' ');
        const n = Number(len);
        const c = Number(cwdLen);
        if (magic !== HOOK_PORT_MAGIC || rest.length || !safeEqual(token ?? '', clientToken) || !isAgent(agent) || !/^\d+$/.test(len ?? '') || !/^\d+$/.test(cwdLen ?? '') || n > MAX_PAYLOAD || c > 4096) {
          o.log?.warn('[hooks] the warm hook port closed a request it could not trust');
          done = true;
          sock.destroy();
          return;
        }
        header = { agent, cwdLen: c, len: c + n };
        buf = buf.subarray(nl + 1);
      }
      if (buf.length < header.len) return;
      done = true;
      sock.setTimeout(0);
      const cwd = buf.subarray(0, header.cwdLen).toString('utf8');
      const payload = buf.subarray(header.cwdLen, header.len).toString('utf8');
      void o.answer(header.agent, payload, path.isAbsolute(cwd) ? cwd : '/').then(
        (r) => {
          if (!r) {
            sock.destroy();
            return;
          }
          const out = Buffer.from(r.stdout, 'utf8');
          const err = Buffer.from(r.stderr, 'utf8');
          sock.end(Buffer.concat([Buffer.from(`${HOOK_PORT_MAGIC} ${serverToken} ${r.exitCode} ${out.length} ${err.length}\n`, 'latin1'), out, err]));
        },
        (e: unknown) => {
          // No answer: the client runs the Node hook, which decides (and refuses when it must).
          o.log?.warn(`[hooks] the warm hook port failed to answer: ${e instanceof Error ? e.message : String(e)}`);
          sock.destroy();
        },
      );
    });
  });
  server.maxConnections = 64;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: '127.0.0.1', port: 0 }, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as net.AddressInfo).port;
  const file = hookPortFile(o.stateDir);
  fs.mkdirSync(o.stateDir, { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, `${port} ${clientToken} ${serverToken} ${process.pid}\n`, { mode: 0o600 });
  fs.renameSync(tmp, file);
  o.log?.info(`[hooks] warm hook port on 127.0.0.1:${port}`);
  return {
    port,
    file,
    dispose() {
      server.close();
      try {
        // Another window may have written its own since: only ours is removed.
        if (fs.readFileSync(file, 'utf8').startsWith(`${port} ${clientToken} `)) fs.rmSync(file, { force: true });
      } catch {
        /* gone */
      }
    },
  };
}
