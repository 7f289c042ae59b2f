/**
 * The chain head (last `seq` and `hash`) kept outside the workspace, so that truncating,
 * deleting or rewriting the log is detected. Written under the log's lock after each append.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as crypto from 'node:crypto';
import type { AuditKey } from './record';

export interface ChainHead {
  seq: number;
  hash: string;
  /** When the head was last written (ISO 8601). */
  updated?: string;
  /** Id of the chain key (keyed chains): the head's `mac` is sealed with it. */
  key?: string;
  /** The first seq sealed with the key: records from it on must be keyed (no downgrade). */
  keyedFrom?: number;
  /** HMAC-SHA256 of seq, hash and keyedFrom with the chain key. */
  mac?: string;
}

/** The MAC a keyed head must carry. */
export function headMac(head: ChainHead, key: AuditKey): string {
  return crypto.createHmac('sha256', key.secret).update(`twokey-head\0${head.seq}\0${head.hash}\0${head.keyedFrom ?? ''}`).digest('hex');
}

/** A head sealed with `key`. */
export function sealHead(head: ChainHead, key: AuditKey | undefined): ChainHead {
  if (!key) return { seq: head.seq, hash: head.hash, updated: head.updated };
  const h: ChainHead = { seq: head.seq, hash: head.hash, updated: head.updated, key: key.id, keyedFrom: head.keyedFrom };
  return { ...h, mac: headMac(h, key) };
}

/**
 * Whether a head is trustworthy with `key`: 'ok' when its MAC checks, 'unkeyed' when it
 * carries none, 'forged' when the MAC is wrong, 'other-key' when it names another key.
 */
export function checkHead(head: ChainHead, key: AuditKey | undefined): 'ok' | 'unkeyed' | 'forged' | 'other-key' {
  if (head.key === undefined && head.mac === undefined) return 'unkeyed';
  if (!key || head.key !== key.id) return 'other-key';
  const want = headMac(head, key);
  return typeof head.mac === 'string' && head.mac.length === want.length && crypto.timingSafeEqual(Buffer.from(head.mac), Buffer.from(want)) ? 'ok' : 'forged';
}

/** Size of a head file: fixed, so that each update overwrites the last in place. */
const HEAD_BYTES = 512;

/** Where the chain head lives. Synchronous: it is read and written while the lock is held. */
export interface HeadStore {
  read(): ChainHead | undefined;
  write(head: ChainHead): void;
}

/** The head in a JSON file, mode 0600, replaced atomically (write a temp file, rename). */
export class FileHeadStore implements HeadStore {
  constructor(readonly file: string) {}

  /**
   * A head file for one log folder inside a state folder, named after the folder's path,
   * so one state folder can keep the heads of many workspaces.
   */
  static forLog(stateDir: string, logDir: string): FileHeadStore {
    const key = crypto.createHash('sha256').update(path.resolve(logDir)).digest('hex').slice(0, 16);
    return new FileHeadStore(path.join(stateDir, `audit-head-${key}.json`));
  }

  read(): ChainHead | undefined {
    let text: string;
    try {
      text = fs.readFileSync(this.file, 'utf8');
    } catch {
      return undefined;
    }
    try {
      const v = JSON.parse(text) as Partial<ChainHead>;
      if (typeof v.seq === 'number' && typeof v.hash === 'string') {
        const h: ChainHead = { seq: v.seq, hash: v.hash, updated: v.updated };
        if (typeof v.key === 'string') h.key = v.key;
        if (typeof v.keyedFrom === 'number') h.keyedFrom = v.keyedFrom;
        if (typeof v.mac === 'string') h.mac = v.mac;
        return h;
      }
    } catch {
      /* a damaged head file counts as none */
    }
    return undefined;
  }

  /**
   * Each head is padded to the same length and written over the old one in place (one
   * pwrite, no rename: replacing a file by rename costs an implicit flush on ext4, about
   * half a millisecond, on every append). The first head is created by write + rename.
   */
  write(head: ChainHead): void {
    const text = JSON.stringify({ seq: head.seq, hash: head.hash, updated: head.updated ?? new Date().toISOString(), key: head.key, keyedFrom: head.keyedFrom, mac: head.mac });
    const buf = Buffer.from(text.padEnd(HEAD_BYTES - 1, ' ') + '\n');
    if (buf.length !== HEAD_BYTES) throw new Error('TwoKey: chain head too long');
    let fd: number | undefined;
    try {
      fd = fs.openSync(this.file, 'r+');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    if (fd !== undefined) {
      try {
        if (fs.fstatSync(fd).size === HEAD_BYTES) {
          fs.writeSync(fd, buf, 0, buf.length, 0);
          return;
        }
      } finally {
        fs.closeSync(fd);
      }
    }
    fs.mkdirSync(path.dirname(this.file), { recursive: true, mode: 0o700 });
    const tmp = `${this.file}.${process.pid}.${crypto.randomBytes(4).toString('hex')}.tmp`;
    fs.writeFileSync(tmp, buf, { mode: 0o600 });
    fs.renameSync(tmp, this.file);
  }
}

/** A head kept in memory (tests, or when no state folder is available). */
export class MemoryHeadStore implements HeadStore {
  private head: ChainHead | undefined;
  read(): ChainHead | undefined {
    return this.head && { ...this.head };
  }
  write(head: ChainHead): void {
    this.head = { ...head };
  }
}

/**
 * A state folder outside any workspace for the CLI and other processes without the
 * extension's storage: $TWOKEY_STATE_DIR, else $XDG_STATE_HOME/twokey, else ~/.local/state/twokey
 * (%LOCALAPPDATA%\twokey on Windows).
 */
export function defaultStateDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.TWOKEY_STATE_DIR) return env.TWOKEY_STATE_DIR;
  if (process.platform === 'win32' && env.LOCALAPPDATA) return path.join(env.LOCALAPPDATA, 'twokey');
  if (env.XDG_STATE_HOME) return path.join(env.XDG_STATE_HOME, 'twokey');
  return path.join(os.homedir(), '.local', 'state', 'twokey');
}
