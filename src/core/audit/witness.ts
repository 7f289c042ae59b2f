/**
 * Before an append, the log is read back against its witnesses: the tail record, the chain
 * head kept outside the workspace and the last record this writer wrote. Reads only the
 * files of the chain (through files.ts).
 */
import { chainFiles, linesBackward } from './files';
import { checkHead, type ChainHead } from './head';
import { computeHash, GENESIS, type AuditKey, type AuditRecord } from './record';

export interface Tail {
  seq: number;
  hash: string;
  /** The tail record itself, when read from the file. */
  rec?: Record<string, unknown>;
}

export interface Checked {
  /** The record the chain continues from. */
  from: Tail;
  /** What the witnesses disagree about; a `tamper` record is written first when there is any. */
  problems: string[];
  /** The first keyed seq of the chain, once known. */
  keyedFrom: number | undefined;
}

/**
 * Before an append: does the log still hold what the witnesses say it held? The witnesses
 * are the head kept outside the workspace (its MAC checked with the key) and the last record
 * this object wrote. A rewritten record, a forged head, or a tail not sealed with the key is
 * a problem: the chain then continues from the last record that can be trusted, and the
 * caller writes a `tamper` record first. A log shorter than its head (truncated, deleted)
 * continues from the head, so the gap stays visible to `verify()`.
 */
export function checkBeforeAppend(dir: string, tail: Tail, head: ChainHead | undefined, key: AuditKey | undefined, known: Tail | undefined, keyedFrom0: number | undefined): Checked {
  let keyedFrom = keyedFrom0;
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
  if (key && keyedFrom === undefined && (!head || checkHead(head, key) === 'unkeyed')) {
    const firstKeyed = oldestKeyedSeq(dir);
    if (firstKeyed !== undefined) {
      keyedFrom = firstKeyed;
      if (head) {
        problems.push('the chain head lost its seal (rewritten without the chain key)');
        trustedHead = undefined;
      }
    }
  } else if (key && head && checkHead(head, key) === 'unkeyed' && keyedFrom !== undefined) {
    problems.push('the chain head lost its seal (rewritten without the chain key)');
    trustedHead = undefined;
  }
  const witnesses: Array<{ name: string; w: Tail }> = [];
  if (known) witnesses.push({ name: 'the last record this process wrote', w: known });
  if (trustedHead) witnesses.push({ name: 'the chain head kept outside the workspace', w: trustedHead });
  let from: Tail | undefined;
  for (const { name, w } of witnesses) {
    if (w.seq > tail.seq || w.seq <= 0) continue; // truncated or deleted: continue from the witness below
    const found = w.seq === tail.seq ? tail : findRecord(dir, w.seq);
    if (found && found.hash !== w.hash) {
      problems.push(`the record at seq ${w.seq} no longer has the hash ${name} holds (${w.hash.slice(0, 12)}…, now ${found.hash.slice(0, 12)}…): the log was rewritten`);
      from ??= w;
    }
  }
  if (!from && key && tail.rec && tail.seq > 0) {
    const rec = tail.rec;
    const keyedChain = keyedFrom !== undefined || (trustedHead as ChainHead | undefined)?.keyedFrom !== undefined;
    const bad = rec.key === undefined ? keyedChain : computeHash(rec, key) !== tail.hash;
    if (bad) {
      problems.push(`the last record (seq ${tail.seq}) is not sealed with the chain key: it was written or changed without it`);
      from = [known, trustedHead].find((w): w is Tail => w !== undefined && w.seq < tail.seq) ?? tail;
    }
  }
  from ??= [tail, ...witnesses.map((x) => x.w)].reduce((a, b) => (b.seq > a.seq ? b : a));
  return { from: { seq: from.seq, hash: from.hash }, problems, keyedFrom };
}

/** The seq of the oldest record that names a chain key, or undefined when none does. */
function oldestKeyedSeq(dir: string): number | undefined {
  let oldest: number | undefined;
  for (const file of chainFiles(dir).reverse()) {
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
function findRecord(dir: string, seq: number): Tail | undefined {
  let scanned = 0;
  for (const file of chainFiles(dir).reverse()) {
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
export function readTail(dir: string, liveFile: string, st: { size: number } | undefined): Tail {
  const files = chainFiles(dir).reverse();
  for (const file of files) {
    let scanned = 0;
    for (const { text } of linesBackward(file, 64 * 1024, file === liveFile ? st?.size : undefined)) {
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
