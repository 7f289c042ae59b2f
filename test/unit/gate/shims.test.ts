/**
 * PATH shims (src/intercept/shims.ts) in a temp folder with fake "real" binaries that record
 * their argv: harmless calls pass straight through with the exact argv; others ask the
 * helper and a refused one never reaches the real binary; nested calls from scripts and
 * `sh -c` are checked; no recursion when shim folders appear more than once on PATH. With
 * the real helper (dist/gate.js) and the broker down, high-risk calls are refused with a
 * reason and harmless ones run.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DEFAULT_SHIMS, HARMLESS, SHIM_MARKER, shimScript, writeShims } from '../../../src/intercept/shims';
import { argvToLine } from '../../../src/core/argv';
import { createEngine } from '../../../src/core/engine';
import { builtGateJs } from './baked';

const ROOT = path.resolve(__dirname, '..', '..', '..', '..');
const HELPER = path.join(ROOT, 'test', 'fixtures', 'gate', 'fake-shim-helper.sh');

// A fake real binary: one line per call, each argv word in <>, after its own name.
const FAKE_REAL = '#!/bin/sh\n{ printf "%s" "${0##*/}"; for a in "$@"; do printf " <%s>" "$a"; done; echo; } >> "$FAKE_REAL_LOG"\n';

function setup(names: string[] = ['kubectl', 'psql', 'terraform', 'dropdb']) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'twokey-shims-'));
  const real = path.join(dir, 'real');
  const shims = path.join(dir, 'shims');
  fs.mkdirSync(real);
  for (const n of names) fs.writeFileSync(path.join(real, n), FAKE_REAL, { mode: 0o755 });
  writeShims(shims, names, { gateJs: HELPER, node: '/bin/sh' });
  const realLog = path.join(dir, 'real.log');
  const gateLog = path.join(dir, 'gate.log');
  fs.writeFileSync(realLog, '');
  fs.writeFileSync(gateLog, '');
  const env: NodeJS.ProcessEnv = {
    PATH: `${shims}:${real}:/usr/bin:/bin`,
    HOME: dir,
    FAKE_REAL_LOG: realLog,
    FAKE_GATE_LOG: gateLog,
  };
  const run = (file: string, args: string[], extra: NodeJS.ProcessEnv = {}) => {
    const r = spawnSync(file, args, { cwd: dir, encoding: 'utf8', env: { ...env, ...extra } });
    return {
      status: r.status,
      stderr: r.stderr,
      real: fs.readFileSync(realLog, 'utf8').split('\n').filter(Boolean),
      gate: fs.readFileSync(gateLog, 'utf8').split('\n').filter(Boolean),
    };
  };
  return { dir, real, shims, env, run };
}

test('a harmless call passes straight through with the exact argv (spaces, quotes, empty words)', () => {
  const s = setup();
  const r = s.run('kubectl', ['get', 'pod x', '', `it's`, '"q"', '$HOME', '*']);
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(r.real, ['kubectl <get> <pod x> <> <it\'s> <"q"> <$HOME> <*>']);
  assert.deepEqual(r.gate, [], 'the helper was not asked');
});

test('other calls ask the helper with the argv word by word, then run with the exact argv', () => {
  const s = setup();
  const r = s.run('psql', ['-c', "select 'a b'", '']);
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(r.gate, ["psql|-c|select 'a b'|"]);
  assert.deepEqual(r.real, ["psql <-c> <select 'a b'> <>"]);
});

test('a refused call never reaches the real binary and exits 126 with the reason', () => {
  const s = setup();
  const r = s.run('kubectl', ['delete', 'namespace', 'prod']);
  assert.equal(r.status, 126);
  assert.deepEqual(r.real, []);
  assert.match(r.stderr, /^TwoKey: refused/m);
});

test('flags before the subcommand are not taken for harmless', () => {
  const s = setup();
  s.run('kubectl', ['--context', 'prod', 'get', 'pods']);
  s.run('kubectl', ['-v', '9', 'delete', 'pod', 'x']);
  const r = s.run('dropdb', ['--version']);
  assert.equal(r.gate.length, 3);
});

test('nested calls from a script and from an npm-like `sh -c` are checked', () => {
  const s = setup();
  const script = path.join(s.dir, 'deploy.sh');
  fs.writeFileSync(script, '#!/bin/sh\necho start\npsql -c "drop table users"\necho after > after.txt\n', { mode: 0o755 });
  const r1 = s.run(script, []);
  assert.deepEqual(r1.real, []);
  assert.ok(r1.gate.some((g) => g.includes('drop table users')));
  const r2 = s.run('sh', ['-c', 'cd sub 2>/dev/null; terraform plan && kubectl delete pod web']);
  assert.equal(r2.status, 126);
  assert.deepEqual(r2.real, ['terraform <plan>']);
});

test('no recursion when the shim folder is on PATH twice, or another shim folder comes first', () => {
  const s = setup();
  const other = path.join(s.dir, 'other-window-shims');
  writeShims(other, ['kubectl'], { gateJs: HELPER, node: '/bin/sh' });
  const r = s.run('kubectl', ['get', 'pods'], { PATH: `${s.shims}:${other}:${s.shims}:${other}:${s.real}:/usr/bin:/bin` });
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(r.real, ['kubectl <get> <pods>']);
});

