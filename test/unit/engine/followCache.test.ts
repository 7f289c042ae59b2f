/**
 * The analysis of a followed file is remembered: a repeated check replays it without reading
 * the file again, and any change to a file the walk read (its size or modification time, a
 * file that appears), to the variables it saw or to the command's arguments is seen at once.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createEngine } from '../../../src/core/engine';
import { mkdtempSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { boundedFileSource, nodeFileSource, type FileSource } from '../../../src/core/shell/files';
import { HOME, WS } from './helpers';

/** Files in memory with a clock: `set` bumps the modification time, as an editor's save would. */
function disk(initial: Record<string, string>) {
  const files = new Map<string, { text: string; mtimeMs: number }>();
  let clock = 1;
  const set = (p: string, text: string) => files.set(p.startsWith('/') ? p : `${WS}/${p}`, { text, mtimeMs: clock++ });
  for (const [p, t] of Object.entries(initial)) set(p, t);
  const base = boundedFileSource({
    stat: (p) => {
      const f = files.get(p);
      if (f) return { size: Buffer.byteLength(f.text), mtimeMs: f.mtimeMs };
      return [...files.keys()].some((k) => k.startsWith(p + '/')) ? { size: 0, mtimeMs: 0, dir: true } : undefined;
    },
    read: (p) => (files.has(p) ? Buffer.from(files.get(p)!.text) : undefined),
  });
  const counter = { reads: 0 };
  const source: FileSource = {
    read: (p) => {
      counter.reads++;
      return base.read(p);
    },
    stamp: (p) => base.stamp!(p),
  };
  return { source, set, counter, remove: (p: string) => files.delete(`${WS}/${p}`) };
}

const req = (command: string, env?: Record<string, string>) => ({ command, cwd: WS, workspaceRoot: WS, home: HOME, ...(env ? { env } : {}) });

test('a repeated check of a followed script replays its analysis without reading it again', async () => {
  const d = disk({ 'deploy.sh': '#!/bin/bash\necho one\necho two\nrm -rf data\n' });
  const e = await createEngine({ files: d.source, timeBudgetMs: 5000 });
  const first = e.check(req('bash deploy.sh'));
  assert.notEqual(first.decision, 'allow');
  assert.match(first.reason, /deploy\.sh line 4/);
  const reads = d.counter.reads;
  assert.ok(reads > 0);
  const again = e.check(req('bash deploy.sh'));
  assert.deepEqual(again, first);
  assert.equal(d.counter.reads, reads, 'replayed, not read');
});

test('a changed file is analysed again', async () => {
  const d = disk({ 'deploy.sh': 'echo safe\n' });
  const e = await createEngine({ files: d.source, timeBudgetMs: 5000 });
  assert.equal(e.check(req('bash deploy.sh')).decision, 'allow');
  d.set('deploy.sh', 'rm -rf data\n');
  assert.notEqual(e.check(req('bash deploy.sh')).decision, 'allow');
  d.set('deploy.sh', 'echo safe\n');
  assert.equal(e.check(req('bash deploy.sh')).decision, 'allow');
});

test('a script called by a followed script is a dependency too', async () => {
  const d = disk({ 'outer.sh': 'bash inner.sh\n', 'inner.sh': 'echo ok\n' });
  const e = await createEngine({ files: d.source, timeBudgetMs: 5000 });
  assert.equal(e.check(req('bash outer.sh')).decision, 'allow');
  d.set('inner.sh', 'rm -rf data\n');
  const v = e.check(req('bash outer.sh'));
  assert.notEqual(v.decision, 'allow');
  assert.match(v.reason, /inner\.sh line 1/);
});

test('a package.json that appears nearer than the one read before is seen', async () => {
  const d = disk({ 'package.json': JSON.stringify({ scripts: { clean: 'echo nothing' } }) });
  const e = await createEngine({ files: d.source, timeBudgetMs: 5000 });
  const sub = { command: 'npm run clean', cwd: `${WS}/pkg`, workspaceRoot: WS, home: HOME };
  assert.equal(e.check(sub).decision, 'allow');
  d.set('pkg/package.json', JSON.stringify({ scripts: { clean: 'rm -rf src' } }));
  assert.notEqual(e.check(sub).decision, 'allow');
});

test('the same file under other variables or arguments is analysed for them', async () => {
  const d = disk({ 'wipe.sh': 'rm -rf "$TARGET"/cache\nrm -rf "$1"\n' });
  const e = await createEngine({ files: d.source, timeBudgetMs: 5000 });
  assert.equal(e.check(req('bash wipe.sh build', { TARGET: '/tmp/x' })).decision, 'allow');
  assert.notEqual(e.check(req('bash wipe.sh src', { TARGET: '/tmp/x' })).decision, 'allow', 'another argument');
  assert.notEqual(e.check(req('bash wipe.sh build', { TARGET: HOME })).decision, 'allow', 'another environment');
  assert.equal(e.check(req('bash wipe.sh build', { TARGET: '/tmp/x' })).decision, 'allow');
});

test('a make target and a script written on the same line are not replayed from an older check', async () => {
  const d = disk({ Makefile: 'reset:\n\techo ok\n' });
  const e = await createEngine({ files: d.source, timeBudgetMs: 5000 });
  assert.equal(e.check(req('make reset')).decision, 'allow');
  d.set('Makefile', 'reset:\n\trm -rf data\n');
  const v = e.check(req('make reset'));
  assert.notEqual(v.decision, 'allow');
  assert.match(v.reason, /Makefile line 2/);
  assert.notEqual(e.check(req("printf 'rm -rf src' > x.sh; bash x.sh")).decision, 'allow');
  assert.equal(e.check(req("printf 'echo hi' > x.sh; bash x.sh")).decision, 'allow');
});

test('on disk, a same-size rewrite that restores the modification time is still seen', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'twokey-follow-cache-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'job.sh');
  writeFileSync(file, 'echo fine\n');
  const before = statSync(file);
  const e = await createEngine({ files: nodeFileSource(), timeBudgetMs: 5000 });
  const check = () => e.check({ command: 'bash job.sh', cwd: dir, workspaceRoot: dir, home: HOME });
  assert.equal(check().decision, 'allow');
  assert.equal(check().decision, 'allow');
  writeFileSync(file, 'rm -rf /\n\n');
  assert.equal(statSync(file).size, before.size);
  utimesSync(file, before.atime, before.mtime);
  assert.notEqual(check().decision, 'allow');
});
