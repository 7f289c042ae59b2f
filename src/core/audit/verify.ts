/**
 * Verify a chain: every record's hash matches its content, each `prev` is the hash of the
 * record before, `seq` counts up by one from 1 across rotated files, and the end of the
 * chain agrees with the head kept outside the workspace. Names the first broken line.
 */
import * as path from 'node:path';
import { chainFiles, linesForward, LIVE_FILE } from './files';
import { computeHash, GENESIS, type AuditKey } from './record';
import { checkHead, type ChainHead } from './head';

export interface BrokenAt {
  /** Full path of the file. */
  file: string;
  /** 1-based line in that file. */
  line: number;
  /** The seq found on that line, or the one expected there when the line has none. */
  seq: number;
  reason: string;
}

export interface VerifyResult {
  ok: boolean;
  /** Records that verified before the first break (all of them when ok). */
  records: number;
  firstBroken?: BrokenAt;
  /** Files read, in chain order. */
  files: string[];
  /** The head kept outside the workspace, when there is one. */
  head?: ChainHead;
  /** Things that are not a break but limit what could be checked. */
  warnings: string[];
  /** Records sealed with the chain key (HMAC) and plain-hashed ones (written before keying). */
  keyed?: number;
  unkeyed?: number;
  /** No chain head was found although one was required: the end of the log is unchecked. */
  headMissing?: boolean;
}

export interface VerifyOptions {
  /** The head kept outside the workspace (undefined: none known). */
  head?: ChainHead;
  /**
   * Records after the head count as a break (inserted at the end, or written by a process
   * that does not share the head). Default true; false turns it into a warning.
   */
  strictHead?: boolean;
  /** The chain key: keyed records and the head's MAC are checked with it. */
  key?: AuditKey;
  /** A log with records but no head is not OK (the head file was deleted). Default false. */
  requireHead?: boolean;
  /**
   * Verify exactly these files (in order) instead of the folder's chain. When the first
   * record is not seq 1 its start is taken as given (with a warning).
   */
  files?: string[];
}

interface Loc {
  file: string;
  line: number;
  seq: number;
}

const short = (h: string) => `${h.slice(0, 12)}…`;

