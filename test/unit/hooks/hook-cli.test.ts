/**
 * `node dist/cli.js hook <agent>` fed recorded payloads of Cursor, Claude Code and Copilot
 * (shell, MCP, read, edit), with no TwoKey window running: the exact answer on stdout, the
 * exit code, and the audit record written by the hook itself. Needs `npm run build` first.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..', '..', '..');
const CLI = path.join(ROOT, 'dist', 'cli.js');
const FIXTURES = path.join(ROOT, 'test', 'fixtures', 'hooks');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  json: Record<string, unknown>;
  ws: string;
}

function sandbox(): { ws: string; env: NodeJS.ProcessEnv } {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'twokey-hook-'));
  const ws = path.join(base, 'ws');
  for (const d of ['.git', 'src', 'victim']) fs.mkdirSync(path.join(ws, d), { recursive: true });
  for (const d of ['home', 'run', 'state']) fs.mkdirSync(path.join(base, d), { recursive: true });
  return {
    ws,
    env: { PATH: process.env.PATH, HOME: path.join(base, 'home'), XDG_RUNTIME_DIR: path.join(base, 'run'), TWOKEY_STATE_DIR: path.join(base, 'state') },
  };
}

function hook(agent: string, input: string, box = sandbox()): Run {
  const r = spawnSync(process.execPath, [CLI, 'hook', agent], { input, encoding: 'utf8', env: box.env, cwd: box.ws });
  let json: Record<string, unknown> = {};
  try {
    json = JSON.parse(r.stdout);
  } catch {
    /* asserted by the caller */
  }
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, json, ws: box.ws };
}

function fixture(name: string, ws: string): string {
  return fs.readFileSync(path.join(FIXTURES, `${name}.json`), 'utf8').split('__WS__').join(ws);
}

function run(agent: string, name: string): Run {
  const box = sandbox();
  return hook(agent, fixture(name, box.ws), box);
}

function audit(ws: string): Record<string, unknown>[] {
  const f = path.join(ws, '.twokey', 'audit.jsonl');
  return fs.existsSync(f) ? fs.readFileSync(f, 'utf8').trim().split('\n').map((l) => JSON.parse(l)) : [];
}

const NEUTRAL = { continue: true };

function assertClaudeDeny(r: Run, pattern: RegExp): string {
  assert.equal(r.code, 2, r.stderr);
  const out = r.json.hookSpecificOutput as Record<string, string>;
  assert.deepEqual(Object.keys(r.json), ['hookSpecificOutput']);
  assert.deepEqual(Object.keys(out).sort(), ['hookEventName', 'permissionDecision', 'permissionDecisionReason']);
  assert.equal(out.hookEventName, 'PreToolUse');
  assert.equal(out.permissionDecision, 'deny');
  assert.match(out.permissionDecisionReason, /^TwoKey: refused /);
  assert.match(out.permissionDecisionReason, pattern);
  assert.equal(r.stderr.trim(), out.permissionDecisionReason, 'the same reason on stderr (exit 2 shows stderr to the model)');
  return out.permissionDecisionReason;
}

function assertCursorDeny(r: Run, pattern: RegExp): Record<string, string> {
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(Object.keys(r.json), ['permission', 'user_message', 'agent_message']);
  assert.equal(r.json.permission, 'deny');
  assert.match(String(r.json.agent_message), /^TwoKey: refused /);
  assert.match(String(r.json.agent_message), pattern);
  return r.json as Record<string, string>;
}

// ---------- Cursor ----------

test('cursor: a harmless shell command is allowed at once, with nothing recorded', () => {
  const r = run('cursor', 'cursor-shell-ls');
  assert.equal(r.code, 0);
  assert.equal(r.stdout, '{"permission":"allow"}\n');
  assert.deepEqual(audit(r.ws), []);
});

test('cursor: rm -rf with no TwoKey window is denied (never ask), saying how the user can approve', () => {
  const r = run('cursor', 'cursor-shell-rm');
  const out = assertCursorDeny(r, /`rm -rf victim`.*fs\.rm\.recursive.*no TwoKey window is open/);
  assert.match(out.agent_message, /Do not retry it or work around it/);
  assert.match(out.user_message, /open .* in VS Code or Cursor with the TwoKey extension running/);
  assert.match(out.user_message, /TwoKey-guarded terminal/);
  assert.doesNotMatch(r.stdout, /"ask"/);
  const [rec] = audit(r.ws);
  assert.equal(rec.source, 'cursor');
  assert.equal(rec.session, 'c0ffee00-1111-4a4a-9b9b-000000000002');
  assert.equal(rec.decision, 'denied');
  assert.equal(rec.command, 'rm -rf victim');
});

