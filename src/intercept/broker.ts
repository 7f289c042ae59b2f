/**
 * The extension's side of the gates: a per-window local socket in a private folder (owned by
 * this user, 0700, checked with lstat), a per-window secret, newline-delimited JSON. Each
 * connection carries one request; the handler decides (possibly after asking a person) and
 * the answer goes back on it, signed (HMAC over the request's id and the decision) so that
 * a gate can tell it from any other socket's. A shell's first request ties its token to its
 * pid. Connections that send nothing, and lines past MAX_LINE_BYTES, are cut off.
 * No `vscode` import: the handler is given by the caller.
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import type { Verdict } from '../core/types';
import { answerMac, ensurePrivateDir, LineReader, PROTOCOL_VERSION, type GateRequest, type GateResponse } from './protocol';

/**
 * Decides a request. `pre` is the verdict for a shell line classified before the handler ran
 * (off the editor's thread, see BrokerLimits.preclassify), when there is one.
 */
export type BrokerHandler = (req: GateRequest, signal: AbortSignal, pre?: Verdict) => Promise<GateResponse>;

export interface BrokerLog {
  info(msg: string): void;
  warn(msg: string): void;
}

export interface BrokerLimits {
  /** A connection that has not sent a whole request by then is closed (ms). Default 10 s. */
  idleMs?: number;
  /** Connections open at once; more are refused. Default 64. */
  maxConnections?: number;
  /**
   * Classifies an authenticated shell line (a gate's or an agent hook's) before the handler
   * runs, off the editor's thread (classifyWorker.ts `OffThreadCheck`). Undefined, a throw
   * or no verdict: the handler classifies as usual.
   */
  preclassify?: (req: GateRequest) => Promise<Verdict | undefined>;
}

export class Broker {
  private server: net.Server | undefined;
  /** Each shell's token, from its first request (pid → token). */
  private readonly tokens = new Map<number, string>();

  constructor(
    readonly socketPath: string,
    private readonly secret: string,
    private readonly handler: BrokerHandler,
    private readonly log: BrokerLog,
    private readonly limits: BrokerLimits = {},
  ) {}

  async start(): Promise<void> {
    if (process.platform !== 'win32') {
      // Refuses a folder that is not this user's own and private (a shared /tmp fallback).
      ensurePrivateDir(path.dirname(this.socketPath));
      // A socket left by the previous run of this window (reload): replace it.
      try {
        fs.unlinkSync(this.socketPath);
      } catch {
        /* not there */
      }
    }
    const server = net.createServer((sock) => this.onConnection(sock));
    server.maxConnections = this.limits.maxConnections ?? 64;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.socketPath, () => {
        server.off('error', reject);
        resolve();
      });
    });
    if (process.platform !== 'win32') fs.chmodSync(this.socketPath, 0o600);
    this.server = server;
    this.log.info(`[broker] listening on ${this.socketPath}`);
  }

  private onConnection(sock: net.Socket): void {
    const abort = new AbortController();
    let handled = false;
    sock.on('close', () => abort.abort());
    sock.on('error', () => abort.abort());
    // Idle until the request is complete; after that the person may take their time.
    sock.setTimeout(this.limits.idleMs ?? 10_000, () => {
      if (!handled) sock.destroy();
    });
    const reader = new LineReader(
      (line) => {
        if (handled) return;
        handled = true;
        sock.setTimeout(0);
        void this.answer(line, abort.signal).then(({ id, res }) => {
          if (!sock.destroyed) sock.end(JSON.stringify(this.sign(id, res)) + '\n');
        });
      },
      () => {
        this.log.warn('[broker] closed a connection whose request was too long');
        sock.destroy();
      },
    );
    sock.on('data', (d) => reader.push(d));
  }

  /** The answer, signed for the request it answers. */
  private sign(id: string | undefined, res: GateResponse): GateResponse {
    if (!id) return res;
    return { ...res, id, mac: answerMac(this.secret, id, res.decision) };
  }

  private async answer(line: string, signal: AbortSignal): Promise<{ id?: string; res: GateResponse }> {
    let req: GateRequest;
    try {
      req = JSON.parse(line) as GateRequest;
    } catch {
      return { res: { decision: 'deny', message: 'TwoKey: refused the request: it was not valid JSON.' } };
    }
    const id = typeof req.id === 'string' && /^[0-9a-f]{16,64}$/.test(req.id) ? req.id : undefined;
    if (req.v !== PROTOCOL_VERSION) {
      return { id, res: { decision: 'deny', message: `TwoKey: refused the request: gate protocol ${req.v} is not ${PROTOCOL_VERSION}; reopen the terminal.` } };
    }
    if (!safeEqual(req.secret ?? '', this.secret)) {
      this.log.warn('[broker] refused a request with a wrong secret');
      return { id, res: { decision: 'deny', message: 'TwoKey: refused the request: the gate secret does not match this window; reopen the terminal.' } };
    }
    if (req.shellPid && req.token) {
      const known = this.tokens.get(req.shellPid);
      if (known === undefined) this.tokens.set(req.shellPid, req.token);
      else if (!safeEqual(known, req.token)) {
        this.log.warn(`[broker] refused a request that claims shell ${req.shellPid} with another terminal's token`);
        return { id, res: { decision: 'deny', message: `TwoKey: refused the request: it claims shell ${req.shellPid} but does not carry that terminal's token.` } };
      }
    }
    let pre: Verdict | undefined;
    if (this.limits.preclassify && !req.report && (!req.kind || req.kind === 'shell')) {
      try {
        pre = await this.limits.preclassify(req);
      } catch (err) {
        this.log.warn(`[broker] classifying before the handler failed: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    try {
      return { id, res: await this.handler(req, signal, pre) };
    } catch (err) {
      this.log.warn(`[broker] handler failed: ${err instanceof Error ? err.message : String(err)}`);
      return { id, res: { decision: 'deny', message: 'TwoKey: refused the command because its check failed; see the TwoKey output channel.' } };
    }
  }

  /** A shell ended: its pid may be reused, and its token with it is forgotten. */
  forgetShell(pid: number): void {
    this.tokens.delete(pid);
  }

  dispose(): void {
    this.server?.close();
    this.server = undefined;
    if (process.platform !== 'win32') {
      try {
        fs.unlinkSync(this.socketPath);
      } catch {
        /* gone */
      }
    }
  }
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && crypto.timingSafeEqual(x, y);
}
