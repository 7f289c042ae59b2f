/**
 * The workspace audit log: `.twokey/audit.jsonl`, append-only, hash-chained, shared by every
 * window and process that writes it. Plain Node (no `vscode`): the extension, the CLI and
 * the gates all use this class.
 *
 * Appending: secrets are masked first (outside the lock); then, holding an O_EXCL lock file,
 * the tail of the log and the head kept outside the workspace are read to get `seq` and
 * `prev`, the file is rotated when it would grow past `maxBytes`, the full line goes out in a
 * single write() followed by fsync, and the head is updated. When the head is ahead of the
 * file (the log was truncated or deleted) the chain continues from the head, so the gap stays
 * visible to `verify()` instead of being papered over.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { LIVE_FILE, nextRotationIndex } from './files';
import { FileLock } from './lock';
import { normaliseEntry, seal, type AuditEntry, type AuditKey, type AuditRecord } from './record';
import { verifyChain, type VerifyResult } from './verify';
import { Forwarder, type ForwardOptions } from './forward';
import { checkHead, sealHead, type ChainHead, type HeadStore } from './head';
import { readRecords, type ReadOptions } from './read';
import { checkBeforeAppend, readTail, type Tail } from './witness';

export type { ReadOptions } from './read';

export interface AuditLogOptions {
  /** The `.twokey` folder of the workspace. */
  dir: string;
  /** Where the chain head is kept outside the workspace. Without one, truncation from the end goes unseen. */
  headStore?: HeadStore;
  /** Rotate the live file before it grows past this many bytes. Default 10 MiB; 0 never rotates. */
  maxBytes?: number;
  /** Write `.twokey/.gitignore` ignoring the log when there is none. Default true. */
  gitignore?: boolean;
  /** Also send each record elsewhere (file, local HTTP, syslog). */
  forward?: ForwardOptions;
  /** fsync after each append. Default true. */
  fsync?: boolean;
  /** Records after the head break verification (see VerifyOptions.strictHead). Default true. */
  strictHead?: boolean;
  /** Lock wait limit and staleness (ms). */
  lockTimeoutMs?: number;
  staleLockMs?: number;
  /** Where non-fatal problems (forwarding) are reported. */
  onError?: (msg: string) => void;
  /**
   * The chain key: new records and the head are sealed with it (HMAC-SHA256), and a record
   * or head that does not carry its seal is treated as forged. Without one, records are
   * plain sha256 (anyone can recompute them).
   */
  key?: AuditKey;
}


export const DEFAULT_MAX_BYTES = 10 * 1024 * 1024;
export const GITIGNORE_TEXT = '# Written by TwoKey: the audit log and what "Move to trash instead" kept stay out of version control (setting twokey.audit.gitignore).\naudit*.jsonl\naudit.lock*\ntrash/\n';
/** Rule id of the record written when verification finds a broken chain. */
export const TAMPER_RULE = 'audit.chain-broken';
/** Rule id of the `tamper` record written when an append finds the log or its head forged. */
export const FORGED_RULE = 'audit.forged';

interface TailCache extends Tail {
  ino: number;
  size: number;
  mtimeMs: number;
}


export interface Disposable {
  dispose(): void;
}

export class AuditLog {
  readonly dir: string;
  /** The live file: `<dir>/audit.jsonl`. */
  readonly file: string;
  private readonly lock: FileLock;
  private readonly forwarder: Forwarder | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private cache: TailCache | undefined;
  private prepared = false;
  private readonly listeners = new Set<(r: AuditRecord) => void>();
  private lastTamperReport: string | undefined;
  /** The last record this object wrote: a witness that survives a rewritten log and head. */
  private known: Tail | undefined;
  /** The first keyed seq of this chain, once known. */
  private keyedFrom: number | undefined;
  /** `tamper` records written ahead of the record being appended (handed to listeners after it). */
  private readonly tamperRecords: AuditRecord[] = [];

  constructor(private readonly opts: AuditLogOptions) {
    this.dir = path.resolve(opts.dir);
    this.file = path.join(this.dir, LIVE_FILE);
    this.lock = new FileLock(path.join(this.dir, 'audit.lock'), { timeoutMs: opts.lockTimeoutMs, staleMs: opts.staleLockMs });
    const fw = opts.forward ? new Forwarder(opts.forward, opts.onError) : undefined;
    this.forwarder = fw?.enabled ? fw : undefined;
  }

  get headStore(): HeadStore | undefined {
    return this.opts.headStore;
  }

