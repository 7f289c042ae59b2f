/** Which command lines got a decision lately: the window, whitespace, parts of a line. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RecentDecisions, RECENT_WINDOW_MS, normalizeCommand, segments } from '../../src/core/recent';
import { DecisionService } from '../../src/core/decisions';
import { createEngine } from '../../src/core/engine';

test('a decided line is known for two minutes, then forgotten', () => {
  const r = new RecentDecisions();
  r.note('rm -rf build', 1_000);
  assert.equal(r.has('rm -rf build', 1_000), true);
  assert.equal(r.has('rm -rf build', 1_000 + RECENT_WINDOW_MS), true);
  assert.equal(r.has('rm -rf build', 1_001 + RECENT_WINDOW_MS), false);
  assert.equal(r.size, 0);
});

test('a line never decided is unknown', () => {
  const r = new RecentDecisions();
  r.note('rm -rf build', 0);
  assert.equal(r.has('rm -rf dist', 10), false);
  assert.equal(r.has('', 10), false);
});

test('spacing does not matter', () => {
  const r = new RecentDecisions();
  r.note('  rm   -rf\tbuild ', 0);
  assert.equal(r.has('rm -rf build', 5), true);
  assert.equal(normalizeCommand(' a  b\n c '), 'a b c');
});

test('a decided simple command covers the line it was part of, and the reverse', () => {
  const r = new RecentDecisions();
  r.note('rm -rf dir', 0);
  assert.equal(r.has('echo ok && rm -rf dir', 1), true);
  const r2 = new RecentDecisions();
  r2.note('echo ok; rm -rf dir', 0);
  assert.equal(r2.has('rm -rf dir', 1), true);
});

test('only whole segments count: a decided `ls` says nothing about `rm -rf tools`', () => {
  const r = new RecentDecisions();
  r.note('ls', 0);
  assert.equal(r.has('rm -rf tools', 1), false);
  assert.equal(r.has('ls | wc -l', 1), true);
  assert.deepEqual(segments('a && b || c; d | e & f $(g) `h`'), ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h']);
});

test('noting again renews the time', () => {
  const r = new RecentDecisions(100);
  r.note('rm x', 0);
  r.note('rm y', 50);
  r.note('rm x', 90);
  assert.equal(r.has('rm y', 151), false);
  assert.equal(r.has('rm x', 151), true);
});

test('the decision service tells its observer about every decision, whatever the outcome', async () => {
  const engine = await createEngine();
  const r = new RecentDecisions();
  const svc = new DecisionService(() => engine, { ask: async () => 'deny' }, () => undefined, undefined, undefined, (c) => r.note(c));
  const dir = '/tmp/twokey-recent-none';
  await svc.decide({ command: `rm -rf ${dir}/src`, cwd: dir, workspaceRoot: dir, home: '/home/nobody', source: 'terminal', origin: 'test' });
  await svc.decide({ command: 'echo hi', cwd: dir, workspaceRoot: dir, home: '/home/nobody', source: 'terminal', origin: 'test' });
  assert.equal(r.has(`rm -rf ${dir}/src`), true);
  assert.equal(r.has('echo hi'), true);
  // A failing observer never changes a decision.
  svc.onDecided = () => {
    throw new Error('boom');
  };
  const res = await svc.decide({ command: 'echo hi', cwd: dir, workspaceRoot: dir, home: '/home/nobody', source: 'terminal', origin: 'test' });
  assert.equal(res.decision, 'allow');
});

test('the memory is bounded', () => {
  const r = new RecentDecisions();
  for (let i = 0; i < 2_000; i++) r.note(`rm -rf d${i}`, 0);
  assert.ok(r.size <= 500);
  assert.equal(r.has('rm -rf d1999', 0), true);
  assert.equal(r.has('rm -rf d0', 0), false);
});
