/** No source file over 400 lines: a file that long holds more than one thing. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { rel, sourceFiles } from './sources';

const MAX_LINES = 400;

/**
 * Files over the limit today, each with its current length: they are being split and leave
 * this list when they are. A listed file may shrink, never grow; any other file over the
 * limit fails.
 */
const STILL_OVER: Readonly<Record<string, number>> = {
};

function lineCount(file: string): number {
  const text = fs.readFileSync(file, 'utf8');
  return text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
}

test(`no file under src/ is over ${MAX_LINES} lines`, () => {
  const counts = sourceFiles().map((f) => ({ file: rel(f), lines: lineCount(f) }));
  assert.ok(counts.length > 100);
  const over = counts.filter((c) => c.lines > Math.max(MAX_LINES, STILL_OVER[c.file] ?? 0)).map((c) => `${c.file}: ${c.lines} lines`);
  assert.deepEqual(over, [], `files over ${MAX_LINES} lines (or grown past their listed length)`);
  const done = Object.keys(STILL_OVER).filter((f) => (counts.find((c) => c.file === f)?.lines ?? 0) <= MAX_LINES);
  assert.deepEqual(done, [], `now within ${MAX_LINES} lines (or gone): remove from STILL_OVER`);
});
