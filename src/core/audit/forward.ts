/**
 * Optional forwarding of each record to where a team's log shipper already looks:
 * a file, a local HTTP endpoint (POST, one JSON record per request), or local syslog
 * (UDP, RFC 5424). Fire and forget: never blocks or fails an append; errors go to onError.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as http from 'node:http';
import * as https from 'node:https';
import * as dgram from 'node:dgram';
import type { AuditRecord } from './record';

export interface ForwardOptions {
  /** Append each record (one JSON line) to this file too. */
  file?: string;
  /** POST each record as JSON to this URL (http: or https:), e.g. http://127.0.0.1:8686/twokey. */
  http?: string;
  /** Send each record to syslog over UDP (default 127.0.0.1:514), RFC 5424, facility "log audit". */
  syslog?: boolean | { host?: string; port?: number; appName?: string };
  /** Give up on one HTTP request after this long (ms). Default 2000. */
  timeoutMs?: number;
}

const SEVERITY: Record<string, number> = { denied: 4, 'timed-out': 4, observed: 5, allowed: 6 };
const FACILITY_LOG_AUDIT = 13;

/** One RFC 5424 syslog message for a record. */
export function syslogMessage(rec: AuditRecord, line: string, appName = 'twokey', host = os.hostname()): string {
  const pri = FACILITY_LOG_AUDIT * 8 + (SEVERITY[rec.decision] ?? 5);
  const hostname = (host || '-').replace(/[^\x21-\x7e]/g, '').slice(0, 255) || '-';
  return `<${pri}>1 ${rec.ts} ${hostname} ${appName} ${process.pid} ${rec.decision} - ${line}`;
}

export class Forwarder {
  private fileChain: Promise<void> = Promise.resolve();
  private readonly pending = new Set<Promise<void>>();
  private socket: dgram.Socket | undefined;

  constructor(
    private readonly opts: ForwardOptions,
    private readonly onError: (msg: string) => void = () => undefined,
  ) {}

  get enabled(): boolean {
    return Boolean(this.opts.file || this.opts.http || this.opts.syslog);
  }

  /** Forward one record; returns at once. */
  send(rec: AuditRecord, line: string): void {
    if (this.opts.file) {
      const file = this.opts.file;
      this.fileChain = this.fileChain.then(() => fs.promises.appendFile(file, line + '\n', { mode: 0o600 })).catch((e) => this.fail('file', e));
      this.track(this.fileChain);
    }
    if (this.opts.http) this.track(this.post(this.opts.http, line));
    if (this.opts.syslog) this.track(this.syslog(rec, line));
  }

  /** Wait (at most timeoutMs) for what is in flight: for short-lived processes such as the CLI. */
  async flush(timeoutMs = 2000): Promise<void> {
    if (!this.pending.size) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.allSettled([...this.pending]),
      new Promise<void>((r) => {
        timer = setTimeout(r, timeoutMs);
        timer.unref();
      }),
    ]);
    if (timer) clearTimeout(timer);
  }

  dispose(): void {
    this.socket?.close();
    this.socket = undefined;
  }

  private track(p: Promise<void>): void {
    const q = p.catch(() => undefined).finally(() => this.pending.delete(q));
    this.pending.add(q);
  }

  private fail(where: string, e: unknown): void {
    try {
      this.onError(`[audit] forwarding to ${where} failed: ${e instanceof Error ? e.message : String(e)}`);
    } catch {
      /* never let a logger break an append */
    }
  }

  private post(url: string, line: string): Promise<void> {
    return new Promise<void>((resolve) => {
      try {
        const u = new URL(url);
        const mod = u.protocol === 'https:' ? https : http;
        if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error(`unsupported URL scheme ${u.protocol}`);
        const body = Buffer.from(line);
        const req = mod.request(
          u,
          { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': body.length }, timeout: this.opts.timeoutMs ?? 2000 },
          (res) => {
            res.resume();
            if ((res.statusCode ?? 0) >= 400) this.fail('http', new Error(`HTTP ${res.statusCode}`));
            res.on('end', resolve);
            res.on('error', resolve);
          },
        );
        req.on('timeout', () => req.destroy(new Error('timed out')));
        req.on('error', (e) => {
          this.fail('http', e);
          resolve();
        });
        req.end(body);
      } catch (e) {
        this.fail('http', e);
        resolve();
      }
    });
  }

  private syslog(rec: AuditRecord, line: string): Promise<void> {
    const o = typeof this.opts.syslog === 'object' ? this.opts.syslog : {};
    return new Promise<void>((resolve) => {
      try {
        if (!this.socket) {
          this.socket = dgram.createSocket('udp4');
          this.socket.on('error', (e) => this.fail('syslog', e));
          this.socket.unref();
        }
        const msg = Buffer.from(syslogMessage(rec, line, o.appName));
        this.socket.send(msg, o.port ?? 514, o.host ?? '127.0.0.1', (e) => {
          if (e) this.fail('syslog', e);
          resolve();
        });
      } catch (e) {
        this.fail('syslog', e);
        resolve();
      }
    });
  }
}
