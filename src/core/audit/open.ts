/**
 * One way to open a workspace's audit log for every writer outside the editor (the CLI,
 * the agent hooks, the offline gate) so they all agree with the editor: the chain head and
 * the chain key in the per-user state folder, and the forwarding the editor's settings ask
 * for, which the extension writes to the state folder as `audit-forward.json`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as crypto from 'node:crypto';
import { AuditLog, type AuditLogOptions } from './log';
import type { AuditEntry } from './record';
import { maskSecrets } from '../redact';
import { defaultStateDir, FileHeadStore } from './head';
import { loadOrCreateKey } from './key';
import { parseSyslogTarget, type ForwardOptions } from './forward';

/** Where the extension leaves the forwarding settings for the CLI, hooks and gates. */
export const FORWARD_FILE = 'audit-forward.json';

/**
 * The forwarding asked for in the state folder (written by the extension from its machine
 * settings), or undefined. `{ "file": …, "http": …, "syslog": true | "tcp://host:port" | {…} }`.
 */
export function readForwardConfig(stateDir: string): ForwardOptions | undefined {
  try {
    return forwardOptions(JSON.parse(fs.readFileSync(path.join(stateDir, FORWARD_FILE), 'utf8')));
  } catch {
    return undefined;
  }
}

/** Forwarding options from settings-shaped JSON (`syslog` true, a target URL, or `{ url, ca, appName }`). */
export function forwardOptions(raw: unknown): ForwardOptions | undefined {
  if (!raw || typeof raw !== 'object') return undefined;
  const v = raw as Record<string, unknown>;
  const out: ForwardOptions = {};
  if (typeof v.file === 'string' && v.file) out.file = v.file;
  if (typeof v.http === 'string' && v.http) out.http = v.http;
  if (v.syslog === true) out.syslog = true;
  else if (typeof v.syslog === 'string') out.syslog = parseSyslogTarget(v.syslog);
  else if (v.syslog && typeof v.syslog === 'object') {
    const s = v.syslog as Record<string, unknown>;
    const t = typeof s.url === 'string' ? parseSyslogTarget(s.url) : undefined;
    if (t) out.syslog = { ...t, ca: typeof s.ca === 'string' ? s.ca : undefined, appName: typeof s.appName === 'string' ? s.appName : undefined };
  }
  return out.file || out.http || out.syslog ? out : undefined;
}

/** Record the forwarding for the other writers (or remove it). Atomic, 0600. */
export function writeForwardConfig(stateDir: string, forward: Record<string, unknown> | undefined): void {
  const file = path.join(stateDir, FORWARD_FILE);
  if (!forward) {
    fs.rmSync(file, { force: true });
    return;
  }
  fs.mkdirSync(stateDir, { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.${crypto.randomBytes(4).toString('hex')}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(forward, null, 2) + '\n', { mode: 0o600 });
  fs.renameSync(tmp, file);
}

export interface OpenAuditOptions extends Partial<Omit<AuditLogOptions, 'dir'>> {
  /** The per-user state folder (default: defaultStateDir()). */
  stateDir?: string;
}

/**
 * The audit log of `dir` (a `.twokey` folder) with the state folder's head, key and
 * forwarding. A key that cannot be read or made is reported through onError and the record
 * is still written (unsealed: verification will then show the downgrade).
 */
export function openAuditLog(dir: string, opts: OpenAuditOptions = {}): AuditLog {
  const { stateDir = defaultStateDir(), ...rest } = opts;
  let key = rest.key;
  if (!key) {
    try {
      key = loadOrCreateKey(stateDir);
    } catch (err) {
      rest.onError?.(`[audit] no chain key: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  return new AuditLog({
    headStore: FileHeadStore.forLog(stateDir, dir),
    forward: rest.forward ?? readForwardConfig(stateDir),
    ...rest,
    key,
    dir,
  });
}

/**
 * One record from a short-lived process (an agent hook, the offline gate): open the log, append,
 * flush, close. A failure is said on stderr (masked) and never thrown: the caller's answer stands.
 */
export async function appendOnce(dir: string, entry: AuditEntry): Promise<void> {
  try {
    const log = openAuditLog(dir, { onError: (m) => process.stderr.write(`TwoKey: ${maskSecrets(m)}\n`) });
    try {
      await log.append(entry);
      await log.flush(1000);
    } finally {
      log.dispose();
    }
  } catch (err) {
    process.stderr.write(`TwoKey: could not write the audit record: ${maskSecrets(err instanceof Error ? err.message : String(err))}\n`);
  }
}
