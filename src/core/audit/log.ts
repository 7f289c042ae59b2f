/**
 * The workspace audit log: `.twokey/audit.jsonl`, append-only, hash-chained, shared by every
 * window and process that writes it. Pure Node (no `vscode`): the extension, the CLI and the
 * gates all use this class.
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
import { chainFiles, linesBackward, LIVE_FILE, nextRotationIndex } from './files';
import { FileLock } from './lock';
import { computeHash, GENESIS, normaliseEntry, seal, type AuditEntry, type AuditKey, type AuditRecord } from './record';
import { verifyChain, type VerifyResult } from './verify';
import { Forwarder, type ForwardOptions } from './forward';
import { checkHead, sealHead, type ChainHead, type HeadStore } from './head';

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

export interface ReadOptions {
  /** At most this many records. */
  limit?: number;
  /** Only records with a smaller seq (paging backwards). */
  beforeSeq?: number;
  /** Stop at records with this seq or lower (only newer ones). */
  afterSeq?: number;
  filter?: (r: AuditRecord) => boolean;
}

export const DEFAULT_MAX_BYTES = 10 * 1024 * 1024;
export const GITIGNORE_TEXT = '# Written by TwoKey: the audit log and what "Move to trash instead" kept stay out of version control (setting twokey.audit.gitignore).\naudit*.jsonl\naudit.lock*\ntrash/\n';
/** Rule id of the record written when verification finds a broken chain. */
export const TAMPER_RULE = 'audit.chain-broken';
/** Rule id of the `tamper` record written when an append finds the log or its head forged. */
export const FORGED_RULE = 'audit.forged';

