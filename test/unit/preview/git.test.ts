import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { cleanDryRunArgs, computePreview, isReadOnlyGit } from '../../../src/core/preview';
import { allText, commit, git, repo, section, tmp, verdictFor, write } from './helpers';

/** A local clone whose origin/main holds two commits the local main does not have. */
function divergedClone(): { local: string; remote: string } {
  const remote = tmp('twokey-remote-');
  git(remote, 'init', '-q', '--bare', '-b', 'main');
  const local = repo({ 'app.txt': 'v1\n' });
  git(local, 'remote', 'add', 'origin', remote);
  git(local, 'push', '-q', '-u', 'origin', 'main');
  // A colleague pushes two commits.
  const other = tmp('twokey-other-');
  git(other, 'clone', '-q', remote, '.');
  commit(other, 'app.txt', 'v2\n', 'colleague: fix the login page');
  commit(other, 'app.txt', 'v3\n', 'colleague: add the audit export');
  git(other, 'push', '-q', 'origin', 'main');
  // We fetch (remote-tracking ref updated), then commit our own rewrite.
  git(local, 'fetch', '-q', 'origin');
  commit(local, 'app.txt', 'mine\n', 'mine: rewrite the app');
  return { local, remote };
}

test('a force push lists the commits the remote would lose, offline', async () => {
  const { local, remote } = divergedClone();
  const before = git(remote, 'rev-parse', 'main');
  for (const cmd of ['git push --force origin main', 'git push -f', 'git push origin +main']) {
    const v = await verdictFor(cmd, local);
    assert.ok(v.rules.includes('git.push.force'), cmd);
    const p = await computePreview(v, { command: cmd, cwd: local, workspaceRoot: local });
    assert.equal(p.incomplete, undefined, cmd);
    const lines = section(p, /Commits origin\/main would lose/);
    assert.match(lines[0], /^[0-9a-f]{7,} colleague: add the audit export \(Test, \d{4}-\d\d-\d\d\)$/, cmd);
    assert.match(lines[1], /colleague: fix the login page/, cmd);
    assert.doesNotMatch(lines.join('\n'), /mine:/, cmd);
    assert.match(p.summary, /remove 2 commits from the remote history/, cmd);
  }
  assert.equal(git(remote, 'rev-parse', 'main'), before, 'the remote was not touched');
});

test('a force push to a branch never fetched says it cannot know, and does not fetch', async () => {
  const { local } = divergedClone();
  const cmd = 'git push --force origin main:elsewhere';
  const p = await computePreview(await verdictFor(cmd, local), { command: cmd, cwd: local, workspaceRoot: local });
  assert.match(allText(p), /No remote-tracking ref origin\/elsewhere/);
  assert.throws(() => git(local, 'rev-parse', '--verify', '--quiet', 'refs/remotes/origin/elsewhere'));
});

test('reset --hard lists the commits that leave the branch and the changes discarded, and changes nothing', async () => {
  const dir = repo({ 'a.txt': '1\n', 'b.txt': 'b\n' });
  commit(dir, 'a.txt', '2\n', 'second: bump a');
  commit(dir, 'a.txt', '3\n', 'third: bump a again');
  write(dir, 'b.txt', 'b\nmore\nlines\n'); // unstaged
  write(dir, 'c.txt', 'staged\n');
  git(dir, 'add', 'c.txt'); // staged new file
  write(dir, 'untracked.txt', 'u\n');
  const head = git(dir, 'rev-parse', 'HEAD');
  const cmd = 'git reset --hard HEAD~2';
  const v = await verdictFor(cmd, dir);
  assert.ok(v.rules.includes('git.reset.hard'));
  const p = await computePreview(v, { command: cmd, cwd: dir, workspaceRoot: dir });
  const commits = section(p, /Commits that would leave main/);
  assert.match(commits[0], /third: bump a again/);
  assert.match(commits[1], /second: bump a/);
  assert.match(commits[2], /2 of them are on no other branch, tag or remote/);
  const changes = section(p, /Uncommitted changes that would be discarded/);
  assert.deepEqual(changes.sort(), ['b.txt (+2 −0)', 'c.txt (+1 −0)']);
  assert.match(p.summary, /move main back by 2 commits and discard uncommitted changes in 2 files/);
  assert.equal(git(dir, 'rev-parse', 'HEAD'), head);
  assert.equal(fs.readFileSync(path.join(dir, 'b.txt'), 'utf8'), 'b\nmore\nlines\n');
});