export function verifyChain(dir: string, opts: VerifyOptions = {}): VerifyResult {
  const files = opts.files ?? chainFiles(dir);
  const head = opts.head;
  const key = opts.key;
  const warnings: string[] = [];
  const live = opts.files ? files[files.length - 1] ?? path.join(dir, LIVE_FILE) : path.join(dir, LIVE_FILE);
  let keyed = 0;
  let unkeyed = 0;
  const base = { files, head, warnings };
  if (!head) warnings.push('no chain head is kept outside the workspace for this log: removing records from its end cannot be detected');
  if (head) {
    const state = checkHead(head, key);
    if (state === 'forged' || (state === 'other-key' && key)) {
      return {
        ...base,
        ok: false,
        records: 0,
        firstBroken: {
          file: live,
          line: 1,
          seq: head.seq,
          reason:
            state === 'forged'
              ? 'the chain head kept outside the workspace was forged (its MAC does not match the chain key)'
              : `the chain head kept outside the workspace is sealed with another key (${head.key}) than this chain's (${key!.id})`,
        },
      };
    }
    if (state === 'other-key') warnings.push('the chain head is sealed with a key that is not available here: its MAC was not checked');
  }

  if (files.length === 0) {
    if (head && head.seq > 0) {
      return {
        ...base,
        ok: false,
        records: 0,
        firstBroken: { file: live, line: 1, seq: 1, reason: `the audit log was deleted: the chain head kept outside the workspace expects ${head.seq} record(s)` },
      };
    }
    warnings.push('there is no audit log yet');
    return { ...base, ok: true, records: 0 };
  }

  let records = 0;
  let expectedSeq = 1;
  let expectedPrev = GENESIS;
  let twoBack: string | undefined; // hash of the record before the previous one
  let prevLoc: Loc | undefined;
  let afterHead: Loc | undefined;
  let lastLoc: { file: string; line: number } = { file: files[files.length - 1], line: 0 };
  // A break that the next line explains: a seq that jumps ahead (deleted, or reordered), or a
  // record that does not chain to the one before (that one rewritten, or this one replaced).
  let pending: { kind: 'jump' | 'link'; loc: Loc; expected: number; hash: string; before?: Loc; prevHash: string; ownPrev: string } | undefined;

  const broken = (b: BrokenAt): VerifyResult => ({ ...base, ok: false, records, firstBroken: b, keyed, unkeyed });
  let started = !opts.files;
  const settlePending = (next: { seq: number; prev: string } | undefined): VerifyResult => {
    const p = pending!;
    if (p.kind === 'link') {
      if (next && next.prev === p.hash && p.before) {
        return broken({
          ...p.before,
          reason: 'the record was rewritten (its hash was recomputed, but the record after it still points to the old hash)',
        });
      }
      return broken({
        ...p.loc,
        reason: `does not follow the record before it (prev ${short(p.ownPrev)} is not its hash ${short(p.prevHash)}): this record was replaced or moved`,
      });
    }
    const reordered = next !== undefined && next.seq < p.loc.seq && next.seq >= p.expected;
    const missing = p.loc.seq - p.expected;
    return broken({
      ...p.loc,
      reason: reordered
        ? `records are out of order: seq ${p.loc.seq} stands where seq ${p.expected} belongs (reordered)`
        : p.expected === 1
          ? `the log starts at seq ${p.loc.seq}: the ${missing} record(s) before it were deleted`
          : `${missing} record(s) deleted before this one (expected seq ${p.expected}, found ${p.loc.seq})`,
    });
  };

  for (const file of files) {
    for (const { text, line, complete } of linesForward(file)) {
      lastLoc = { file, line };
      const here: Loc = { file, line, seq: expectedSeq };
      if (text.trim() === '') {
        if (pending) return settlePending(undefined);
        return broken({ ...here, reason: 'blank line in the chain (a record was removed or the file was edited)' });
      }
      let rec: Record<string, unknown>;
      try {
        rec = JSON.parse(text) as Record<string, unknown>;
      } catch {
        if (pending) return settlePending(undefined);
        return broken({
          ...here,
          reason: complete ? 'not valid JSON (the line was damaged or edited)' : 'the last line is cut short (the file was truncated in the middle of a record)',
        });
      }
      if (rec === null || typeof rec !== 'object' || typeof rec.seq !== 'number' || typeof rec.prev !== 'string' || typeof rec.hash !== 'string') {
        if (pending) return settlePending(undefined);
        return broken({ ...here, reason: 'not an audit record (seq, prev or hash missing)' });
      }
      const seq = rec.seq;
      if (pending) return settlePending({ seq, prev: rec.prev });
      const loc: Loc = { file, line, seq };
      if (!started) {
        started = true;
        if (seq !== 1) {
          warnings.push(`${path.basename(file)} starts at seq ${seq}: the records before it are not in the files given and were not checked`);
          expectedSeq = seq;
          expectedPrev = rec.prev;
        }
      }
      if (rec.key !== undefined) {
        if (typeof rec.key !== 'string') return broken({ ...loc, reason: 'not an audit record (key is not a key id)' });
        if (!key) return broken({ ...loc, reason: `the record is sealed with the chain key ${rec.key}, which is not available here: it cannot be checked (give the key with --key)` });
        if (rec.key !== key.id) {
          return broken({ ...loc, reason: `the record is sealed with another key (${rec.key}) than this chain's (${key.id}): it was not written by a TwoKey holding this chain's key` });
        }
        if (computeHash(rec, key) !== rec.hash) {
          return broken({ ...loc, reason: "the record's seal does not match its content: it was changed, or written without the chain key (forged)" });
        }
        keyed++;
      } else {
        if (computeHash(rec) !== rec.hash) {
          return broken({ ...loc, reason: 'the record was changed after it was written (its hash does not match its content)' });
        }
        if (keyed > 0 || (head?.keyedFrom !== undefined && seq >= head.keyedFrom)) {
          return broken({ ...loc, reason: 'an unsealed record where the chain is keyed: written without the chain key (forged, or a downgrade)' });
        }
        unkeyed++;
      }
      if (rec.prev !== expectedPrev || seq !== expectedSeq) {
        if (prevLoc && twoBack !== undefined && rec.prev === twoBack) {
          return broken({ ...prevLoc, reason: 'a record was inserted here: the record after it continues the chain from the one before it' });
        }
        if (seq > expectedSeq) {
          pending = { kind: 'jump', loc, expected: expectedSeq, hash: rec.hash, prevHash: expectedPrev, ownPrev: rec.prev };
          continue;
        }
        if (seq < expectedSeq) {
          return broken({ ...loc, reason: `records are out of order: seq ${seq} comes after seq ${expectedSeq - 1} (reordered or copied)` });
        }
        if (!prevLoc) return broken({ ...loc, reason: 'the first record does not start the chain (prev is not the genesis hash)' });
        pending = { kind: 'link', loc, expected: expectedSeq, hash: rec.hash, before: prevLoc, prevHash: expectedPrev, ownPrev: rec.prev };
        continue;
      }
      if (head && seq === head.seq && rec.hash !== head.hash) {
        return broken({
          ...loc,
          reason: `does not match the chain head kept outside the workspace (seq ${head.seq}, hash ${short(head.hash)}): the log was rewritten`,
        });
      }
      if (head && seq === head.seq + 1) afterHead = loc;
      twoBack = expectedPrev;
      expectedPrev = rec.hash;
      expectedSeq = seq + 1;
      prevLoc = loc;
      records++;
    }
  }
  if (pending) return settlePending(undefined);

  const lastSeq = expectedSeq - 1;
  if (!head && opts.requireHead && records > 0) {
    return {
      ...base,
      ok: false,
      records,
      keyed,
      unkeyed,
      headMissing: true,
      firstBroken: {
        file: lastLoc.file,
        line: lastLoc.line + 1,
        seq: lastSeq + 1,
        reason: 'the chain head kept outside the workspace is missing (deleted?): records removed from the end of the log cannot be detected, so the log is not verified',
      },
    };
  }
  if (head) {
    if (head.seq > lastSeq) {
      const liveGone = !files.includes(live);
      return broken({
        file: liveGone ? live : lastLoc.file,
        line: liveGone ? 1 : lastLoc.line + 1,
        seq: lastSeq + 1,
        reason: `${liveGone ? `${LIVE_FILE} was deleted or ` : ''}the log was truncated: it ends at seq ${lastSeq} but the chain head kept outside the workspace is at seq ${head.seq} (${head.seq - lastSeq} record(s) removed from the end)`,
      });
    }
    if (head.seq < lastSeq && afterHead) {
      const msg = `${lastSeq - head.seq} record(s) after the chain head kept outside the workspace (seq ${head.seq}): appended without TwoKey's head, or inserted at the end`;
      if (opts.strictHead !== false) return broken({ ...afterHead, reason: msg });
      warnings.push(msg);
    }
  }
  return { ...base, ok: true, records, keyed, unkeyed };
}
