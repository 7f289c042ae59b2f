/**
 * No block of six or more lines written twice within src/: one place for each thing.
 * Lines are compared with their whitespace collapsed; blank lines, import lines and lines of
 * brackets alone are left out, so a block is six lines that say something.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { rel, sourceFiles } from './sources';

const BLOCK = 6;

interface Line {
  text: string;
  /** 1-based line number in the file. */
  at: number;
}

/** The lines that count, whitespace-normalised. */
export function significantLines(source: string): Line[] {
  const out: Line[] = [];
  let inImport = false;
  source.split('\n').forEach((raw, i) => {
    const text = raw.trim().replace(/\s+/g, ' ');
    // An import (or re-export) statement, on one line or several.
    if (inImport) {
      if (/\bfrom\s+['"][^'"]+['"];?$/.test(text) || /^['"][^'"]+['"];?$/.test(text)) inImport = false;
      return;
    }
    if (/^(?:import|export)\b.*\bfrom\s+['"][^'"]+['"];?$/.test(text) || /^import\s+['"][^'"]+['"];?$/.test(text)) return;
    if (/^(?:import|export)(?:\s+type)?\s*\{[^}]*$/.test(text)) {
      inImport = true;
      return;
    }
    if (text === '' || /^[\s{}()[\];,]*$/.test(text)) return;
    out.push({ text, at: i + 1 });
  });
  return out;
}

interface Block {
  file: string;
  from: number;
  to: number;
}

/** Every pair of places where the same run of BLOCK or more significant lines appears. */
export function duplicateBlocks(files: { file: string; source: string }[]): Array<[Block, Block]> {
  const windows = new Map<string, Array<{ file: string; index: number }>>();
  const lines = new Map<string, Line[]>();
  for (const { file, source } of files) {
    const ls = significantLines(source);
    lines.set(file, ls);
    for (let i = 0; i + BLOCK <= ls.length; i++) {
      const key = ls
        .slice(i, i + BLOCK)
        .map((l) => l.text)
        .join('\n');
      let list = windows.get(key);
      if (!list) windows.set(key, (list = []));
      list.push({ file, index: i });
    }
  }
  // Pairs of matching windows, grown into maximal runs (consecutive windows of the same pair).
  const pairs = new Map<string, { a: string; b: string; starts: Array<[number, number]> }>();
  for (const list of windows.values()) {
    for (let x = 0; x < list.length; x++) {
      for (let y = x + 1; y < list.length; y++) {
        const [p, q] = [list[x], list[y]];
        if (p.file === q.file && Math.abs(p.index - q.index) < BLOCK) continue; // a run overlapping itself
        const id = `${p.file}\u0000${q.file}\u0000${q.index - p.index}`;
        let e = pairs.get(id);
        if (!e) pairs.set(id, (e = { a: p.file, b: q.file, starts: [] }));
        e.starts.push([p.index, q.index]);
      }
    }
  }
  const out: Array<[Block, Block]> = [];
  for (const { a, b, starts } of pairs.values()) {
    starts.sort((s, t) => s[0] - t[0]);
    let run: [number, number, number] | undefined; // [start in a, start in b, last start in a]
    const close = () => {
      if (!run) return;
      const la = lines.get(a)!;
      const lb = lines.get(b)!;
      const n = run[2] - run[0] + BLOCK;
      out.push([
        { file: a, from: la[run[0]].at, to: la[run[0] + n - 1].at },
        { file: b, from: lb[run[1]].at, to: lb[run[1] + n - 1].at },
      ]);
    };
    for (const [i, j] of starts) {
      if (run && i === run[2] + 1) run[2] = i;
      else {
        close();
        run = [i, j, i];
      }
    }
    close();
  }
  return out;
}

/**
 * Copies that exist today, by the pair of files and how many blocks they share: each is
 * being made one (a shared helper) and leaves this list when it is. A new copy, or another
 * block between a listed pair, fails.
 */
const STILL_COPIED: Readonly<Record<string, number>> = {
};

test('the duplicate finder sees a copied block and ignores imports, brackets and whitespace', () => {
  const body = ['const a = 1;', 'const b = 2;', 'if (a) {', '  call(a, b);', '}', 'log(a);', 'log(b);', 'return a + b;'];
  const one = ["import { x } from './x';", ...body].join('\n');
  const two = ['import {', '  y,', "} from './y';", ...body.map((l) => '    ' + l.replace(/ /g, '  '))].join('\n');
  const found = duplicateBlocks([
    { file: 'one.ts', source: one },
    { file: 'two.ts', source: two },
  ]);
  assert.equal(found.length, 1);
  assert.deepEqual(found[0][0], { file: 'one.ts', from: 2, to: 9 });
  assert.deepEqual(found[0][1], { file: 'two.ts', from: 4, to: 11 });
  const five = body.slice(0, 6).filter((l) => l !== '}');
  assert.deepEqual(duplicateBlocks([{ file: 'a.ts', source: five.join('\n') }, { file: 'b.ts', source: five.join('\n') }]), []);
});

test(`no block of ${BLOCK} or more lines appears twice within src/`, () => {
  const files = sourceFiles().map((f) => ({ file: rel(f), source: fs.readFileSync(f, 'utf8') }));
  const found = duplicateBlocks(files);
  const byPair = new Map<string, string[]>();
  for (const [a, b] of found) {
    const pair = a.file === b.file ? a.file : `${a.file} ⇄ ${b.file}`;
    const where = `${a.file}:${a.from}-${a.to} = ${b.file}:${b.from}-${b.to}`;
    byPair.set(pair, [...(byPair.get(pair) ?? []), where]);
  }
  const fresh = [...byPair].filter(([pair, blocks]) => blocks.length > (STILL_COPIED[pair] ?? 0)).flatMap(([, blocks]) => blocks);
  assert.deepEqual(fresh, [], `blocks of ${BLOCK}+ lines written twice: make them one`);
  const gone = Object.keys(STILL_COPIED).filter((pair) => (byPair.get(pair)?.length ?? 0) < STILL_COPIED[pair]);
  assert.deepEqual(gone, [], 'fewer copies than listed: lower or remove the entry in STILL_COPIED');
});
