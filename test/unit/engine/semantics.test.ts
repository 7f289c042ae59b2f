/**
 * The shell's own semantics, as bash and zsh run them: runs of blanks, unset variables,
 * $'…' escapes, substitutions hidden in parameter expansion and subscripts, a command word
 * from a variable, coproc, cd only when it certainly happened, /tmp itself. And a fuzz of
 * the fast path (plain words) against the full parser.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createEngine } from '../../../src/core/engine';
import { check, HOME, WS } from './helpers';

const flagged = async (line: string, extra = {}) => (await check(line, extra)).decision !== 'allow';

test('runs of spaces and tabs separate words exactly like one space', async () => {
  for (const l of ['git  reset --hard', 'git\treset  --hard', 'rm   -rf   src', '  git reset --hard  ', 'git reset --hard\t']) assert.ok(await flagged(l), JSON.stringify(l));
});

test('an unset variable expands to nothing when the whole environment is known, and is unknown otherwise', async () => {
  const env = { HOME, PATH: '/usr/bin' };
  const v = await check('rm -rf "$TMPDIR"/*', { env, envComplete: true });
  assert.equal(v.risk, 'critical', v.rules.join(','));
  assert.ok(await flagged('rm -rf "$TMPDIR"/*'), 'without an environment it is unknown, not /tmp');
  // A gate sends only some variables: one it did not send may be set in the shell.
  const partial = await check('rm -rf "$TMPDIR"/*', { env });
  assert.notEqual(partial.decision, 'allow', partial.rules.join(','));
  assert.equal((await check('rm -rf "$TMPDIR"/x', { env: { ...env, TMPDIR: '/tmp/me' } })).decision, 'allow');
});

test("$'…' escapes: octal, hex, unicode", async () => {
  for (const l of ["rm -rf $'\\x2f'", "rm -rf $'\\057'", "rm -rf $'\\u002f'", "git $'\\x72eset' --hard"]) assert.ok(await flagged(l), l);
});

test('substitutions inside parameter expansion, arithmetic and subscripts run', async () => {
  for (const l of ['echo ${x:-$(rm -rf src)}', ': ${x:=$(rm -rf src)}', 'echo ${x#$(rm -rf src)}', 'a[$(rm -rf src)]=1', 'echo $(( $(rm -rf src) ))', 'echo ${x:-`rm -rf src`}']) {
    assert.ok(await flagged(l), l);
  }
  assert.equal((await check('echo ${x:-default}')).decision, 'allow');
});

test('a command word from a variable is split into words; coproc runs its command', async () => {
  for (const l of ['c="rm -rf src"; $c', 'c="git reset --hard"; $c', 'coproc rm -rf src', 'coproc w { rm -rf src; }']) assert.ok(await flagged(l), l);
  assert.equal((await check('c="ls -la"; $c')).decision, 'allow');
});

test('cd moves the folder only when it certainly happened', async () => {
  for (const l of ['(cd /tmp && rm -rf x); rm -rf *', 'cd /tmp/build; rm -rf *', 'cd /tmp/x & rm -rf *', 'cd /tmp/x || true; rm -rf *']) assert.ok(await flagged(l), l);
  for (const l of ['cd build && rm -rf *', 'cd /tmp/x || exit 1; rm -rf *', 'set -e; cd /tmp/x; rm -rf *', 'cd frontend; npm install']) assert.equal((await check(l)).decision, 'allow', l);
});

test('/tmp, /var/tmp and /dev/shm themselves are not temporary files', async () => {
  for (const l of ['rm -rf /tmp', 'rm -rf /tmp/', 'rm -rf /tmp/*', 'rm -rf /var/tmp', 'rm -rf /dev/shm/*']) assert.ok(await flagged(l), l);
  for (const l of ['rm -rf /tmp/build-123', 'rm -rf /var/tmp/cache']) assert.equal((await check(l)).decision, 'allow', l);
});

test('fuzz: the fast path for plain words agrees with the full parser', async () => {
  // A long budget: on a loaded machine a timed-out check must not pass for a disagreement.
  const e = await createEngine({ timeBudgetMs: 60000 });
  const words = ['rm', '-rf', '-f', 'src', 'dist', 'git', 'reset', '--hard', 'push', '--force', 'origin', 'main', 'ls', '-la', 'node_modules', '/', '/tmp/x', 'data', 'clean', '-fdx', 'kubectl', 'delete', 'ns', 'prod', 'npm', 'test', 'a=b', 'x.sh', '@scope/pkg@1', 'sudo', 'env', 'FOO=1', 'xargs', 'timeout', '5'];
  let seed = 42;
  const rnd = (n: number) => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % n;
  };
  const blanks = [' ', '  ', '\t', ' \t ', '   '];
  const mismatches: string[] = [];
  for (let k = 0; k < 400; k++) {
    const n = 1 + rnd(6);
    const parts = Array.from({ length: n }, () => words[rnd(words.length)]);
    let line = parts[0];
    for (const p of parts.slice(1)) line += blanks[rnd(blanks.length)] + p;
    if (rnd(3) === 0) line += blanks[rnd(blanks.length)];
    const req = { cwd: WS, workspaceRoot: WS, home: HOME };
    const fast = e.explain({ ...req, command: line });
    // A leading `{ …; }` group takes the same words through tree-sitter.
    const full = e.explain({ ...req, command: `{ ${line.trim()}; }` });
    const shape = (x: typeof fast) => JSON.stringify({ d: x.verdict.decision, r: [...x.verdict.rules].sort(), c: x.commands.map((c) => [c.name, c.args]) });
    if (shape(fast) !== shape(full)) mismatches.push(`${JSON.stringify(line)}\n  fast ${shape(fast)}\n  full ${shape(full)}`);
  }
  assert.deepEqual(mismatches, []);
});
