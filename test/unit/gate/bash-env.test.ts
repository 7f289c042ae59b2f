/**
 * The non-interactive bash gate (media/gate/bash-env.sh, through BASH_ENV) in a real bash:
 * `bash -c` lines are refused whole before anything runs; scripts are checked per simple
 * command, inside functions, subshells, substitutions and pipelines too; a user's own
 * BASH_ENV still runs; interactive bash is left to its PROMPT_COMMAND gate.
 *
 * Found here: Debian's bash (built with SSH_SOURCE_BASHRC) skips BASH_ENV when its stdin is a
 * socket, which is what Node's child_process gives by default; a Node program that spawns
 * `bash -c` with piped stdin is not reached by this gate (the PATH shims still are).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { bakedGate, MEDIA } from './baked';

const BASH_ENV = bakedGate().bashEnv;

function setup(extraEnv: Record<string, string> = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'twokey-bashenv-'));
  const log = path.join(dir, 'calls.log');
  fs.writeFileSync(log, '');
  const env = { PATH: process.env.PATH, HOME: dir, BASH_ENV, FAKE_GATE_LOG: log, ...extraEnv };
  const run = (args: string[], input?: string) => {
    // stdin must not be a socket (Node's default pipe): Debian's bash then takes itself for
    // a remote shell and reads bashrc instead of BASH_ENV. VS Code's terminals are ptys.
    const stdin = input === undefined ? 'ignore' : 'pipe';
    const r = spawnSync('bash', args, { cwd: dir, encoding: 'utf8', env, input, stdio: [stdin, 'pipe', 'pipe'] });
    return { status: r.status, out: r.stdout + r.stderr, calls: fs.readFileSync(log, 'utf8').split('\n').filter(Boolean) };
  };
  const write = (name: string, lines: string[]) => {
    const p = path.join(dir, name);
    fs.writeFileSync(p, lines.join('\n') + '\n');
    return p;
  };
  const exists = (f: string) => fs.existsSync(path.join(dir, f));
  return { dir, run, write, exists };
}

test('bash -c: a refused line runs nothing at all and exits 126 with the reason', () => {
  const s = setup();
  const r = s.run(['-c', 'echo a > a.txt && rm -rf /tmp/twokey-none; echo b > b.txt']);
  assert.equal(r.status, 126);
  assert.ok(!s.exists('a.txt') && !s.exists('b.txt'));
  assert.match(r.out, /TwoKey refused/);
});

test('bash -c: an allowed line is asked about once, its commands not again', () => {
  const s = setup();
  const r = s.run(['-c', 'git --version >/dev/null; echo ok > ok.txt; ls > /dev/null']);
  assert.equal(r.status, 0);
  assert.ok(s.exists('ok.txt'));
  assert.deepEqual(r.calls, ['git --version >/dev/null; echo ok > ok.txt; ls > /dev/null']);
});

test('bash -c: harmless lines never call out', () => {
  const s = setup();
  const r = s.run(['-c', 'echo hi > hi.txt; ls > /dev/null; grep -c x hi.txt > /dev/null; echo "rm -rf /" > s.txt']);
  assert.equal(r.status, 0);
  assert.deepEqual(r.calls, []);
});

test('scripts: checked per command, in functions, subshells, substitutions and pipelines', () => {
  const cases: [string[], string][] = [
    [['echo s1 > s1.txt', 'rm -rf /tmp/twokey-none', 'echo s2 > s2.txt'], 'plain'],
    [['f() { rm -rf /tmp/twokey-none; }', 'echo s1 > s1.txt', 'f', 'echo s2 > s2.txt'], 'function'],
    [['echo s1 > s1.txt', 'x=$(rm -rf /tmp/twokey-none; echo y)', 'echo s2 > s2.txt'], 'substitution'],
    [['echo s1 > s1.txt', 'echo | rm -rf /tmp/twokey-none', 'echo s2 > s2.txt'], 'pipeline'],
  ];
  for (const [lines, name] of cases) {
    const s = setup();
    const r = s.run([s.write('s.sh', lines)]);
    assert.equal(r.status, 126, name);
    assert.ok(s.exists('s1.txt'), `${name}: the command before ran`);
    assert.ok(!s.exists('s2.txt'), `${name}: the script stopped`);
  }
});

test('scripts: a refused command in a ( subshell ) never runs, even though only the subshell exits', () => {
  const s = setup();
  const victim = fs.mkdtempSync(path.join(os.tmpdir(), 'twokey-victim-'));
  const r = s.run([s.write('s.sh', [`( rm -rf ${victim} )`, 'echo "sub=$?" > rc.txt'])]);
  assert.ok(fs.existsSync(victim));
  assert.equal(fs.readFileSync(path.join(s.dir, 'rc.txt'), 'utf8').trim(), 'sub=126');
  assert.equal(r.status, 0);
});

test("a user's own BASH_ENV runs first and is not checked", () => {
  const s = setup();
  const user = s.write('user-env.sh', ['export FROM_USER_ENV=1', 'rm -rf /tmp/twokey-none-user']);
  const r = spawnSync('bash', ['-c', 'echo "$FROM_USER_ENV" > u.txt'], {
    cwd: s.dir,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    // The user's BASH_ENV is baked into the gate files, as the extension writes them.
    env: { PATH: process.env.PATH, BASH_ENV: bakedGate({ dir: path.join(s.dir, 'gate'), userBashEnv: user }).bashEnv, FAKE_GATE_LOG: path.join(s.dir, 'calls.log') },
  });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(fs.readFileSync(path.join(s.dir, 'u.txt'), 'utf8').trim(), '1');
});

test('interactive bash does not load this gate (its own gate is bash-gate.sh)', () => {
  const s = setup();
  const r = s.run(['--norc', '--noprofile', '-i'], 'rm -rf /tmp/twokey-none-i\necho "$__twokey_env_installed" > i.txt\n');
  assert.deepEqual(r.calls, []);
  assert.equal(fs.readFileSync(path.join(s.dir, 'i.txt'), 'utf8').trim(), '');
});

test("installed tools' own scripts (hidden folders of $HOME) are left alone; the user's are not", () => {
  const s = setup();
  fs.mkdirSync(path.join(s.dir, '.pyenv', 'libexec'), { recursive: true });
  const tool = path.join(s.dir, '.pyenv', 'libexec', 'pyenv');
  fs.writeFileSync(tool, 'READLINK=readlink\n$READLINK -f . > /dev/null\nrm -rf /tmp/twokey-none-tool\necho tool > tool.txt\n');
  const r = s.run([tool]);
  assert.equal(r.status, 0, r.out);
  assert.ok(s.exists('tool.txt'));
  assert.deepEqual(r.calls, []);
  const mine = s.run([s.write('mine.sh', ['rm -rf /tmp/twokey-none-mine'])]);
  assert.equal(mine.status, 126);
});

test('the bare media file (no baked configuration) gates nothing', () => {
  const s = setup({ BASH_ENV: path.join(MEDIA, 'bash-env.sh') });
  const r = s.run(['-c', 'rm -rf /tmp/twokey-none-x; echo ok > ok.txt']);
  assert.equal(r.status, 0);
  assert.ok(s.exists('ok.txt'));
});
