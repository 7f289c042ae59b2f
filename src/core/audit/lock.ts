/**
 * An exclusive lock file shared by every process and window that writes one log:
 * created with O_CREAT|O_EXCL ('wx'), holding the owner's pid, host and a random token.
 * A lock whose owner is dead (same host) or that is older than `staleMs` is broken by
 * renaming it aside first, so two processes cannot both break it and both win.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as crypto from 'node:crypto';

export interface LockOptions {
  /** Give up after this long (ms). */
  timeoutMs?: number;
  /** A lock older than this is stale whatever its owner (ms); holds last well under 1 ms. */
  staleMs?: number;
}

const HOST = os.hostname();
// Tokens: random per process, then a counter (randomBytes on every attempt costs more than the lock).
const PREFIX = crypto.randomBytes(6).toString('hex') + '-';
let counter = 0;

interface LockInfo {
  pid: number;
  host: string;
  token: string;
  at: number;
}

function readInfo(file: string): { info: LockInfo | undefined; mtimeMs: number; ino: number } | undefined {
  try {
    const st = fs.lstatSync(file); // a dangling symlink is a lock too (and a stale one)
    let info: LockInfo | undefined;
    try {
      info = st.isFile() ? (JSON.parse(fs.readFileSync(file, 'utf8')) as LockInfo) : undefined;
    } catch {
      info = undefined; // being written, or damaged
    }
    return { info, mtimeMs: st.mtimeMs, ino: st.ino };
  } catch {
    return undefined;
  }
}

/** What identifies one lock file's life: its inode, mtime and content. */
function signature(file: string): string {
  const seen = readInfo(file);
  if (!seen) return '';
  return `${seen.ino}:${seen.mtimeMs}:${seen.info?.token ?? ''}`;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export class FileLock {
  private token: string | undefined;

  constructor(
    readonly file: string,
    private readonly opts: LockOptions = {},
  ) {}

  /** One attempt; true when this object now holds the lock. */
  tryAcquire(): boolean {
    const token = `${PREFIX}${++counter}`;
    let fd: number;
    try {
      fd = fs.openSync(this.file, 'wx', 0o600);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      this.breakIfStale();
      return false;
    }
    try {
      fs.writeSync(fd, JSON.stringify({ pid: process.pid, host: HOST, token, at: Date.now() }));
    } finally {
      fs.closeSync(fd);
    }
    this.token = token;
    return true;
  }

  /** Wait for the lock, synchronously (short critical sections only). */
  acquireSync(): void {
    const overdue = this.deadline();
    let wait = 0.2;
    const sab = new Int32Array(new SharedArrayBuffer(4));
    while (!this.tryAcquire()) {
      overdue();
      Atomics.wait(sab, 0, 0, wait + Math.random() * wait);
      wait = Math.min(wait * 2, 20);
    }
  }

  /**
   * The deadline of one wait for the lock: called between attempts, it throws once the wait
   * is over. A holder keeps the lock well under a millisecond: the same lock held for the
   * whole wait is planted or left by a hung process. It is broken once rather than drop the
   * record; a lock that changed hands meanwhile is real contention.
   */
  private deadline(): () => void {
    let deadline = Date.now() + (this.opts.timeoutMs ?? 10_000);
    let forced = false;
    const first = signature(this.file);
    return () => {
      if (Date.now() <= deadline) return;
      if (forced || signature(this.file) !== first) throw new Error(`TwoKey: timed out waiting for the audit lock ${this.file}`);
      forced = true;
      this.breakIfStale(true);
      deadline = Date.now() + 1000;
    };
  }

  /** Wait for the lock without blocking the event loop. */
  async acquire(): Promise<void> {
    if (this.tryAcquire()) return;
    const overdue = this.deadline();
    let wait = 0.5;
    while (!this.tryAcquire()) {
      overdue();
      await new Promise((r) => setTimeout(r, wait + Math.random() * wait));
      wait = Math.min(wait * 2, 20);
    }
  }

  release(): void {
    const token = this.token;
    if (!token) return;
    this.token = undefined;
    // Only remove our own lock: if ours was broken as stale, the file is someone else's now.
    let theirs = false;
    try {
      theirs = !fs.readFileSync(this.file, 'utf8').includes(`"token":"${token}"`);
    } catch {
      return; // gone already
    }
    if (theirs) return;
    try {
      fs.unlinkSync(this.file);
    } catch {
      /* already gone */
    }
  }

  get held(): boolean {
    return this.token !== undefined;
  }

  private breakIfStale(force = false): void {
    const seen = readInfo(this.file);
    if (!seen) return;
    const staleMs = this.opts.staleMs ?? 5_000;
    // The older of the time written in the lock and its mtime; a time in the future (beyond
    // clock skew) is not believed: a planted lock must not live forever.
    const at = typeof seen.info?.at === 'number' && Number.isFinite(seen.info.at) ? Math.min(seen.info.at, seen.mtimeMs) : seen.mtimeMs;
    const age = Date.now() - at;
    const future = age < -60_000;
    const pid = seen.info?.pid;
    const dead = seen.info !== undefined && seen.info.host === HOST && typeof pid === 'number' && pid > 0 && pid !== process.pid && !alive(pid);
    // A lock without readable content may be mid-write: only age makes it stale.
    if (!force && !dead && !future && age < staleMs) return;
    const aside = `${this.file}.stale.${process.pid}.${crypto.randomBytes(4).toString('hex')}`;
    try {
      fs.renameSync(this.file, aside);
    } catch {
      return; // someone else broke or released it
    }
    const got = readInfo(aside);
    if (seen.info && got?.info && got.info.token !== seen.info.token) {
      // We moved a fresh lock that replaced the stale one in the meantime: put it back.
      try {
        fs.linkSync(aside, this.file);
      } catch {
        /* another lock exists already; the fresh owner's release will fail silently */
      }
    }
    try {
      fs.rmSync(aside, { recursive: true, force: true }); // a planted lock may be a folder
    } catch {
      /* ignore */
    }
  }
}
