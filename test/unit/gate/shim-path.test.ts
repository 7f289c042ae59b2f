/**
 * The PATH shims stay first in a real bash and zsh under the gate, whatever a user's rc file
 * or prompt hook (nvm, asdf, mise, direnv do this) puts in front of them afterwards.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { bakedGate, FAKE_HELPER, MEDIA } from './baked';
import { writeGateFiles } from '../../../src/intercept/gateFiles';

const hasZsh = spawnSync('zsh', ['-c', 'true']).status === 0;

/** A folder with a `psql` that writes down who it is: the shim, or the user's own. */
function tool(dir: string, who: string): string {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'psql'), `#!/bin/sh\necho ${who} >> "$RAN_LOG"\n`, { mode: 0o755 });
  return dir;
}

function world(): { dir: string; shims: string; user: string; log: string; gate: ReturnType<typeof bakedGate> } {
  // (zsh's user folder, baked into the gate files: zdot below.)
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'twokey-shimpath-'));
  const shims = tool(path.join(dir, 'shims'), 'shim');
  const user = tool(path.join(dir, 'user-bin'), 'user');
  const gateDir = path.join(dir, 'gate');
  // As the extension writes them, with the shims' folder baked in.
  const gate = writeGateFiles(MEDIA, gateDir, { node: '/bin/bash', gateJs: FAKE_HELPER, socket: path.join(gateDir, 'no.sock'), keyFile: path.join(gateDir, 'key'), shimDir: shims, userZdotdir: path.join(dir, 'zdot') });
  return { dir, shims, user, log: path.join(dir, 'ran.log'), gate };
}

const ran = (log: string) => (fs.existsSync(log) ? fs.readFileSync(log, 'utf8').trim().split('\n') : []);

test('bash: a PATH put in front of the shims by an rc file or a prompt hook does not hide them', () => {
  const w = world();
  fs.writeFileSync(path.join(w.dir, '.bashrc'), `export PATH='${w.user}':$PATH\n`);
  const r = spawnSync('bash', ['--rcfile', path.join(w.dir, '.bashrc'), '-i'], {
    cwd: w.dir,
    input: ['psql -c "select 1"', `PROMPT_COMMAND="\${PROMPT_COMMAND}; PATH='${w.user}':\\$PATH"`, 'true', 'psql -c "select 2"', 'echo "$PATH" > path.txt', ''].join('\n'),
    encoding: 'utf8',
    env: { PATH: `${w.shims}:${process.env.PATH}`, HOME: w.dir, HISTFILE: path.join(w.dir, '.hist'), PROMPT_COMMAND: `source '${w.gate.bashGate}'`, FAKE_GATE_LOG: path.join(w.dir, 'calls.log'), RAN_LOG: w.log },
  });
  assert.deepEqual(ran(w.log), ['shim', 'shim'], r.stdout + r.stderr);
  const p = fs.readFileSync(path.join(w.dir, 'path.txt'), 'utf8').trim().split(':');
  assert.equal(p[0], w.shims);
  assert.equal(p.filter((d) => d === w.shims).length, 1, 'the shims folder once, not piled up');
});

test('zsh: a PATH put in front of the shims by .zshrc or a precmd hook does not hide them', { skip: !hasZsh && 'no zsh' }, () => {
  const w = world();
  const zdot = path.join(w.dir, 'zdot');
  fs.mkdirSync(zdot);
  fs.writeFileSync(path.join(zdot, '.zshrc'), `export PATH='${w.user}':$PATH\nmy_precmd() { PATH='${w.user}':$PATH; }\nautoload -Uz add-zsh-hook\nadd-zsh-hook precmd my_precmd\n`);
  const r = spawnSync('zsh', ['-i'], {
    cwd: w.dir,
    input: ['psql -c "select 1"', 'psql -c "select 2"', 'echo "$PATH" > path.txt', ''].join('\n'),
    encoding: 'utf8',
    env: { PATH: `${w.shims}:${process.env.PATH}`, HOME: w.dir, ZDOTDIR: w.gate.zshDir, FAKE_GATE_LOG: path.join(w.dir, 'calls.log'), RAN_LOG: w.log },
  });
  assert.deepEqual(ran(w.log), ['shim', 'shim'], r.stdout + r.stderr);
  assert.equal(fs.readFileSync(path.join(w.dir, 'path.txt'), 'utf8').trim().split(':')[0], w.shims);
});

test('without shims the gate leaves PATH alone', () => {
  const w = world();
  const plain = writeGateFiles(MEDIA, path.join(w.dir, 'plain'), { node: '/bin/bash', gateJs: FAKE_HELPER, socket: path.join(w.dir, 'no.sock'), keyFile: path.join(w.dir, 'key') });
  const r = spawnSync('bash', ['--norc', '-i'], {
    cwd: w.dir,
    input: ['psql -c "select 1"', ''].join('\n'),
    encoding: 'utf8',
    env: { PATH: `${w.user}:${w.shims}:${process.env.PATH}`, HOME: w.dir, HISTFILE: path.join(w.dir, '.hist'), PROMPT_COMMAND: `source '${plain.bashGate}'`, FAKE_GATE_LOG: path.join(w.dir, 'calls.log'), RAN_LOG: w.log },
  });
  assert.deepEqual(ran(w.log), ['user'], r.stdout + r.stderr);
});
