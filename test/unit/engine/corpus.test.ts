/**
 * Runs test/corpus/*.jsonl through the engine: every destructive case is flagged (ask or
 * deny) with its expected rule ids, look-alikes behave as expected, and at most 2% of
 * everyday development commands are prompted; and the corpus keeps its size, kind by kind.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { check } from './helpers';

interface Case {
  command: string;
  expect: 'allow' | 'flag';
  kind: 'destructive' | 'lookalike' | 'everyday';
  rules?: string[];
}

function corpusDir(): string {
  // Compiled to out/test/unit/engine; the corpus stays in test/corpus.
  for (const d of [resolve(__dirname, '../../../../test/corpus'), resolve(__dirname, '../../corpus')]) {
    try {
      readdirSync(d);
      return d;
    } catch {
      /* next */
    }
  }
  throw new Error('test/corpus not found');
}

export function loadCorpus(): Case[] {
  const dir = corpusDir();
  const out: Case[] = [];
  for (const f of readdirSync(dir).filter((x) => x.endsWith('.jsonl')).sort()) {
    for (const line of readFileSync(join(dir, f), 'utf8').split('\n')) {
      if (line.trim()) out.push(JSON.parse(line) as Case);
    }
  }
  return out;
}

/** The least the corpus holds of each kind, counted as distinct commands: it may grow, never shrink. */
const AT_LEAST = { destructive: 500, lookalike: 250, everyday: 200 } as const;

test('corpus has at least 500 destructive, 250 look-alike and 200 everyday commands, each case well formed', () => {
  const cases = loadCorpus();
  const distinct: Record<string, Set<string>> = { destructive: new Set(), lookalike: new Set(), everyday: new Set() };
  const malformed: string[] = [];
  for (const c of cases) {
    // A case with a misspelt kind or expectation would be skipped silently by every test below.
    if (!(c.kind in distinct) || typeof c.command !== 'string' || c.command === '') malformed.push(JSON.stringify(c));
    else if (c.expect !== 'allow' && c.expect !== 'flag') malformed.push(JSON.stringify(c));
    else if (c.kind === 'destructive' && c.expect !== 'flag') malformed.push(`a destructive case expected to be allowed: ${c.command}`);
    else if (c.kind === 'everyday' && c.expect !== 'allow') malformed.push(`an everyday case expected to be flagged: ${c.command}`);
    else distinct[c.kind].add(c.command);
  }
  assert.deepEqual(malformed, []);
  for (const [kind, least] of Object.entries(AT_LEAST)) {
    assert.ok(distinct[kind].size >= least, `${distinct[kind].size} distinct ${kind} commands, at least ${least} wanted`);
  }
});

test('every destructive case is flagged with its expected rules', async () => {
  const misses: string[] = [];
  for (const c of loadCorpus().filter((x) => x.kind === 'destructive')) {
    const v = await check(c.command);
    if (v.decision === 'allow') misses.push(`not flagged: ${c.command}`);
    for (const id of c.rules ?? []) if (!v.rules.includes(id)) misses.push(`missing ${id}: ${c.command} (${v.rules.join(',')})`);
  }
  assert.deepEqual(misses, []);
});

test('look-alikes get their expected decision', async () => {
  const wrong: string[] = [];
  for (const c of loadCorpus().filter((x) => x.kind === 'lookalike')) {
    const v = await check(c.command);
    if ((v.decision !== 'allow') !== (c.expect === 'flag')) wrong.push(`${c.command} → ${v.decision} (${v.rules.join(',')})`);
  }
  assert.deepEqual(wrong, []);
});

test('at most 2% of everyday commands are prompted', async () => {
  const everyday = loadCorpus().filter((x) => x.kind === 'everyday');
  const prompted: string[] = [];
  for (const c of everyday) {
    const v = await check(c.command);
    if (v.decision !== 'allow') prompted.push(`${c.command} → ${v.rules.join(',')}`);
  }
  assert.ok(prompted.length <= everyday.length * 0.02, `${prompted.length}/${everyday.length} prompted:\n${prompted.join('\n')}`);
});