  /**
   * Mask, chain and append one record; resolves with the record as written. Appends from this
   * object are queued in order; other processes are kept out by the lock file.
   */
  append(entry: AuditEntry): Promise<AuditRecord> {
    const body = normaliseEntry(entry);
    const run = this.queue.then(() => this.appendLocked(body));
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Called with each record this object appends (not other processes': use `watch`). */
  onDidAppend(listener: (r: AuditRecord) => void): Disposable {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  /**
   * Calls `listener` (debounced) when the log folder changes, e.g. another window appended.
   * Pair with `read({ afterSeq })` to pick up the new records.
   */
  watch(listener: () => void, debounceMs = 50): Disposable {
    fs.mkdirSync(this.dir, { recursive: true });
    let timer: NodeJS.Timeout | undefined;
    const w = fs.watch(this.dir, { persistent: false }, (_ev, name) => {
      if (name && !String(name).startsWith('audit') ) return;
      if (name && String(name).startsWith('audit.lock')) return;
      if (timer) return;
      timer = setTimeout(() => {
        timer = undefined;
        listener();
      }, debounceMs);
    });
    w.on('error', () => undefined);
    return {
      dispose: () => {
        if (timer) clearTimeout(timer);
        w.close();
      },
    };
  }

  /** Verify the whole chain against the head kept outside the workspace. */
  verify(): VerifyResult {
    const run = () =>
      verifyChain(this.dir, {
        head: this.opts.headStore?.read(),
        strictHead: this.opts.strictHead,
        key: this.opts.key,
        requireHead: this.opts.headStore !== undefined && this.opts.strictHead !== false,
      });
    const first = run();
    if (first.ok || !fs.existsSync(this.dir)) return first;
    // A break at the tail may be an append in flight: look again with writers kept out.
    try {
      this.lock.acquireSync();
    } catch {
      return first;
    }
    try {
      return run();
    } finally {
      this.lock.release();
    }
  }

  /** Run `fn` with writers kept out (undefined when the lock cannot be had). */
  verifyLocked<T>(fn: () => T): T | undefined {
    try {
      this.lock.acquireSync();
    } catch {
      return undefined;
    }
    try {
      return fn();
    } finally {
      this.lock.release();
    }
  }

  /**
   * Verify, and when the chain is broken record that (once per distinct break) as an
   * `observed` record with rule `audit.chain-broken`, so the detection is itself on record.
   */
  async verifyAndRecord(): Promise<VerifyResult> {
    const r = this.verify();
    if (r.ok || !r.firstBroken) return r;
    const b = r.firstBroken;
    const reason = `TwoKey audit log broken at ${path.basename(b.file)} line ${b.line} (seq ${b.seq}): ${b.reason}`;
    if (this.lastTamperReport === reason) return r;
    const newest = this.read({ limit: 1 }).next();
    if (!newest.done && newest.value.rules.includes(TAMPER_RULE) && newest.value.reason === reason) {
      this.lastTamperReport = reason;
      return r;
    }
    this.lastTamperReport = reason;
    await this.append({
      source: 'file-watch',
      command: 'twokey audit verify',
      cwd: path.dirname(this.dir),
      decision: 'observed',
      decidedBy: 'policy',
      risk: 'high',
      rules: [TAMPER_RULE],
      reason,
    });
    return r;
  }

  /**
   * Records newest first, across rotated files, read backwards in chunks (no whole-file read).
   * Lines that are not records are skipped (`verify` reports them).
   */
  read(opts: ReadOptions = {}): Generator<AuditRecord> {
    return readRecords(this.dir, opts);
  }

  /** Records with seq above `seq`, oldest first (what a live view has not seen yet). */
  readSince(seq: number): AuditRecord[] {
    return [...this.read({ afterSeq: seq })].reverse();
  }

  /** Wait for forwarded records in flight (the CLI calls this before it exits). */
  async flush(timeoutMs?: number): Promise<void> {
    await this.queue;
    await this.forwarder?.flush(timeoutMs);
  }

  dispose(): void {
    this.listeners.clear();
    this.forwarder?.dispose();
  }

  private prepare(): void {
    if (this.prepared) return;
    fs.mkdirSync(this.dir, { recursive: true });
    if (this.opts.gitignore !== false) {
      try {
        fs.writeFileSync(path.join(this.dir, '.gitignore'), GITIGNORE_TEXT, { flag: 'wx' });
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      }
    }
    this.prepared = true;
  }

  private async appendLocked(body: ReturnType<typeof normaliseEntry>): Promise<AuditRecord> {
    this.prepare();
    await this.lock.acquire();
    let rec: AuditRecord;
    let line: string;
    let fd: number | undefined;
    // The critical section is synchronous (a handful of syscalls, well under a millisecond);
    // fsync runs after the lock is released: other writers only need the bytes in the file.
    try {
      let st = statOrUndefined(this.file);
      const cached =
        st && this.cache && this.cache.ino === st.ino && this.cache.size === st.size && this.cache.mtimeMs === st.mtimeMs ? this.cache : undefined;
      const tail = cached ?? readTail(this.dir, this.file, st);
      const head = cached ? undefined : this.opts.headStore?.read();
      const key = this.opts.key;
      const checked = cached ? undefined : checkBeforeAppend(this.dir, tail, head, key, this.known, this.keyedFrom);
      if (checked) this.keyedFrom = checked.keyedFrom;
      const from: Tail = checked?.from ?? (cached as Tail);
      const problems = checked?.problems ?? [];
      const sealed: AuditRecord[] = [];
      let at = from;
      for (const problem of problems.length ? [problems.join('; ')] : []) {
        const t = seal(
          normaliseEntry({
            source: body.source,
            command: 'twokey audit append',
            cwd: path.dirname(this.dir),
            decision: 'tamper',
            decidedBy: 'policy',
            risk: 'critical',
            rules: [FORGED_RULE],
            reason: `TwoKey found the audit log forged before appending; it continues the chain from the last record it can trust (seq ${from.seq}): ${problem}`,
          }),
          at.seq + 1,
          at.hash,
          key,
        );
        sealed.push(t);
        at = t;
      }
      rec = seal(body, at.seq + 1, at.hash, key);
      sealed.push(rec);
      line = JSON.stringify(rec);
      let out = sealed.map((r) => JSON.stringify(r) + '\n').join('');
      let size = st?.size ?? 0;
      const maxBytes = this.opts.maxBytes ?? DEFAULT_MAX_BYTES;
      if (st && size > 0 && maxBytes > 0 && size + Buffer.byteLength(out) > maxBytes) {
        fs.renameSync(this.file, path.join(this.dir, `audit.${nextRotationIndex(this.dir)}.jsonl`));
        st = undefined;
        size = 0;
      }
      if (size > 0 && !cached && !endsWithNewline(this.file, size)) out = '\n' + out; // after a torn write
      const buf = Buffer.from(out);
      fd = fs.openSync(this.file, 'a', 0o600);
      let off = 0;
      while (off < buf.length) off += fs.writeSync(fd, buf, off, buf.length - off);
      const after = fs.fstatSync(fd);
      this.cache = { ino: after.ino, size: after.size, mtimeMs: after.mtimeMs, seq: rec.seq, hash: rec.hash };
      this.known = { seq: rec.seq, hash: rec.hash };
      const first = sealed[0];
      const keyedFrom = !key ? undefined : head?.keyedFrom !== undefined && checkHead(head, key) === 'ok' ? head.keyedFrom : this.keyedFrom ?? first.seq;
      this.keyedFrom = keyedFrom;
      const newHead: ChainHead = sealHead({ seq: rec.seq, hash: rec.hash, keyedFrom }, key);
      this.opts.headStore?.write(newHead);
      for (const t of sealed.slice(0, -1)) this.tamperRecords.push(t);
    } catch (err) {
      this.cache = undefined;
      if (fd !== undefined) fs.closeSync(fd);
      throw err;
    } finally {
      this.lock.release();
    }
    const handle = fd;
    await new Promise<void>((resolve, reject) => {
      const close = (err: NodeJS.ErrnoException | null) => fs.close(handle, () => (err ? reject(err) : resolve()));
      if (this.opts.fsync === false) close(null);
      else fs.fsync(handle, close);
    });
    const all = [...this.tamperRecords.splice(0), rec];
    for (const r of all) {
      for (const l of this.listeners) {
        try {
          l(r);
        } catch {
          /* a listener's failure is not the log's */
        }
      }
      if (this.forwarder) {
        try {
          this.forwarder.send(r, r === rec ? line : JSON.stringify(r));
        } catch {
          /* fire and forget */
        }
      }
    }
    return rec;
  }

}

function statOrUndefined(file: string): fs.Stats | undefined {
  try {
    return fs.statSync(file);
  } catch {
    return undefined;
  }
}

function endsWithNewline(file: string, size: number): boolean {
  const fd = fs.openSync(file, 'r');
  try {
    const b = Buffer.alloc(1);
    fs.readSync(fd, b, 0, 1, size - 1);
    return b[0] === 10;
  } finally {
    fs.closeSync(fd);
  }
}
