/**
 * The zsh gate (media/gate/zsh/) in a real zsh, chained through ZDOTDIR the way the
 * extension installs it: a refused line runs nothing and reports 126; the user's own
 * .zshenv, .zshrc (aliases, variables, precmd hooks, local_traps) keep working; history
 * stays in the user's folder; `zsh -c`, scripts and `zsh -i -c` are checked per command.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { bakedGate, MEDIA } from './baked';


const USER_ZSHRC = [
  'alias ll="echo from-alias"',
  'export FROM_USER_RC=yes',
  'mypre() { echo precmd >> "$HOME/precmd.log"; }',
  'autoload -Uz add-zsh-hook; add-zsh-hook precmd mypre',
  // A user option that would make a trap set inside a function vanish on return.
  'setopt local_traps',
  'HISTSIZE=100; SAVEHIST=100',
].join('\n');

interface Run {
  dir: string;
  work: string;
  calls: string[];
  out: string;
  status: number | null;
}

function setup(userFiles: Record<string, string> = { '.zshrc': USER_ZSHRC, '.zshenv': 'export FROM_USER_ENV=1\n' }) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'twokey-zsh-'));
  const user = path.join(dir, 'user');
  const work = path.join(dir, 'work');
  fs.mkdirSync(user);
  fs.mkdirSync(work);
  for (const [name, text] of Object.entries(userFiles)) fs.writeFileSync(path.join(user, name), text);
  const log = path.join(dir, 'calls.log');
  fs.writeFileSync(log, '');
  const env = {
    PATH: process.env.PATH,
    HOME: dir,
    // The user's folder is baked into the gate files, as the extension writes them.
    ZDOTDIR: bakedGate({ dir: path.join(dir, 'gate'), userZdotdir: user }).zshDir,
    FAKE_GATE_LOG: log,
  };
  const finish = (r: { stdout: string; stderr: string; status: number | null }): Run => ({
    dir,
    work,
    calls: fs.readFileSync(log, 'utf8').split('\n').filter(Boolean),
    out: r.stdout + r.stderr,
    status: r.status,
  });
  return {
    interactive(lines: string[]): Run {
      const r = spawnSync('zsh', ['-i'], { cwd: work, input: lines.join('\n') + '\n', encoding: 'utf8', env });
      return finish(r);
    },
    zsh(args: string[]): Run {
      return finish(spawnSync('zsh', args, { cwd: work, encoding: 'utf8', env }));
    },
    write(name: string, text: string): string {
      const p = path.join(work, name);
      fs.writeFileSync(p, text);
      return p;
    },
  };
}

const read = (dir: string, f: string) => fs.readFileSync(path.join(dir, f), 'utf8').trim();

test('interactive: a refused line runs nothing and reports 126, even with the user\'s local_traps', () => {
  const { work, out } = setup().interactive(['echo a > a.txt && rm -rf /tmp/twokey-none; echo b > b.txt', 'echo "rc=$?" > rc.txt']);
  assert.ok(!fs.existsSync(path.join(work, 'a.txt')), 'echo before rm did not run');
  assert.ok(!fs.existsSync(path.join(work, 'b.txt')), 'echo after rm did not run');
  assert.equal(read(work, 'rc.txt'), 'rc=126');
  assert.match(out, /TwoKey refused/);
});

test('interactive: the next line after a refusal runs normally', () => {
  const { work } = setup().interactive(['rm -rf /tmp/twokey-none', 'echo next > next.txt; echo "rc=$?" > rc.txt']);
  assert.equal(read(work, 'next.txt'), 'next');
  assert.equal(read(work, 'rc.txt'), 'rc=0');
});

test("interactive: the user's .zshenv, .zshrc, aliases and precmd hooks keep working; harmless lines never call out", () => {
  const s = setup();
  const { dir, work, calls } = s.interactive([
    'll > ll.txt',
    'echo "$FROM_USER_RC $FROM_USER_ENV" > vars.txt',
    'ls > /dev/null; grep -r delete . > /dev/null; echo "rm -rf /" > s.txt',
    'print -r -- "$HISTFILE" > hist.txt',
  ]);
  assert.deepEqual(calls, []);
  assert.equal(read(work, 'll.txt'), 'from-alias');
  assert.equal(read(work, 'vars.txt'), 'yes 1');
  assert.equal(read(work, 's.txt'), 'rm -rf /');
  assert.ok(!read(work, 'hist.txt').startsWith(path.join(dir, 'gate')), 'history is not kept in the gate folder');
  assert.ok(fs.readFileSync(path.join(dir, 'precmd.log'), 'utf8').split('\n').filter(Boolean).length >= 4);
});

test('interactive: a risky line is sent whole, once (aliases expanded), and runs when allowed', () => {
  const s = setup({ '.zshrc': 'alias gv="git --version"\n' });
  const { work, calls } = s.interactive(['gv > v.txt && echo done > d.txt']);
  assert.deepEqual(calls, ['git --version > v.txt && echo done > d.txt']);
  assert.equal(read(work, 'd.txt'), 'done');
});

test('zsh -c: the whole sublist is refused before anything runs, exit 126', () => {
  const r = setup().zsh(['-c', 'echo a > a.txt && rm -rf /tmp/twokey-none; echo b > b.txt']);
  assert.equal(r.status, 126);
  assert.ok(!fs.existsSync(path.join(r.work, 'a.txt')));
  assert.ok(!fs.existsSync(path.join(r.work, 'b.txt')));
  assert.match(r.out, /TwoKey refused/);
});

test('zsh script: a refused loop stops the script there; earlier lines ran; allowed ones run', () => {
  const s = setup();
  const script = s.write('s.zsh', ['echo one > one.txt', 'for d in x y; do', '  rm -rf /tmp/twokey-none-$d', 'done', 'echo two > two.txt', ''].join('\n'));
  const r = s.zsh([script]);
  assert.equal(r.status, 126);
  assert.equal(read(r.work, 'one.txt'), 'one');
  assert.ok(!fs.existsSync(path.join(r.work, 'two.txt')));
  assert.equal(r.calls.filter((c) => c.startsWith('for d in')).length, 1);
});

test('zsh script: an allowed loop is asked about once, not again for each command inside it', () => {
  const s = setup();
  const script = s.write('l.zsh', ['for d in x y; do', '  git --version > /dev/null', 'done', ''].join('\n'));
  const r = s.zsh([script]);
  assert.equal(r.status, 0);
  assert.equal(r.calls.filter((c) => c.startsWith('for d in')).length, 1);
  assert.ok(!r.calls.includes('git --version > /dev/null'), r.calls.join('|'));
});

test('zsh script: harmless commands never call out, functions are checked when they run', () => {
  const s = setup();
  const script = s.write('t.zsh', ['f() { git --version > g.txt; }', 'echo "$FROM_USER_ENV" > env.txt', 'f', ''].join('\n'));
  const r = s.zsh([script]);
  assert.equal(r.status, 0);
  assert.equal(read(r.work, 'env.txt'), '1');
  assert.deepEqual(r.calls, ['git --version > g.txt']);
});

test('zsh -i -c and zsh -l -c are checked too, after the user\'s startup files', () => {
  const s = setup();
  for (const flags of ['-ic', '-lc', '-ilc']) {
    const r = s.zsh([flags, 'rm -rf /tmp/twokey-none; echo ran > ran.txt']);
    assert.equal(r.status, 126, flags);
    assert.ok(!fs.existsSync(path.join(r.work, 'ran.txt')), flags);
  }
  const ok = s.zsh(['-ic', 'echo "$FROM_USER_RC" > ok.txt']);
  assert.equal(read(ok.work, 'ok.txt'), 'yes');
  assert.deepEqual(ok.calls.filter((c) => !c.includes('twokey-none')), []);
});

test("zsh: installed tools' own scripts (hidden folders of $HOME) are left alone", () => {
  const s = setup();
  const probe = s.zsh(['-c', 'true']);
  const toolDir = path.join(probe.dir, '.tool');
  fs.mkdirSync(toolDir);
  const tool = path.join(toolDir, 'run.zsh');
  fs.writeFileSync(tool, 'rm -rf /tmp/twokey-none-tool\necho tool > tool.txt\n');
  const r = s.zsh([tool]);
  assert.equal(r.status, 0, r.out);
  assert.equal(read(r.work, 'tool.txt'), 'tool');
});

test("a user's .zshenv that moves ZDOTDIR is followed for .zshrc", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'twokey-zsh-moved-'));
  fs.writeFileSync(path.join(dir, '.zshrc'), 'export MOVED_RC=1\n');
  const s = setup({ '.zshenv': `ZDOTDIR=${dir}\n` });
  const r = s.interactive(['echo "$MOVED_RC" > m.txt', 'rm -rf /tmp/twokey-none', 'echo "rc=$?" > rc.txt']);
  assert.equal(read(r.work, 'm.txt'), '1');
  assert.equal(read(r.work, 'rc.txt'), 'rc=126');
});

test('without a baked configuration (the bare media files) they only chain the user\'s config', () => {
  const s = setup();
  const r = s.zsh(['-c', 'echo "$FROM_USER_ENV" > e.txt']);
  assert.equal(r.status, 0);
  const bare = spawnSync('zsh', ['-c', 'echo "$FROM_USER_ENV" > e2.txt; rm -rf /tmp/twokey-none-x'], {
    cwd: r.work,
    encoding: 'utf8',
    env: { PATH: process.env.PATH, HOME: r.dir, ZDOTDIR: path.join(MEDIA, 'zsh'), TWOKEY_USER_ZDOTDIR: path.join(r.dir, 'user') },
  });
  assert.equal(bare.status, 0);
  assert.equal(read(r.work, 'e2.txt'), '1');
});
