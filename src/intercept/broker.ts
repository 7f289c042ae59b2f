/**
 * The extension's side of the gates: a per-window local socket in a private folder, a
 * per-window secret, newline-delimited JSON. Each connection carries one request; the
 * handler decides (possibly after asking a person) and the answer goes back on it.
 * No `vscode` import: the handler is given by the caller.
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { LineReader, PROTOCOL_VERSION, type GateRequest, type GateResponse } from './protocol';

export type BrokerHandler = (req: GateRequest, signal: AbortSignal) => Promise<GateResponse>;

export interface BrokerLog {
  info(msg: string): void;
  warn(msg: string): void;
}

export class Broker {
  private server: net.Server | undefined;

  constructor(
    readonly socketPath: string,
    private readonly secret: string,
    private readonly handler: BrokerHandler,
    private readonly log: BrokerLog,
  ) {}

  async start(): Promise<void> {
    if (process.platform !== 'win32') {
      const dir = path.dirname(this.socketPath);
      fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
      fs.chmodSync(dir, 0o700);
      // A socket left by the previous run of this window (reload): replace it.
      try {
        fs.unlinkSync(this.socketPath);
      } catch {
        /* not there */
      }
    }
    const server = net.createServer((sock) => this.onConnection(sock));
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
    const reader = new LineReader((line) => {
      if (handled) return;
      handled = true;
      void this.answer(line, abort.signal).then((res) => {
        if (!sock.destroyed) sock.end(JSON.stringify(res) + '\n');
      });
    });
    sock.on('data', (d) => reader.push(d));
  }

  private async answer(line: string, signal: AbortSignal): Promise<GateResponse> {
    let req: GateRequest;
    try {
      req = JSON.parse(line) as GateRequest;
    } catch {
      return { decision: 'deny', message: 'TwoKey: refused the request: it was not valid JSON.' };
    }
    if (req.v !== PROTOCOL_VERSION) {
      return { decision: 'deny', message: `TwoKey: refused the request: gate protocol ${req.v} is not ${PROTOCOL_VERSION}; reopen the terminal.` };
    }
    if (!safeEqual(req.secret ?? '', this.secret)) {
      this.log.warn('[broker] refused a request with a wrong secret');
      return { decision: 'deny', message: 'TwoKey: refused the request: the gate secret does not match this window; reopen the terminal.' };
    }
    try {
      return await this.handler(req, signal);
    } catch (err) {
      this.log.warn(`[broker] handler failed: ${err instanceof Error ? err.message : String(err)}`);
      return { decision: 'deny', message: 'TwoKey: refused the command because its check failed; see the TwoKey output channel.' };
    }
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
