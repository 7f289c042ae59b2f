/**
 * Functions and aliases the shell already knows (from an rc file, or a line that ran earlier)
 * are judged by what they run: in a real bash and zsh with the real helper and engine (no
 * broker, so anything not plainly harmless is refused), `cleanup` whose body is `rm -rf data`
 * and `gg` for `git reset --hard` are held and the data stays; a harmless function runs.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { bakedGate, ROOT } from './baked';
import { lineWithDefinitions, withDefinitions } from '../../../src/intercept/gate-client';

const GATE_JS = path.join(ROOT, 'dist', 'gate.js');

const DEFS = [
  'cleanup() { rm -rf data; }',
  "alias gg='git reset --hard'",
  'hello() { echo "hi from $1"; }',
  // A harmless alias that runs the destructive function.
  'alias tidy=cleanup',
].join('\n');

function project(): { dir: string; work: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'twokey-defs-'));
  const work = path.join(dir, 'work');
  fs.mkdirSync(path.join(work, 'data'), { recursive: true });
  fs.writeFileSync(path.join(work, 'data', 'keep.txt'), 'precious\n');
  return { dir, work };
}

const LINES = ['cleanup', 'echo start; cleanup', 'gg', 'tidy', 'hello world > hello.txt', 'echo "rc=$?" > rc.txt'];

function check(shell: string, work: string, out: string): void {
  assert.equal(fs.readFileSync(path.join(work, 'data', 'keep.txt'), 'utf8'), 'precious\n', `${shell}: data intact\n${out}`);
  assert.equal(fs.readFileSync(path.join(work, 'hello.txt'), 'utf8').trim(), 'hi from world', `${shell}: the harmless function ran\n${out}`);
  // Each held line is refused once: cleanup, the list, the alias, the alias of the function.
  const refusals = out.match(/TwoKey: refused/g) ?? [];
  assert.equal(refusals.length, 4, `${shell}: four lines held\n${out}`);
  // (zsh hands the gate the line with its aliases expanded.)
  assert.match(out, /refused `(gg|git reset --hard)`.*git\.reset\.hard/, `${shell}: the alias is judged by what it runs`);
  assert.match(out, /refused `cleanup`.*rm/s, `${shell}: the function is judged by its body`);
  assert.ok(!/refused `hello/.test(out), `${shell}: the harmless function is not held`);
}

test('bash: functions and aliases from earlier lines are judged by their definitions', () => {
  const { dir, work } = project();
  const rc = path.join(dir, 'rc.sh');
  fs.writeFileSync(rc, DEFS + '\n');
  const gate = bakedGate({ node: process.execPath, gateJs: GATE_JS, dir: path.join(dir, 'gate') }).bashGate;
  const r = spawnSync('bash', ['--rcfile', rc, '-i'], {
    cwd: work,
    input: LINES.join('\n') + '\n',
    encoding: 'utf8',
    env: { PATH: process.env.PATH, HOME: dir, HISTCONTROL: 'ignoreboth', HISTFILE: path.join(dir, '.hist'), PROMPT_COMMAND: `source '${gate}'`, TWOKEY_STATE_DIR: path.join(dir, 'state') },
  });
  check('bash', work, r.stdout + r.stderr);
});

test('zsh: functions and aliases from earlier lines are judged by their definitions', () => {
  const { dir, work } = project();
  const user = path.join(dir, 'user');
  fs.mkdirSync(user);
  fs.writeFileSync(path.join(user, '.zshrc'), DEFS + '\n');
  const files = bakedGate({ node: process.execPath, gateJs: GATE_JS, dir: path.join(dir, 'gate'), userZdotdir: user });
  const r = spawnSync('zsh', ['-i'], {
    cwd: work,
    input: LINES.join('\n') + '\n',
    encoding: 'utf8',
    env: { PATH: process.env.PATH, HOME: dir, ZDOTDIR: files.zshDir, TWOKEY_STATE_DIR: path.join(dir, 'state') },
  });
  check('zsh', work, r.stdout + r.stderr);
});

test('the definitions go before the line; a definition too large to send makes an allowed line a question', () => {
  assert.equal(lineWithDefinitions('cleanup', 'cleanup () \n{ rm -rf data\n}\n\n'), 'cleanup () \n{ rm -rf data\n}\ncleanup');
  assert.equal(lineWithDefinitions('ls', undefined), 'ls');
  assert.equal(lineWithDefinitions('ls', '  '), 'ls');
  const allow = { decision: 'allow', risk: 'none', category: 'none', environment: 'development', evidence: [], rules: [], targets: [], reason: 'Allowed', typedConfirmation: false, hits: [] } as unknown as Parameters<typeof withDefinitions>[0];
  assert.equal(withDefinitions(allow, undefined), allow);
  const asked = withDefinitions(allow, 'bigfn');
  assert.equal(asked.decision, 'ask');
  assert.match(asked.reason, /bigfn.*too large/);
});
