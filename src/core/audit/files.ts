/**
 * The files of one chain and reading them backwards. The chain runs through the rotated
 * files in ascending number, then the live file: audit.1.jsonl, audit.2.jsonl, …, audit.jsonl.
 * Rotation renames only the live file (to the next number), so a rotated file never moves again.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export const LIVE_FILE = 'audit.jsonl';
const ROTATED = /^audit\.(\d+)\.jsonl$/;

/** Rotated files oldest first, then the live file when it exists. Full paths. */
export function chainFiles(dir: string): string[] {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return [];
  }
  const rotated = names
    .map((n) => ({ n, m: ROTATED.exec(n) }))
    .filter((x): x is { n: string; m: RegExpExecArray } => x.m !== null)
    .sort((a, b) => Number(a.m[1]) - Number(b.m[1]))
    .map((x) => path.join(dir, x.n));
  if (names.includes(LIVE_FILE)) rotated.push(path.join(dir, LIVE_FILE));
  return rotated;
}

/** The number the next rotated file gets. */
export function nextRotationIndex(dir: string): number {
  let max = 0;
  for (const n of fs.readdirSync(dir)) {
    const m = ROTATED.exec(n);
    if (m) max = Math.max(max, Number(m[1]));
  }
  return max + 1;
}

export interface RawLine {
  text: string;
  /** Byte offset of the line in its file. */
  offset: number;
}

/**
 * The lines of a file from last to first, read in chunks from the end (no whole-file read).
 * A final line without its newline is yielded too (the caller decides what it means);
 * empty lines are skipped.
 */
export function* linesBackward(file: string, chunkSize = 1 << 20, endAt?: number): Generator<RawLine> {
  const fd = openForReading(file);
  if (fd === undefined) return;
  try {
    const size = endAt ?? fs.fstatSync(fd).size;
    let pos = size;
    let carry: Buffer = Buffer.alloc(0);
    while (pos > 0) {
      const n = Math.min(chunkSize, pos);
      pos -= n;
      const chunk = Buffer.allocUnsafe(n);
      let got = 0;
      while (got < n) {
        const r = fs.readSync(fd, chunk, got, n - got, pos + got);
        if (r === 0) break;
        got += r;
      }
      const buf = carry.length ? Buffer.concat([chunk.subarray(0, got), carry]) : chunk.subarray(0, got);
      let end = buf.length;
      let nl = buf.lastIndexOf(10, end - 1);
      while (nl >= 0) {
        if (end - nl - 1 > 0) yield { text: buf.toString('utf8', nl + 1, end), offset: pos + nl + 1 };
        end = nl;
        nl = end > 0 ? buf.lastIndexOf(10, end - 1) : -1;
      }
      carry = Buffer.from(buf.subarray(0, end));
    }
    if (carry.length) yield { text: carry.toString('utf8'), offset: 0 };
  } finally {
    fs.closeSync(fd);
  }
}

/** The lines of a file from first to last with 1-based line numbers (blank lines included). */
export function* linesForward(file: string, chunkSize = 1 << 20): Generator<{ text: string; line: number; complete: boolean }> {
  const fd = openForReading(file);
  if (fd === undefined) return;
  try {
    let line = 0;
    let carry: Buffer = Buffer.alloc(0);
    const chunk = Buffer.allocUnsafe(chunkSize);
    for (;;) {
      const r = fs.readSync(fd, chunk, 0, chunkSize, null);
      if (r === 0) break;
      const buf = carry.length ? Buffer.concat([carry, chunk.subarray(0, r)]) : chunk.subarray(0, r);
      let start = 0;
      let nl = buf.indexOf(10, start);
      while (nl >= 0) {
        yield { text: buf.toString('utf8', start, nl), line: ++line, complete: true };
        start = nl + 1;
        nl = buf.indexOf(10, start);
      }
      carry = Buffer.from(buf.subarray(start));
    }
    if (carry.length) yield { text: carry.toString('utf8'), line: ++line, complete: false };
  } finally {
    fs.closeSync(fd);
  }
}

/** A descriptor for reading, or undefined when the file cannot be opened (a missing file has no lines). */
function openForReading(file: string): number | undefined {
  try {
    return fs.openSync(file, 'r');
  } catch {
    return undefined;
  }
}
