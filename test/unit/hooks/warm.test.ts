/**
 * The warm path: the bash launcher sends the payload to the editor's hook port and prints its
 * answer, without starting Node; what the port leaves (anything that needs the engine), a
 * stale port file, a port taken by another process and an answer without the editor's token
 * all fall back to the Node hook with the same payload, which refuses what matters. The
 * editor's port runs in another process, as it does in the editor.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { writeLauncher } from '../../../src/core/hooks/launcher';

const ROOT = path.resolve(__dirname, '../../../..');
const WARM = path.join(ROOT, 'out', 'src', 'cli', 'hookWarm.js');
const CLI = path.join(ROOT, 'dist', 'cli.js');
const hasBash = fs.existsSync('/bin/bash');

function box() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'twokey-warm-'));
  const ws = path.join(dir, 'ws');
  fs.mkdirSync(path.join(ws, '.git'), { recursive: true });
  fs.mkdirSync(path.join(dir, 'home'));
  const state = path.join(dir, 'state');
  // A stand-in for Node that records the payload it was given: proof the cold path ran.
  const fake = path.join(dir, 'fake-node');
  fs.writeFileSync(fake, `#!/bin/sh\ncat > ${JSON.stringify(path.join(dir, 'cold-stdin'))}\necho "cold $*"\nexit 7\n`, { mode: 0o755 });
  const env = { PATH: process.env.PATH, HOME: path.join(dir, 'home'), TWOKEY_STATE_DIR: state, XDG_RUNTIME_DIR: path.join(dir, 'run') } as NodeJS.ProcessEnv;
  const payload = (command: string) => JSON.stringify({ session_id: 's', cwd: ws, hook_event_name: 'PreToolUse', tool_name: 'Bash', tool_input: { command, description: 'déjà vu ✓' } });
  const run = (launcher: string, input: string) => {
    const r = spawnSync(launcher, ['hook', 'claude-code'], { input, encoding: 'utf8', env, cwd: ws });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
  };
  const cold = () => (fs.existsSync(path.join(dir, 'cold-stdin')) ? fs.readFileSync(path.join(dir, 'cold-stdin'), 'utf8') : undefined);
  return { dir, ws, state, fake, env, payload, run, cold };
}

async function editor(state: string): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, ['-e', `require(${JSON.stringify(WARM)}).startWarmHooks(${JSON.stringify(state)}).then((p) => console.log('ready ' + p.port))`], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /ready (\d+)/.exec(out);
      if (m) resolve(Number(m[1]));
    });
    child.on('exit', () => reject(new Error('the editor stand-in ended')));
  });
  return { child, port };
}

test('a harmless line is answered by the editor without starting Node; a line that matters goes to the Node hook with the same payload', { skip: !hasBash && 'no bash' }, async () => {
  const b = box();
  const { child } = await editor(b.state);
  try {
    const launcher = writeLauncher(b.state, { node: b.fake, cli: CLI }, 'linux', true)!;
    assert.match(fs.readFileSync(launcher, 'utf8'), /^#!\/bin\/bash\n/);
    const file = fs.readFileSync(path.join(b.state, 'hook-port'), 'utf8');
    assert.match(file, /^\d+ [0-9a-f]{48} [0-9a-f]{48} \d+\n$/);
    assert.equal(fs.statSync(path.join(b.state, 'hook-port')).mode & 0o777, 0o600);

    const warm = b.run(launcher, b.payload('git status --short'));
    assert.deepEqual(warm, { status: 0, stdout: '{"continue":true}\n', stderr: '' });
    assert.equal(b.cold(), undefined, 'Node never ran');

    const input = b.payload('rm -rf victim');
    const left = b.run(launcher, input);
    assert.deepEqual([left.status, left.stdout.trim()], [7, `cold ${path.join(path.dirname(CLI), 'hook.js')} hook claude-code`]);
    assert.equal(b.cold(), input, 'the Node hook got the payload byte for byte');
  } finally {
    child.kill();
  }
});

test('the refusal on the cold path is the Node hook own: rm -rf is refused with exit 2 while the editor answers harmless lines', { skip: !hasBash && 'no bash' }, async () => {
  const b = box();
  const { child } = await editor(b.state);
  try {
    const launcher = writeLauncher(b.state, { node: process.execPath, cli: CLI }, 'linux', true)!;
    const r = b.run(launcher, b.payload('rm -rf victim'));
    assert.equal(r.status, 2, r.stderr);
    assert.equal(JSON.parse(r.stdout).hookSpecificOutput.permissionDecision, 'deny');
    assert.match(r.stderr, /^TwoKey: refused `rm -rf victim`/);
    // A payload the hook cannot read is refused by the editor itself (fails closed).
    const bad = b.run(launcher, '{"not": "a hook payload"');
    assert.equal(bad.status, 2);
    assert.match(JSON.parse(bad.stdout).hookSpecificOutput.permissionDecisionReason, /^TwoKey: refused because the hook input is not JSON/);
  } finally {
    child.kill();
  }
});

test('no editor (a stale port file), a port taken by another process, or an answer without the editor token: the Node hook decides', { skip: !hasBash && 'no bash' }, async () => {
  const b = box();
  const launcher = writeLauncher(b.state, { node: b.fake, cli: CLI }, 'linux', true)!;
  const input = b.payload('git status');
  // Nothing listens on the port the file names.
  const free = net.createServer();
  await new Promise<void>((r) => free.listen(0, '127.0.0.1', () => r()));
  const port = (free.address() as net.AddressInfo).port;
  await new Promise<void>((r) => free.close(() => r()));
  fs.mkdirSync(b.state, { recursive: true });
  fs.writeFileSync(path.join(b.state, 'hook-port'), `${port} ${'a'.repeat(48)} ${'b'.repeat(48)} 1\n`, { mode: 0o600 });
  let r = b.run(launcher, input);
  assert.equal(r.status, 7);
  assert.equal(b.cold(), input);
  fs.rmSync(path.join(b.dir, 'cold-stdin'));

  // Another process holds the port and answers "allow" with a token of its own.
  const squatter = net.createServer((s) => {
    s.on('error', () => undefined);
    s.once('data', () => s.end(`TWOKEY-HOOK/1 ${'c'.repeat(48)} 0 2 0\n{}`));
  });
  await new Promise<void>((res) => squatter.listen(port, '127.0.0.1', () => res()));
  try {
    r = await new Promise((resolve) => {
      const c = spawn(launcher, ['hook', 'claude-code'], { env: b.env, cwd: b.ws });
      let out = '';
      c.stdout.on('data', (d: Buffer) => (out += d.toString()));
      c.on('close', (status) => resolve({ status, stdout: out, stderr: '' }));
      c.stdin.end(input);
    });
    assert.equal(r.status, 7, 'the forged answer was not printed');
    assert.equal(b.cold(), input);
  } finally {
    squatter.close();
  }
});
