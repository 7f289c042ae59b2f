/**
 * `twokey hooks doctor` runs each installed hook through the agent's real entry (the command
 * line in the agent's file, via sh) with a harmless and a destructive sample, and reads the
 * answer as the agent does: ok, fails open (a missing Node: Claude Code runs the call when a
 * hook exits 127), blocks everything (a launcher that finds no TwoKey, Cursor's fail-closed
 * entries when the hook cannot start), or removed (the entry is gone from the agent's file).
 * Needs `npm run build` first.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import type { Agent } from '../../../src/core/hooks/types';
import { AGENTS } from '../../../src/core/hooks/types';
import { hookCommandLine } from '../../../src/core/hooks/install';
import { writeLauncher } from '../../../src/core/hooks/launcher';
import { applyInstall, planInstallAll } from '../../../src/core/hooks/workspaceHooks';
import { agentBlocks, doctor } from '../../../src/core/hooks/doctor';

const ROOT = path.resolve(__dirname, '..', '..', '..', '..');
const CLI = path.join(ROOT, 'dist', 'cli.js');

function workspace(): { ws: string; env: NodeJS.ProcessEnv; state: string } {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'twokey-doctor-test-'));
  const ws = path.join(base, 'ws');
  fs.mkdirSync(path.join(ws, '.git'), { recursive: true });
  const state = path.join(base, 'state');
  fs.mkdirSync(path.join(base, 'home'));
  fs.mkdirSync(path.join(base, 'run'));
  return { ws, state, env: { PATH: process.env.PATH, HOME: path.join(base, 'home'), XDG_RUNTIME_DIR: path.join(base, 'run'), TWOKEY_STATE_DIR: state } };
}

const install = (ws: string, agents: Agent[], commandFor: (a: Agent) => string) => applyInstall(ws, planInstallAll(ws, agents, commandFor));

test('every agent hook installed with the real Node and CLI is ok', async () => {
  const w = workspace();
  install(w.ws, [...AGENTS], (a) => hookCommandLine(a, { node: process.execPath, cli: CLI }, 'linux'));
  const r = await doctor(w.ws, AGENTS, { env: w.env });
  assert.deepEqual(
    r.map((x) => `${x.agent} ${x.state}`),
    AGENTS.map((a) => `${a} ok`),
    JSON.stringify(r, null, 2),
  );
});

test('a missing Node: Claude Code would run a destructive call (fails open); Cursor, failing closed, would block everything', async () => {
  const w = workspace();
  install(w.ws, ['claude-code', 'cursor', 'gemini'], (a) => hookCommandLine(a, { node: '/nonexistent/node', cli: CLI }, 'linux'));
  const r = await doctor(w.ws, ['claude-code', 'cursor', 'gemini'], { env: w.env });
  assert.equal(r[0].state, 'fails-open');
  assert.match(r[0].detail, /exit 127/);
  assert.equal(r[1].state, 'blocks-everything');
  assert.equal(r[2].state, 'fails-open');
});

test('a launcher that finds no TwoKey refuses every call (blocks everything); one that cannot run at all fails open for Claude Code', async () => {
  const w = workspace();
  const gone = path.join(path.dirname(w.ws), 'old-ext', 'twokey.twokey-0.0.1', 'dist', 'cli.js');
  const launcher = writeLauncher(w.state, { node: process.execPath, cli: gone }, 'linux')!;
  install(w.ws, ['claude-code'], (a) => hookCommandLine(a, { node: 'x', cli: 'y', launcher }, 'linux'));
  const [refusing] = await doctor(w.ws, ['claude-code'], { env: w.env });
  assert.equal(refusing.state, 'blocks-everything');
  assert.match(refusing.detail, /TwoKey: refused this call because the TwoKey hook cannot find TwoKey/);
  fs.chmodSync(launcher, 0o644);
  const [broken] = await doctor(w.ws, ['claude-code'], { env: w.env });
  assert.equal(broken.state, 'fails-open');
  assert.match(broken.detail, /exit 126/);
});

test('a launcher pointing at the real CLI is ok, through sh, the launcher and the Node it finds', async () => {
  const w = workspace();
  const launcher = writeLauncher(w.state, { node: process.execPath, cli: CLI }, 'linux')!;
  install(w.ws, ['claude-code', 'windsurf'], (a) => hookCommandLine(a, { node: 'x', cli: 'y', launcher }, 'linux'));
  const r = await doctor(w.ws, ['claude-code', 'windsurf'], { env: w.env });
  assert.deepEqual(r.map((x) => x.state), ['ok', 'ok']);
  assert.match(r[0].command!, /twokey-hook' hook claude-code$|twokey-hook hook claude-code$/);
});

test('an entry removed from the agent file by hand is reported (the install record says it was there)', async () => {
  const w = workspace();
  install(w.ws, ['claude-code'], (a) => hookCommandLine(a, { node: process.execPath, cli: CLI }, 'linux'));
  fs.writeFileSync(path.join(w.ws, '.claude', 'settings.json'), '{ "hooks": { "PreToolUse": [] } }\n');
  const [r] = await doctor(w.ws, ['claude-code'], { env: w.env });
  assert.equal(r.state, 'removed');
  const [never] = await doctor(w.ws, ['codex'], { env: w.env });
  assert.equal(never.state, 'not-installed');
});

test('the CLI: twokey hooks doctor exits 1 and names the failing hook', () => {
  const w = workspace();
  install(w.ws, ['claude-code'], (a) => hookCommandLine(a, { node: '/nonexistent/node', cli: CLI }, 'linux'));
  const r = spawnSync(process.execPath, [CLI, 'hooks', 'doctor', '--agent', 'claude-code', '--cwd', w.ws], { encoding: 'utf8', env: w.env });
  assert.equal(r.status, 1, r.stderr);
  assert.match(r.stdout, /^claude-code +fails-open +a destructive sample call would run \(exit 127/);
});

test('agentBlocks reads each answer as the agent does', () => {
  assert.equal(agentBlocks('claude-code', { code: 1, stdout: '', stderr: 'boom' }), false);
  assert.equal(agentBlocks('claude-code', { code: 2, stdout: '', stderr: 'no' }), true);
  assert.equal(agentBlocks('cursor', { code: 1, stdout: '', stderr: '' }), true);
  assert.equal(agentBlocks('cursor', { code: 0, stdout: '{"permission":"allow"}', stderr: '' }), false);
  assert.equal(agentBlocks('cline', { code: 0, stdout: '{"cancel":true,"errorMessage":"x"}', stderr: '' }), true);
  assert.equal(agentBlocks('windsurf', { code: 1, stdout: '', stderr: '' }), false);
  assert.equal(agentBlocks('copilot-cli', { code: 0, stdout: '{"permissionDecision":"deny"}', stderr: '' }), true);
  assert.equal(agentBlocks('gemini', { code: 0, stdout: '{"decision":"deny","reason":"x"}', stderr: '' }), true);
});
