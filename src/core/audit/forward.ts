/**
 * Optional forwarding of each record to where a team's log pipeline already looks, as an
 * external witness of the log: a file, an HTTP endpoint (POST, one JSON record per request;
 * https anywhere, plain http only to this machine), or syslog (RFC 5424; UDP, TCP with
 * octet-counted framing (RFC 6587), or TLS). Fire and forget: never blocks or fails an
 * append; errors go to onError.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as net from 'node:net';
import * as tls from 'node:tls';
import * as http from 'node:http';
import * as https from 'node:https';
import * as dgram from 'node:dgram';
import type { AuditRecord } from './record';

export interface SyslogTarget {
  host?: string;
  port?: number;
  appName?: string;
  /** udp (default), tcp, or tls. */
  protocol?: 'udp' | 'tcp' | 'tls';
  /** TLS: a PEM file of the certificate authority to trust (else the system's). */
  ca?: string;
}

export interface ForwardOptions {
  /** Append each record (one JSON line) to this file too. */
  file?: string;
  /** POST each record as JSON to this URL: https:, or http: to a loopback address only. */
  http?: string;
  /** Send each record to syslog, RFC 5424, facility "log audit" (UDP to 127.0.0.1:514 when `true`). */
  syslog?: boolean | SyslogTarget;
  /** Give up on one HTTP request (or a syslog connection) after this long (ms). Default 2000. */
  timeoutMs?: number;
}

/**
 * A syslog target from `udp://host:port`, `tcp://host:port` or `tls://host:port`
 * (default ports 514, 514, 6514); undefined when the text is not one.
 */
export function parseSyslogTarget(text: string): SyslogTarget | undefined {
  let u: URL;
  try {
    u = new URL(text.trim());
  } catch {
    return undefined;
  }
  const protocol = u.protocol.replace(/:$/, '');
  if (protocol !== 'udp' && protocol !== 'tcp' && protocol !== 'tls') return undefined;
  if (!u.hostname) return undefined;
  const port = u.port ? Number(u.port) : protocol === 'tls' ? 6514 : 514;
  return { protocol, host: u.hostname.replace(/^\[|\]$/g, ''), port };
}

/** Whether a host name is this machine (127.0.0.0/8, ::1, localhost). */
export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (h === 'localhost' || h.endsWith('.localhost')) return true;
  if (net.isIPv4(h)) return h.startsWith('127.');
  if (net.isIPv6(h)) return h === '::1' || /^::ffff:127\./.test(h);
  return false;
}

/** Why a URL may not receive records (http to another machine would send them in clear), or undefined. */
export function httpForwardProblem(url: string): string | undefined {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return `not a URL: ${url}`;
  }
  if (u.protocol === 'https:') return undefined;
  if (u.protocol !== 'http:') return `unsupported URL scheme ${u.protocol} (https, or http to this machine)`;
  if (!isLoopbackHost(u.hostname)) return `plain http to another machine (${u.hostname}) would send the records in clear: use https, or http to 127.0.0.1`;
  return undefined;
}

const SEVERITY: Record<string, number> = { tamper: 2, denied: 4, 'timed-out': 4, observed: 5, allowed: 6 };
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
  private stream: net.Socket | undefined;

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
    this.stream?.end();
    this.stream = undefined;
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
        const problem = httpForwardProblem(url);
        if (problem) throw new Error(problem);
        const u = new URL(url);
        const mod = u.protocol === 'https:' ? https : http;
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
    if (o.protocol === 'tcp' || o.protocol === 'tls') return this.syslogStream(o, rec, line);
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

  /**
   * Syslog over one TCP (or TLS) connection kept open between records; each message framed
   * by its length (octet counting, RFC 6587). A broken connection is reported and opened
   * again for the next record.
   */
  private syslogStream(o: SyslogTarget, rec: AuditRecord, line: string): Promise<void> {
    return new Promise<void>((resolve) => {
      try {
        if (!this.stream || this.stream.destroyed) {
          const host = o.host ?? '127.0.0.1';
          const port = o.port ?? (o.protocol === 'tls' ? 6514 : 514);
          const s =
            o.protocol === 'tls'
              ? tls.connect({ host, port, servername: net.isIP(host) ? undefined : host, ca: o.ca ? fs.readFileSync(o.ca) : undefined })
              : net.connect({ host, port });
          s.setTimeout(this.opts.timeoutMs ?? 2000, () => {
            if (s.connecting) s.destroy(new Error('timed out connecting'));
          });
          s.on('error', (e) => this.fail('syslog', e));
          s.unref();
          this.stream = s;
        }
        const msg = Buffer.from(syslogMessage(rec, line, o.appName));
        const framed = Buffer.concat([Buffer.from(`${msg.length} `), msg]);
        const s = this.stream;
        const done = () => {
          s.off('close', done);
          resolve();
        };
        s.once('close', done);
        s.write(framed, (e) => {
          if (e) this.fail('syslog', e);
          done();
        });
      } catch (e) {
        this.fail('syslog', e);
        resolve();
      }
    });
  }
}