test('cursor: an MCP DROP TABLE on a production database is refused; the connection secret stays masked', () => {
  const r = run('cursor', 'cursor-mcp-drop');
  assertCursorDeny(r, /in production \(db\.sql\.drop.*server-postgres\.query runs DROP TABLE users/);
  assert.doesNotMatch(r.stdout, /s3cret/);
  const [rec] = audit(r.ws);
  assert.equal(rec.environment, 'production');
  assert.deepEqual(rec.rules, ['db.sql.drop']);
  assert.doesNotMatch(JSON.stringify(rec), /s3cret/);
});

test('cursor: an MCP SELECT is allowed', () => {
  const r = run('cursor', 'cursor-mcp-select');
  assert.equal(r.stdout, '{"permission":"allow"}\n');
  assert.equal(r.code, 0);
});

test('cursor: beforeReadFile of .env is denied by policy; of a source file allowed', () => {
  const env = run('cursor', 'cursor-read-env');
  assertCursorDeny(env, /`read \.env`.*cred\.secret-read.*the policy forbids it/);
  assert.equal(audit(env.ws)[0].decision, 'denied');
  const src = run('cursor', 'cursor-read-src');
  assert.equal(src.stdout, '{"permission":"allow"}\n');
});

test("cursor: an edit of .cursor/hooks.json (preToolUse) is stopped for a person's approval", () => {
  const r = run('cursor', 'cursor-edit-hooks');
  assertCursorDeny(r, /`edit \.cursor\/hooks\.json`.*guard\.policy-edit/);
});

test('cursor: afterFileEdit of .env.production cannot be stopped; it is recorded as observed', () => {
  const r = run('cursor', 'cursor-after-edit-env');
  assert.equal(r.code, 0);
  assert.equal(r.stdout, '{}\n');
  const [rec] = audit(r.ws);
  assert.equal(rec.decision, 'observed');
  assert.deepEqual(rec.rules, ['cred.file-edit']);
});

// ---------- Claude Code ----------

test('claude-code: git status is left to Claude Code (no allow that would skip its own prompts)', () => {
  const r = run('claude-code', 'claude-bash-status');
  assert.equal(r.code, 0);
  assert.deepEqual(r.json, NEUTRAL);
});

test('claude-code: rm -rf exits 2 with a deny, in bypassPermissions mode too', () => {
  const r = run('claude-code', 'claude-bash-rm');
  assertClaudeDeny(r, /`rm -rf victim`.*no TwoKey window is open.*open .* with the TwoKey extension running/);
  const [rec] = audit(r.ws);
  assert.equal(rec.source, 'claude-code');
  assert.equal(rec.session, '5b1c9a2e-0d7e-4c55-b7a1-claude000002');
});

test('claude-code: an MCP delete_* tool is stopped', () => {
  const r = run('claude-code', 'claude-mcp-delete');
  assertClaudeDeny(r, /mcp\.destructive-tool.*supabase\.delete_branch deletes br_main_prod/);
});

test('claude-code: Read of .env.production is denied; Edit of .twokey/policy.json is stopped; Write of src is left alone', () => {
  assertClaudeDeny(run('claude-code', 'claude-read-env'), /`read \.env\.production`.*cred\.secret-read/);
  assertClaudeDeny(run('claude-code', 'claude-edit-policy'), /`edit \.twokey\/policy\.json`.*guard\.policy-edit/);
  const w = run('claude-code', 'claude-write-src');
  assert.deepEqual(w.json, NEUTRAL);
  assert.equal(w.code, 0);
});

// ---------- Copilot ----------

test('copilot: run_in_terminal rm -rf is denied with exit 2; npm test is left alone', () => {
  const r = run('copilot', 'copilot-terminal-rm');
  assertClaudeDeny(r, /`rm -rf victim`/);
  assert.equal(audit(r.ws)[0].source, 'copilot');
  assert.equal(audit(r.ws)[0].session, 'copilot-session-0001');
  assert.deepEqual(run('copilot', 'copilot-terminal-test').json, NEUTRAL);
});

test('copilot: read_file of a .key, an MCP TRUNCATE and an edit of .github/hooks are refused', () => {
  assertClaudeDeny(run('copilot', 'copilot-read-key'), /`read certs\/server\.key`.*cred\.secret-read/);
  assertClaudeDeny(run('copilot', 'copilot-mcp-truncate'), /db\.sql\.truncate.*postgres\.execute_sql runs TRUNCATE orders/);
  assertClaudeDeny(run('copilot', 'copilot-edit-github-hooks'), /`edit \.github\/hooks\/twokey\.json`.*guard\.policy-edit/);
});

test("VS Code's payload given to the claude-code hook (VS Code runs .claude/settings.json) is recorded as copilot", () => {
  const box = sandbox();
  const r = hook('claude-code', fixture('copilot-terminal-rm', box.ws), box);
  assertClaudeDeny(r, /rm -rf victim/);
  assert.equal(audit(r.ws)[0].source, 'copilot');
});

// ---------- broken input ----------

test('empty or broken input is denied in the agent format, with a clear message', () => {
  const c = hook('cursor', '');
  assertCursorDeny(c, /no input on stdin/);
  const j = hook('claude-code', '{"tool_name": "Bash", ');
  assertClaudeDeny(j, /not JSON/);
  const k = hook('copilot', '{"tool_name":"run_in_terminal","tool_input":{}}');
  assertClaudeDeny(k, /run_in_terminal without a command/);
  const u = hook('no-such-agent', '{}');
  assert.equal(u.code, 2);
  assert.equal(u.json.permission, 'deny');
});

test('no approval token or code is shown to the agent', () => {
  for (const [agent, name] of [
    ['cursor', 'cursor-shell-rm'],
    ['claude-code', 'claude-bash-rm'],
    ['copilot', 'copilot-mcp-truncate'],
  ]) {
    const r = run(agent, name);
    assert.doesNotMatch(r.stdout + r.stderr, /token|code:|approve with|--approve|TWOKEY_/i);
  }
});
