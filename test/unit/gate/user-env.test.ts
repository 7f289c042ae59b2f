/**
 * The user's own BASH_ENV and ZDOTDIR, which the gates replace and chain, are baked into the
 * gate files: a line that sets TWOKEY_USER_BASH_ENV or TWOKEY_USER_ZDOTDIR (or ZDOTDIR) is
 * asked about, and even when it is let through, the gates do not read the file it names.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { bakedGate } from './baked';
import { createEngine } from '../../../src/core/engine';

function world() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'twokey-userenv-'));
  const user = path.join(dir, 'user');
  const evil = path.join(dir, 'evil');
  fs.mkdirSync(user);
  fs.mkdirSync(evil);
  fs.writeFileSync(path.join(user, 'benv.sh'), 'echo user-bash-env >> "$HOME/sourced.log"\n');
  fs.writeFileSync(path.join(user, '.zshenv'), 'echo user-zshenv >> "$HOME/sourced.log"\n');
  fs.writeFileSync(path.join(evil, 'benv.sh'), 'echo evil-bash-env >> "$HOME/sourced.log"\n');
  fs.writeFileSync(path.join(evil, '.zshenv'), 'echo evil-zshenv >> "$HOME/sourced.log"\n');
  const log = path.join(dir, 'calls.log');
  fs.writeFileSync(log, '');
  const files = bakedGate({ dir: path.join(dir, 'gate'), userZdotdir: user, userBashEnv: path.join(user, 'benv.sh') });
  const sourced = () => (fs.existsSync(path.join(dir, 'sourced.log')) ? fs.readFileSync(path.join(dir, 'sourced.log'), 'utf8').split('\n').filter(Boolean) : []);
  const calls = () => fs.readFileSync(log, 'utf8').split('\n').filter(Boolean);
  const env = { PATH: process.env.PATH, HOME: dir, FAKE_GATE_LOG: log, BASH_ENV: files.bashEnv, ZDOTDIR: files.zshDir };
  return { dir, user, evil, files, sourced, calls, env };
}

test('bash: a user BASH_ENV named in the environment after start is not read; the baked one is', () => {
  const w = world();
  // The fake helper lets the lines through, as a person might: the gate still reads only the baked file.
  const r = spawnSync('bash', ['--norc', '--noprofile', '-i'], {
    cwd: w.dir,
    input: [`TWOKEY_USER_BASH_ENV='${path.join(w.evil, 'benv.sh')}' bash -c 'echo ran > ran1.txt'`, `export TWOKEY_USER_BASH_ENV='${path.join(w.evil, 'benv.sh')}'`, "bash -c 'echo ran > ran2.txt'"].join('\n') + '\n',
    encoding: 'utf8',
    env: { ...w.env, HISTFILE: path.join(w.dir, '.hist'), PROMPT_COMMAND: `source '${w.files.bashGate}'` },
  });
  assert.ok(fs.existsSync(path.join(w.dir, 'ran1.txt')) && fs.existsSync(path.join(w.dir, 'ran2.txt')), r.stdout + r.stderr);
  assert.deepEqual(w.sourced(), ['user-bash-env', 'user-bash-env'], 'the baked BASH_ENV, never the one set in the terminal');
  assert.ok(w.calls().some((c) => c.startsWith('TWOKEY_USER_BASH_ENV=')), 'the assignment was sent to be judged');
  assert.ok(w.calls().some((c) => c.startsWith('export TWOKEY_USER_BASH_ENV=')), 'the export was sent to be judged');
});

test('zsh: a user ZDOTDIR named in the environment after start is not read; the baked one is', () => {
  const w = world();
  const r = spawnSync('zsh', ['-i'], {
    cwd: w.dir,
    input: [`TWOKEY_USER_ZDOTDIR='${w.evil}' zsh -c 'echo ran > ran1.txt'`, `export TWOKEY_USER_ZDOTDIR='${w.evil}'`, "zsh -c 'echo ran > ran2.txt'"].join('\n') + '\n',
    encoding: 'utf8',
    env: w.env,
  });
  assert.ok(fs.existsSync(path.join(w.dir, 'ran1.txt')) && fs.existsSync(path.join(w.dir, 'ran2.txt')), r.stdout + r.stderr);
  // The interactive shell itself and both child shells read the baked folder's .zshenv only.
  assert.deepEqual(w.sourced(), ['user-zshenv', 'user-zshenv', 'user-zshenv']);
  assert.ok(w.calls().some((c) => c.startsWith('TWOKEY_USER_ZDOTDIR=')), 'the assignment was sent to be judged');
});

test('the engine asks before a line sets or unsets the user BASH_ENV or ZDOTDIR the gates chain', async () => {
  const engine = await createEngine({ timeBudgetMs: 5000 });
  for (const command of [
    'TWOKEY_USER_BASH_ENV=/tmp/x.sh bash build.sh',
    'export TWOKEY_USER_BASH_ENV=/tmp/x.sh',
    'unset TWOKEY_USER_BASH_ENV',
    'TWOKEY_USER_ZDOTDIR=/tmp/z zsh',
    'unset TWOKEY_USER_ZDOTDIR',
    'export ZDOTDIR=/tmp/z',
    'env -u BASH_ENV bash x.sh',
  ]) {
    const v = engine.check({ command, cwd: '/tmp', workspaceRoot: '/tmp', home: os.homedir(), env: {} });
    assert.notEqual(v.decision, 'allow', command);
  }
});
