/**
 * The hook's loader (dist/hook.js, src/cli/hookLoader.ts) run as agents run it: the compiled
 * code it keeps in the state folder (private, replaced when unusable, removed when stale),
 * and the answers it gives with and without that code.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { cacheName, stateDir } from '../../../src/cli/hookLoader';

const ROOT = path.resolve(__dirname, '../../../..');
const HOOK = path.join(ROOT, 'dist', 'hook.js');
const FULL = path.join(ROOT, 'dist', 'cli.js');
const ownCache = typeof (require('node:module') as { enableCompileCache?: unknown }).enableCompileCache !== 'function';

function box() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'twokey-loader-'));
  const ws = path.join(dir, 'ws');
  fs.mkdirSync(path.join(ws, '.git'), { recursive: true });
  fs.mkdirSync(path.join(dir, 'home'));
  const state = path.join(dir, 'state');
  const env = { PATH: process.env.PATH, HOME: path.join(dir, 'home'), TWOKEY_STATE_DIR: state, XDG_RUNTIME_DIR: path.join(dir, 'run') } as NodeJS.ProcessEnv;
  const payload = (command: string) => JSON.stringify({ session_id: 's', cwd: ws, hook_event_name: 'PreToolUse', tool_name: 'Bash', tool_input: { command } });
  const run = (command: string, extra: NodeJS.ProcessEnv = {}, script = HOOK) => spawnSync(process.execPath, [script, 'hook', 'claude-code'], { input: payload(command), encoding: 'utf8', env: { ...env, ...extra }, cwd: ws });
  const cacheDir = path.join(state, 'compile-cache');
  const files = () => (fs.existsSync(cacheDir) ? fs.readdirSync(cacheDir).sort() : []);
  return { ws, state, run, cacheDir, files };
}

test('the state folder: TWOKEY_STATE_DIR, else LOCALAPPDATA on Windows, else XDG_STATE_HOME, else ~/.local/state', () => {
  assert.equal(stateDir({ TWOKEY_STATE_DIR: '/s' }, 'linux', '/h'), '/s');
  assert.equal(stateDir({ LOCALAPPDATA: 'C:\\L', XDG_STATE_HOME: '/x' }, 'win32', '/h'), path.join('C:\\L', 'twokey'));
  assert.equal(stateDir({ XDG_STATE_HOME: '/x' }, 'linux', '/h'), path.join('/x', 'twokey'));
  assert.equal(stateDir({}, 'darwin', '/h'), path.join('/h', '.local', 'state', 'twokey'));
});

test('a cache file name changes with the bundle, its size and time, and the Node', () => {
  const a = cacheName('/d/hook-body.js', { size: 10, mtimeMs: 1 }, 'v20.1.0', 'x64');
  assert.match(a, /^hook-body-[0-9a-f]{20}\.v8$/);
  assert.equal(cacheName('/d/hook-body.js', { size: 10, mtimeMs: 1 }, 'v20.1.0', 'x64'), a);
  for (const b of [
    cacheName('/d/hook-body.js', { size: 11, mtimeMs: 1 }, 'v20.1.0', 'x64'),
    cacheName('/d/hook-body.js', { size: 10, mtimeMs: 2 }, 'v20.1.0', 'x64'),
    cacheName('/d/hook-body.js', { size: 10, mtimeMs: 1 }, 'v20.2.0', 'x64'),
    cacheName('/d/hook-body.js', { size: 10, mtimeMs: 1 }, 'v20.1.0', 'arm64'),
    cacheName('/e/hook-body.js', { size: 10, mtimeMs: 1 }, 'v20.1.0', 'x64'),
  ]) assert.notEqual(b, a);
});

test('the first call keeps the compiled code in a private folder; the next ones use it and give the same answers', { skip: !ownCache && 'this Node has its own compile cache' }, () => {
  const b = box();
  const first = b.run('git status --short');
  assert.equal(first.status, 0, first.stderr);
  const [body] = b.files();
  assert.match(body, /^hook-body-[0-9a-f]{20}\.v8$/);
  assert.equal(fs.statSync(b.cacheDir).mode & 0o777, 0o700);
  assert.equal(fs.statSync(path.join(b.cacheDir, body)).mode & 0o777, 0o600);
  const written = fs.statSync(path.join(b.cacheDir, body));
  const second = b.run('git status --short');
  assert.deepEqual([second.status, second.stdout], [first.status, first.stdout]);
  // Accepted by V8, so not written again.
  assert.equal(fs.statSync(path.join(b.cacheDir, body)).mtimeMs, written.mtimeMs);
  // A refused call loads the full CLI through the loader: its code is kept too, and the answer is the full CLI's own.
  const refused = b.run('rm -rf victim');
  const direct = b.run('rm -rf victim', { TWOKEY_COMPILE_CACHE: '0' }, FULL);
  assert.equal(refused.status, 2);
  assert.equal(refused.stdout, direct.stdout);
  assert.match(JSON.parse(refused.stdout).hookSpecificOutput.permissionDecision, /^deny$/);
  assert.ok(b.files().some((f) => /^cli-[0-9a-f]{20}\.v8$/.test(f)), b.files().join(' '));
});

test('damaged or stale cache files cost only time: the answer is the same and they are replaced', { skip: !ownCache && 'this Node has its own compile cache' }, () => {
  const b = box();
  const clean = b.run('rm -rf victim');
  const names = b.files();
  for (const f of names) fs.writeFileSync(path.join(b.cacheDir, f), 'not V8 code at all');
  fs.writeFileSync(path.join(b.cacheDir, 'hook-body-0123456789abcdef0123.v8'), 'from an earlier build');
  const again = b.run('rm -rf victim');
  assert.deepEqual([again.status, again.stdout], [clean.status, clean.stdout]);
  assert.deepEqual(b.files(), names, 'the stale file is gone, the damaged ones are written again');
  for (const f of names) assert.notEqual(fs.readFileSync(path.join(b.cacheDir, f), 'utf8'), 'not V8 code at all');
});

test('TWOKEY_COMPILE_CACHE=0: no cache folder, the same answers', () => {
  const b = box();
  const off = b.run('rm -rf victim', { TWOKEY_COMPILE_CACHE: '0' });
  assert.equal(off.status, 2);
  assert.equal(fs.existsSync(b.cacheDir), false);
  assert.equal(b.run('rm -rf victim').stdout, off.stdout);
  const harmless = b.run('git status', { TWOKEY_COMPILE_CACHE: '0' });
  assert.deepEqual([harmless.status, harmless.stdout.trim()], [0, '{"continue":true}']);
});