test('a tool that is not installed reports 127, as the shell would', () => {
  const s = setup();
  fs.rmSync(path.join(s.real, 'terraform'));
  const r = s.run('terraform', ['plan']);
  assert.equal(r.status, 127);
  assert.match(r.stderr, /terraform: command not found/);
});

test('a helper that cannot run refuses, saying so', () => {
  const s = setup();
  writeShims(s.shims, ['psql'], { gateJs: HELPER, node: path.join(s.dir, 'no-such-node') });
  const r = s.run('psql', ['-c', 'select 1']);
  assert.equal(r.status, 126);
  assert.deepEqual(r.real, []);
  assert.match(r.stderr, /TwoKey: refused `psql` because its gate helper could not run/);
});

test('writeShims writes the marker, skips bad names and removes shims no longer listed', () => {
  const s = setup();
  assert.ok(fs.existsSync(path.join(s.shims, SHIM_MARKER)));
  const written = writeShims(s.shims, ['kubectl', '../evil', 'a b', 'helm'], { gateJs: HELPER, node: '/bin/sh' });
  assert.deepEqual(written, ['kubectl', 'helm']);
  assert.deepEqual(fs.readdirSync(s.shims).sort(), [SHIM_MARKER, 'helm', 'kubectl'].sort());
  assert.ok(fs.statSync(path.join(s.shims, 'helm')).mode & 0o100);
});

test('every default shim is valid sh', () => {
  for (const n of DEFAULT_SHIMS) {
    const r = spawnSync('sh', ['-n'], { input: shimScript(n, '/tmp/x', { gateJs: "/a b/it's.js", node: '/n' }), encoding: 'utf8' });
    assert.equal(r.status, 0, `${n}: ${r.stderr}`);
  }
});

test('the fast path never lets through what the engine would not allow', async () => {
  // A wide budget: under a loaded test run the default 50 ms turns a slow check into `ask`.
  const engine = await createEngine({ timeBudgetMs: 10_000 });
  const examples: string[] = [];
  for (const [name, h] of Object.entries(HARMLESS)) {
    for (const f of h.first ?? []) examples.push(`${name} ${f}`);
    for (const p of h.pairs ?? []) examples.push(`${name} ${p}`);
    for (const p of h.opPrefixes ?? []) examples.push(`${name} ec2 ${p}instances`);
  }
  for (const n of DEFAULT_SHIMS) if (n !== 'dropdb') examples.push(`${n} --version`, `${n} --help`);
  const notAllowed = examples.filter((c) => engine.check({ command: c, cwd: os.tmpdir(), env: {} }).decision !== 'allow');
  assert.deepEqual(notAllowed, []);
});

test('argvToLine quotes only what needs it and round-trips through sh', () => {
  const words = ['psql', '-c', "select 'a b'", '', 'x=1', '$HOME', 'a;b'];
  const line = argvToLine(words);
  assert.equal(line.split(' ')[0], 'psql');
  const r = spawnSync('sh', ['-c', `for a in "$@"; do printf '<%s>' "$a"; done`, 'sh', ...words], { encoding: 'utf8' });
  const back = spawnSync('sh', ['-c', `set -- ${line}; for a in "$@"; do printf '<%s>' "$a"; done`], { encoding: 'utf8' });
  assert.equal(back.stdout, r.stdout);
});

test('broker down: the real helper refuses high-risk calls with why and how to recover, lets harmless ones run', () => {
  const GATE_JS = builtGateJs();
  const s = setup();
  writeShims(s.shims, ['psql', 'kubectl'], { gateJs: GATE_JS, node: process.execPath, socket: path.join(s.dir, 'no-broker.sock'), keyFile: path.join(s.dir, 'key') });
  const down = {};
  const refused = s.run('psql', ['postgres://db.example.com/prod', '-c', 'DROP DATABASE prod'], down);
  assert.equal(refused.status, 126);
  assert.deepEqual(refused.real, []);
  assert.match(refused.stderr, /^TwoKey: refused `psql postgres:\/\/db\.example\.com\/prod -c 'DROP DATABASE prod'`/m);
  assert.match(refused.stderr, /could not be reached/);
  assert.match(refused.stderr, /Do not retry or work around this/);
  assert.match(refused.stderr, /reload the editor window/);
  const ok = s.run('psql', ['-c', 'select 1'], down);
  assert.equal(ok.status, 0, ok.stderr);
  assert.deepEqual(ok.real, ['psql <-c> <select 1>']);
  // The line form, as the shell gates call it.
  const line = spawnSync(process.execPath, [GATE_JS, '--socket', path.join(s.dir, 'no-broker.sock'), '--source', 'terminal', '--cwd', s.dir, '--', 'rm -rf /'], { env: { ...s.env, ...down }, encoding: 'utf8' });
  assert.equal(line.status, 126);
  assert.match(line.stderr, /TwoKey: refused `rm -rf \/`/);
  const harmless = spawnSync(process.execPath, [GATE_JS, '--socket', path.join(s.dir, 'no-broker.sock'), '--source', 'terminal', '--cwd', s.dir, '--', 'ls -la'], { env: { ...s.env, ...down }, encoding: 'utf8' });
  assert.equal(harmless.status, 0);
});
