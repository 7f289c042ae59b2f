import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { computePreview, renderPreview, INCOMPLETE_TIME } from '../../../src/core/preview';
import { allText, repo, section, tmp, verdictFor, write } from './helpers';

test('a folder with modified and untracked files: listing, counts, size, and the work git cannot restore', async () => {
  const dir = repo({ 'src/a.txt': 'one\n', 'src/b.txt': 'two\n', 'keep.txt': 'k\n' });
  write(dir, 'src/a.txt', 'one changed\n'); // modified, 12 bytes
  write(dir, 'src/new.txt', 'brand new\n'); // untracked, 10 bytes
  write(dir, 'src/deep/blob.bin', Buffer.alloc(2048)); // untracked in a subfolder
  const cmd = 'rm -rf src';
  const v = await verdictFor(cmd, dir);
  assert.ok(v.rules.some((r) => r.startsWith('fs.rm')), v.rules.join(','));

  const p = await computePreview(v, { command: cmd, cwd: dir, workspaceRoot: dir });
  assert.equal(p.incomplete, undefined);
  const listing = section(p, /would be deleted/);
  assert.match(listing[0], /src\/ \(folder: 4 files, 1 subfolder, 2\.0 KB\)/);
  assert.ok(listing.some((l) => l.trim() === 'deep/'));
  assert.ok(listing.some((l) => /new\.txt \(10 B\)/.test(l)));
  assert.match(p.summary, /4 files in 2 folders \(2\.0 KB\) would be deleted/);

  const lost = section(p, /git cannot restore/).join('\n');
  assert.match(lost, /src\/a\.txt \(modified, not staged\)/);
  assert.match(lost, /src\/new\.txt \(untracked\)/);
  assert.match(lost, /src\/deep\/blob\.bin \(untracked\)/);
  assert.doesNotMatch(lost, /b\.txt/, 'committed, unchanged files are restorable');
  assert.doesNotMatch(lost, /keep\.txt/, 'status is limited to the targets');
  assert.match(p.summary, /3 files with uncommitted or untracked work would be lost for good/);
  // Nothing was deleted.
  assert.ok(fs.existsSync(path.join(dir, 'src/new.txt')));

  const md = renderPreview(p);
  assert.match(md, /^# What would be lost: rm -rf src/);
  assert.match(md, /## Uncommitted or untracked work git cannot restore/);
});

test('a clean, committed folder says so', async () => {
  const dir = repo({ 'lib/x.js': 'x\n' });
  const v = await verdictFor('rm -r lib', dir);
  const p = await computePreview(v, { command: 'rm -r lib', cwd: dir, workspaceRoot: dir });
  assert.match(p.summary, /No uncommitted or untracked work would be lost/);
  assert.throws(() => section(p, /git cannot restore/));
});

test('paths outside any git repository are marked as such', async () => {
  const dir = tmp();
  write(dir, 'data/one.csv', 'a,b\n');
  write(dir, 'data/two.csv', 'c,d\n');
  const v = await verdictFor('rm -rf data', dir);
  const p = await computePreview(v, { command: 'rm -rf data', cwd: dir, workspaceRoot: dir });
  assert.deepEqual(section(p, /Not in any git repository/), [path.join(dir, 'data')]);
  assert.match(p.summary, /not in any git repository/);
  assert.match(p.summary, /2 files in 1 folder \(8 B\)/);
});

test('deleting a whole repository lists its uncommitted files and the commits on no remote', async () => {
  const parent = tmp();
  const inner = repo({ 'f.txt': 'f\n' }, fs.mkdirSync(path.join(parent, 'proj'), { recursive: true }) ?? path.join(parent, 'proj'));
  write(inner, 'scratch.txt', 'notes\n');
  const v = await verdictFor('rm -rf proj', parent);
  const p = await computePreview(v, { command: 'rm -rf proj', cwd: parent, workspaceRoot: parent });
  const lines = section(p, /Whole git repositories/).join('\n');
  assert.match(lines, /proj \(the whole repository, with its history: 1 uncommitted or untracked file, 1 commit on no remote\)/);
  assert.match(lines, /scratch\.txt \(untracked\)/);
  assert.match(lines, /commit on no remote: [0-9a-f]+ initial/);
  // .git internals are counted but not listed.
  assert.ok(!section(p, /would be deleted/).some((l) => l.includes('.git/')));
});

test('a glob target is expanded against the folder, and a missing path deletes nothing', async () => {
  const dir = tmp();
  write(dir, 'logs/a.log', '12345');
  write(dir, 'logs/b.log', '123');
  write(dir, 'logs/keep.txt', 'k');
  const v = await verdictFor('rm -rf logs/*.log missing-folder', dir);
  const p = await computePreview(v, { command: 'rm -rf logs/*.log missing-folder', cwd: dir, workspaceRoot: dir });
  const text = allText(p);
  assert.match(text, /a\.log \(5 B\)/);
  assert.match(text, /b\.log \(3 B\)/);
  assert.doesNotMatch(text, /keep\.txt/);
  assert.match(text, /missing-folder \(does not exist: nothing to delete\)/);
});

test('the listing is bounded by maxEntries while counts cover everything', async () => {
  const dir = tmp();
  for (let i = 0; i < 50; i++) write(dir, `many/f${String(i).padStart(2, '0')}.txt`, 'x');
  const v = await verdictFor('rm -rf many', dir);
  const p = await computePreview(v, { command: 'rm -rf many', cwd: dir, workspaceRoot: dir }, { maxEntries: 10 });
  const listing = section(p, /would be deleted/);
  assert.equal(listing.filter((l) => l.startsWith('  ')).length, 10);
  assert.match(listing[listing.length - 1], /40 more entries not listed/);
  assert.match(p.summary, /50 files/);
});

test('a 1 ms time limit gives an incomplete preview instead of hanging', async () => {
  const dir = tmp();
  for (let i = 0; i < 300; i++) write(dir, `big/d${i % 20}/f${i}.txt`, 'x'.repeat(100));
  const v = await verdictFor('rm -rf big', dir);
  const started = Date.now();
  const p = await computePreview(v, { command: 'rm -rf big', cwd: dir, workspaceRoot: dir }, { timeLimitMs: 1 });
  const took = Date.now() - started;
  assert.ok(p.incomplete?.startsWith(INCOMPLETE_TIME), JSON.stringify(p));
  assert.ok(took < 1000, `took ${took} ms`);
  assert.match(renderPreview(p), /> preview incomplete: time limit \(1 ms\)/);
});

test('a path only known at run time is said to be so', async () => {
  const dir = tmp();
  const v = await verdictFor('rm -rf "$TARGET"/', dir);
  const p = await computePreview(v, { command: 'rm -rf "$TARGET"/', cwd: dir, workspaceRoot: dir });
  assert.match(allText(p), /cannot be listed in advance|only known when the command runs/);
});