test('clean -fdx lists what would go (git dry run) and removes nothing', async () => {
  const dir = repo({ '.gitignore': '*.log\nbuild/\n', 'src/main.ts': 'x\n' });
  const files = [
    write(dir, 'notes.txt', 'my notes\n'),
    write(dir, 'debug.log', 'log\n'),
    write(dir, 'build/out.js', 'compiled\n'),
    write(dir, 'scratch/a.txt', 'aaaa'),
  ];
  const cmd = 'git clean -fdx';
  const v = await verdictFor(cmd, dir);
  assert.ok(v.rules.includes('git.clean.force'));
  const p = await computePreview(v, { command: cmd, cwd: dir, workspaceRoot: dir });
  const lines = section(p, /Untracked and ignored files git clean would remove/);
  const text = lines.join('\n');
  assert.match(text, /notes\.txt \(9 B\)/);
  assert.match(text, /debug\.log/);
  assert.match(text, /build\/ \(folder: 1 file, 9 B\)/);
  assert.match(text, /scratch\/ \(folder: 1 file, 4 B\)/);
  assert.doesNotMatch(text, /main\.ts/);
  assert.match(p.summary, /permanently remove 4 paths \(4 files, 26 B\)/);
  for (const f of files) assert.ok(fs.existsSync(f), `${f} still exists`);
});

test('checkout -- . lists the modified files whose changes would be discarded', async () => {
  const dir = repo({ 'a.txt': '1\n2\n', 'b.txt': 'b\n' });
  write(dir, 'a.txt', '1\nchanged\n');
  const cmd = 'git checkout -- .';
  const v = await verdictFor(cmd, dir);
  assert.ok(v.rules.includes('git.checkout.discard'));
  const p = await computePreview(v, { command: cmd, cwd: dir, workspaceRoot: dir });
  assert.deepEqual(section(p, /Changes not staged for commit that would be discarded/), ['a.txt (+1 −1)']);
  assert.equal(fs.readFileSync(path.join(dir, 'a.txt'), 'utf8'), '1\nchanged\n');

  const r = 'git restore .';
  const pr = await computePreview(await verdictFor(r, dir), { command: r, cwd: dir, workspaceRoot: dir });
  assert.deepEqual(section(pr, /would be discarded/), ['a.txt (+1 −1)']);
});

test('branch -D lists the commits merged nowhere else', async () => {
  const dir = repo();
  git(dir, 'checkout', '-q', '-b', 'spike');
  commit(dir, 'spike.txt', 's\n', 'spike: try the new parser');
  git(dir, 'checkout', '-q', 'main');
  git(dir, 'branch', 'merged');
  const cmd = 'git branch -D spike merged';
  const v = await verdictFor(cmd, dir);
  assert.ok(v.rules.includes('git.branch.force-delete'));
  const p = await computePreview(v, { command: cmd, cwd: dir, workspaceRoot: dir });
  assert.match(section(p, /Commits only on spike/)[0], /spike: try the new parser/);
  assert.match(section(p, /Commits only on merged/)[0], /None/);
  assert.match(p.summary, /leave 1 commit on no branch/);
  assert.ok(git(dir, 'branch', '--list', 'spike').includes('spike'));
});

test('git -C and cd are followed to the right repository', async () => {
  const parent = tmp();
  const dir = repo({ 'a.txt': '1\n' }, fs.mkdirSync(path.join(parent, 'r'), { recursive: true }) ?? path.join(parent, 'r'));
  write(dir, 'a.txt', '2\n');
  for (const cmd of ['git -C r checkout -- .', 'cd r && git checkout -- .']) {
    const p = await computePreview(await verdictFor(cmd, parent), { command: cmd, cwd: parent, workspaceRoot: parent });
    assert.deepEqual(section(p, /would be discarded/), ['a.txt (+1 −1)'], cmd);
  }
});

test('the preview only ever runs read-only git', () => {
  assert.ok(isReadOnlyGit(['clean', '-n', '-d', '-x']));
  assert.ok(!isReadOnlyGit(['clean', '-f', '-d']));
  assert.ok(!isReadOnlyGit(['clean', '-n', '-i']));
  for (const sub of ['push', 'reset', 'checkout', 'restore', 'branch', 'fetch', 'gc', 'stash']) assert.ok(!isReadOnlyGit([sub]), sub);
  assert.ok(!isReadOnlyGit(['config', 'user.name', 'x']));
  assert.ok(!isReadOnlyGit(['diff', '--output=/tmp/x']));
  assert.deepEqual(cleanDryRunArgs(['-fdx']), ['clean', '-n', '-d', '-x']);
  assert.deepEqual(cleanDryRunArgs(['-ffd', '-e', '*.keep', '--', 'src']), ['clean', '-n', '-f', '-f', '-d', '--exclude=*.keep', '--', 'src']);
  assert.deepEqual(cleanDryRunArgs(['--force', '-X', '--exclude=a']), ['clean', '-n', '-X', '--exclude=a']);
});