interface Tail {
  seq: number;
  hash: string;
  /** The tail record itself, when read from the file. */
  rec?: Record<string, unknown>;
}

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
  *read(opts: ReadOptions = {}): Generator<AuditRecord> {
    const files = chainFiles(this.dir).reverse();
    let left = opts.limit ?? Infinity;
    if (left <= 0) return;
    for (const file of files) {
      for (const { text } of linesBackward(file)) {
        let rec: AuditRecord;
        try {
          rec = JSON.parse(text) as AuditRecord;
        } catch {
          continue;
        }
        if (rec === null || typeof rec !== 'object' || typeof rec.seq !== 'number') continue;
        if (opts.afterSeq !== undefined && rec.seq <= opts.afterSeq) return;
        if (opts.beforeSeq !== undefined && rec.seq >= opts.beforeSeq) continue;
        if (opts.filter && !opts.filter(rec)) continue;
        yield rec;
        if (--left <= 0) return;
      }
    }
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
      const tail = cached ?? this.readTail(st);
      const head = cached ? undefined : this.opts.headStore?.read();
      const { from, problems } = cached ? { from: cached as Tail, problems: [] as string[] } : this.checkBeforeAppend(tail, head);
      const key = this.opts.key;
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

  /**
   * Before an append: does the log still hold what the witnesses say it held? The witnesses
   * are the head kept outside the workspace (its MAC checked with the key) and the last record
   * this object wrote. A rewritten record, a forged head, or a tail not sealed with the key is
   * a problem: the chain then continues from the last record that can be trusted, and the
   * caller writes a `tamper` record first. A log shorter than its head (truncated, deleted)
   * continues from the head, so the gap stays visible to `verify()`.
   */
  private checkBeforeAppend(tail: Tail, head: ChainHead | undefined): { from: Tail; problems: string[] } {
    const key = this.opts.key;
    const problems: string[] = [];
    let trustedHead: Tail | undefined = head;
    if (head) {
      const state = checkHead(head, key);
      if (state === 'forged' || (state === 'other-key' && key)) {
        problems.push(state === 'forged' ? 'the chain head kept outside the workspace was forged (its MAC does not match)' : `the chain head is sealed with another key (${head.key})`);
        trustedHead = undefined;
      }
    }
    // An unsealed head (or none) while this writer holds a key: either the log predates the
    // key (migration, once) or someone rewrote it without the key. A sealed record anywhere
    // in the log tells them apart.
    if (key && this.keyedFrom === undefined && (!head || checkHead(head, key) === 'unkeyed')) {
      const firstKeyed = this.oldestKeyedSeq();
      if (firstKeyed !== undefined) {
        this.keyedFrom = firstKeyed;
        if (head) {
          problems.push('the chain head lost its seal (rewritten without the chain key)');
          trustedHead = undefined;
        }
      }
    } else if (key && head && checkHead(head, key) === 'unkeyed' && this.keyedFrom !== undefined) {
      problems.push('the chain head lost its seal (rewritten without the chain key)');
      trustedHead = undefined;
    }
    const witnesses: Array<{ name: string; w: Tail }> = [];
    if (this.known) witnesses.push({ name: 'the last record this process wrote', w: this.known });
    if (trustedHead) witnesses.push({ name: 'the chain head kept outside the workspace', w: trustedHead });
    let from: Tail | undefined;
    for (const { name, w } of witnesses) {
      if (w.seq > tail.seq || w.seq <= 0) continue; // truncated or deleted: continue from the witness below
      const found = w.seq === tail.seq ? tail : this.findRecord(w.seq);
      if (found && found.hash !== w.hash) {
        problems.push(`the record at seq ${w.seq} no longer has the hash ${name} holds (${w.hash.slice(0, 12)}…, now ${found.hash.slice(0, 12)}…): the log was rewritten`);
        from ??= w;
      }
    }
    if (!from && key && tail.rec && tail.seq > 0) {
      const rec = tail.rec;
      const keyedChain = this.keyedFrom !== undefined || (trustedHead as ChainHead | undefined)?.keyedFrom !== undefined;
      const bad = rec.key === undefined ? keyedChain : computeHash(rec, key) !== tail.hash;
      if (bad) {
        problems.push(`the last record (seq ${tail.seq}) is not sealed with the chain key: it was written or changed without it`);
        from = [this.known, trustedHead].find((w): w is Tail => w !== undefined && w.seq < tail.seq) ?? tail;
      }
    }
    from ??= [tail, ...witnesses.map((x) => x.w)].reduce((a, b) => (b.seq > a.seq ? b : a));
    return { from: { seq: from.seq, hash: from.hash }, problems };
  }

  /** The seq of the oldest record that names a chain key, or undefined when none does. */
  private oldestKeyedSeq(): number | undefined {
    let oldest: number | undefined;
    for (const file of chainFiles(this.dir).reverse()) {
      for (const { text } of linesBackward(file)) {
        if (!text.includes('"key":')) continue;
        try {
          const r = JSON.parse(text) as Partial<AuditRecord>;
          if (r && typeof r.seq === 'number' && typeof r.key === 'string') oldest = r.seq;
        } catch {
          /* damaged line */
        }
      }
    }
    return oldest;
  }

  /** The record with this seq, looking back from the end (bounded); undefined when not found. */
  private findRecord(seq: number): Tail | undefined {
    let scanned = 0;
    for (const file of chainFiles(this.dir).reverse()) {
      for (const { text } of linesBackward(file, 64 * 1024)) {
        if (++scanned > 20_000) return undefined; // bounded: a witness that far back is left to verify()
        try {
          const r = JSON.parse(text) as Partial<AuditRecord>;
          if (!r || typeof r.seq !== 'number' || typeof r.hash !== 'string') continue;
          if (r.seq === seq) return { seq: r.seq, hash: r.hash };
          if (r.seq < seq) return undefined;
        } catch {
          /* damaged line */
        }
      }
    }
    return undefined;
  }

  /** The last good record of the chain: the live file's, else the newest rotated file's. */
  private readTail(st: fs.Stats | undefined): Tail {
    const files = chainFiles(this.dir).reverse();
    for (const file of files) {
      let scanned = 0;
      for (const { text } of linesBackward(file, 64 * 1024, file === this.file ? st?.size : undefined)) {
        try {
          const r = JSON.parse(text) as Partial<AuditRecord>;
          if (r && typeof r.seq === 'number' && typeof r.hash === 'string') return { seq: r.seq, hash: r.hash, rec: r as Record<string, unknown> };
        } catch {
          /* damaged line: look further back */
        }
        if (++scanned > 1000) break;
      }
    }
    return { seq: 0, hash: GENESIS };
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
