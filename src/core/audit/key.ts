/**
 * The chain key: 32 random bytes that seal every record (HMAC-SHA256), kept outside the
 * workspace in the per-user state folder as `audit-key` (mode 0600), so the CLI, the agent
 * hooks, the offline gate and the editor all seal with the same key and read each other's
 * records. The editor keeps a second copy in the OS keychain and puts the file back from it.
 * What this does and does not stop is in the README's threat model: a process running as the
 * same user can read this file.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as crypto from 'node:crypto';
import { auditKey, type AuditKey } from './record';

export const KEY_FILE = 'audit-key';
const KEY_BYTES = 32;

export function keyFilePath(stateDir: string): string {
  return path.join(stateDir, KEY_FILE);
}

/** The secret from a key file's text (hex), or undefined when it is not one. */
export function parseKey(text: string): AuditKey | undefined {
  const hex = text.trim();
  if (!/^[0-9a-f]{64}$/i.test(hex)) return undefined;
  return auditKey(Buffer.from(hex, 'hex'));
}

/**
 * The key in the state folder, or undefined when there is none. Throws when the file is
 * there but cannot be trusted: not a regular file (a symlink), another owner, or readable by
 * others.
 */
export function readKeyFile(stateDir: string): AuditKey | undefined {
  const file = keyFilePath(stateDir);
  let st: fs.Stats;
  try {
    st = fs.lstatSync(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  if (!st.isFile()) throw new Error(`TwoKey: the audit key ${file} is not a regular file`);
  if (process.platform !== 'win32') {
    if (typeof process.getuid === 'function' && st.uid !== process.getuid()) throw new Error(`TwoKey: the audit key ${file} belongs to another user`);
    if ((st.mode & 0o077) !== 0) throw new Error(`TwoKey: the audit key ${file} can be read by other users (mode ${(st.mode & 0o777).toString(8)})`);
  }
  const key = parseKey(fs.readFileSync(file, 'utf8'));
  if (!key) throw new Error(`TwoKey: the audit key ${file} is damaged`);
  return key;
}

/** Write `key` as the state folder's key (atomically, 0600), replacing any file there. */
export function writeKeyFile(stateDir: string, key: AuditKey): void {
  fs.mkdirSync(stateDir, { recursive: true, mode: 0o700 });
  const file = keyFilePath(stateDir);
  const tmp = `${file}.${process.pid}.${crypto.randomBytes(4).toString('hex')}.tmp`;
  fs.writeFileSync(tmp, key.secret.toString('hex') + '\n', { mode: 0o600, flag: 'wx' });
  fs.renameSync(tmp, file);
}

/**
 * The state folder's key, created on first use. Two processes creating it at once agree:
 * the file is created exclusively and the loser reads the winner's key.
 */
export function loadOrCreateKey(stateDir: string): AuditKey {
  const have = readKeyFile(stateDir);
  if (have) return have;
  fs.mkdirSync(stateDir, { recursive: true, mode: 0o700 });
  const secret = crypto.randomBytes(KEY_BYTES);
  const file = keyFilePath(stateDir);
  const tmp = `${file}.${process.pid}.${crypto.randomBytes(4).toString('hex')}.tmp`;
  fs.writeFileSync(tmp, secret.toString('hex') + '\n', { mode: 0o600, flag: 'wx' });
  try {
    fs.linkSync(tmp, file); // fails when another process made the key first
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  } finally {
    fs.rmSync(tmp, { force: true });
  }
  const key = readKeyFile(stateDir);
  if (!key) throw new Error(`TwoKey: could not create the audit key ${file}`);
  return key;
}
