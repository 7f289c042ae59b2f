/**
 * `node dist/cli.js hook <agent>` fed recorded payloads of Codex, Gemini CLI, Copilot CLI,
 * Windsurf (Cascade), Cline, Claude Code in the IDEs and Copilot's task tools, with no
 * TwoKey window running: the exact answer in each agent's format, the exit code and the
 * audit record. And the answer masking: a secret in a call never reaches any field of any
 * agent's answer. Needs `npm run build` first.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { AGENTS } from '../../../src/core/hooks/types';
import { formatAnswer, misconfiguredAnswer } from '../../../src/core/hooks/format';

const ROOT = path.resolve(__dirname, '..', '..', '..', '..');
// The lean entry agents run (the launcher picks it); hook-cli.test.ts runs the same payloads through cli.js.
const CLI = path.join(ROOT, 'dist', 'hook.js');
const FULL_CLI = path.join(ROOT, 'dist', 'cli.js');
const FIXTURES = path.join(ROOT, 'test', 'fixtures', 'hooks');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  json: Record<string, unknown>;
  ws: string;
}

function sandbox(): { ws: string; env: NodeJS.ProcessEnv } {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'twokey-agents-'));
  const ws = path.join(base, 'ws');
  for (const d of ['.git', 'src', 'victim']) fs.mkdirSync(path.join(ws, d), { recursive: true });
  for (const d of ['home', 'run', 'state']) fs.mkdirSync(path.join(base, d), { recursive: true });
  return { ws, env: { PATH: process.env.PATH, HOME: path.join(base, 'home'), XDG_RUNTIME_DIR: path.join(base, 'run'), TWOKEY_STATE_DIR: path.join(base, 'state') } };
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

function run(agent: string, name: string, setup?: (ws: string) => void): Run {
  const box = sandbox();
  setup?.(box.ws);
  return hook(agent, fs.readFileSync(path.join(FIXTURES, `${name}.json`), 'utf8').split('__WS__').join(box.ws), box);
}

function audit(ws: string): Record<string, unknown>[] {
  const f = path.join(ws, '.twokey', 'audit.jsonl');
  return fs.existsSync(f) ? fs.readFileSync(f, 'utf8').trim().split('\n').map((l) => JSON.parse(l)) : [];
}

function assertClaudeShapeDeny(r: Run, pattern: RegExp): void {
  assert.equal(r.code, 2, r.stderr);
  assert.deepEqual(Object.keys(r.json), ['hookSpecificOutput']);
  const out = r.json.hookSpecificOutput as Record<string, string>;
  assert.deepEqual(Object.keys(out), ['hookEventName', 'permissionDecision', 'permissionDecisionReason']);
  assert.equal(out.hookEventName, 'PreToolUse');
  assert.equal(out.permissionDecision, 'deny');
  assert.match(out.permissionDecisionReason, /^TwoKey: refused /);
  assert.match(out.permissionDecisionReason, pattern);
  assert.equal(r.stderr.trim(), out.permissionDecisionReason);
}

// ---------- Codex ----------

test('codex: Bash rm -rf is denied (hookSpecificOutput deny, exit 2); git status is left to Codex', () => {
  const r = run('codex', 'codex-bash-rm');
  assertClaudeShapeDeny(r, /`rm -rf victim`.*no TwoKey window is open/);
  const [rec] = audit(r.ws);
  assert.equal(rec.source, 'codex');
  assert.equal(rec.session, '019a6c1e-codex-0000-0000-000000000001');
  const ok = run('codex', 'codex-bash-status');
  assert.equal(ok.code, 0);
  assert.equal(ok.stdout, '{"continue":true}\n');
});

test('codex: apply_patch of .env.production is read from the patch text and stopped', () => {
  assertClaudeShapeDeny(run('codex', 'codex-apply-patch-env'), /`edit \.env\.production`.*cred\.file-edit/);
});

// ---------- Gemini CLI ----------

test('gemini: run_shell_command rm -rf exits 2 with {"decision":"deny","reason"} and the reason on stderr', () => {
  const r = run('gemini', 'gemini-shell-rm');
  assert.equal(r.code, 2);
  assert.deepEqual(Object.keys(r.json), ['decision', 'reason']);
  assert.equal(r.json.decision, 'deny');
  assert.match(String(r.json.reason), /^TwoKey: refused `rm -rf victim`/);
  assert.equal(r.stderr.trim(), r.json.reason);
  assert.equal(audit(r.ws)[0].source, 'gemini');
  assert.equal(audit(r.ws)[0].session, 'gemini-session-0001');
});

test('gemini: ls is left alone ({} exit 0); read_file of .env is denied; an MCP DROP TABLE named by mcp_context is denied', () => {
  const ls = run('gemini', 'gemini-shell-ls');
  assert.equal(ls.code, 0);
  assert.equal(ls.stdout, '{}\n');
  const env = run('gemini', 'gemini-read-env');
  assert.equal(env.code, 2);
  assert.match(String(env.json.reason), /`read \.env`.*cred\.secret-read/);
  const drop = run('gemini', 'gemini-mcp-drop');
  assert.equal(drop.code, 2);
  assert.match(String(drop.json.reason), /db\.sql\.drop/);
});

// ---------- Copilot CLI ----------

test('copilot-cli: bash rm -rf (toolArgs as JSON text) is denied with permissionDecision, exit 0', () => {
  const r = run('copilot-cli', 'copilot-cli-bash-rm');
  assert.equal(r.code, 0);
  assert.deepEqual(Object.keys(r.json), ['permissionDecision', 'permissionDecisionReason']);
  assert.equal(r.json.permissionDecision, 'deny');
  assert.match(String(r.json.permissionDecisionReason), /^TwoKey: refused `rm -rf victim`/);
  assert.equal(audit(r.ws)[0].source, 'copilot-cli');
});

test('copilot-cli: view of a source file is left alone; an edit of its own hook file is stopped', () => {
  const v = run('copilot-cli', 'copilot-cli-view-src');
  assert.equal(v.stdout, '{}\n');
  assert.equal(v.code, 0);
  const e = run('copilot-cli', 'copilot-cli-edit-hooks');
  assert.equal(e.json.permissionDecision, 'deny');
  assert.match(String(e.json.permissionDecisionReason), /`edit \.github\/hooks\/twokey-cli\.json`.*guard\.policy-edit/);
});

test("the copilot-cli entry given VS Code's payload answers in VS Code's shape, and the reverse", () => {
  const box = sandbox();
  const vs = hook('copilot-cli', fs.readFileSync(path.join(FIXTURES, 'copilot-terminal-rm.json'), 'utf8').split('__WS__').join(box.ws), box);
  assertClaudeShapeDeny(vs, /rm -rf victim/);
  const box2 = sandbox();
  const cli = hook('copilot', fs.readFileSync(path.join(FIXTURES, 'copilot-cli-bash-rm.json'), 'utf8').split('__WS__').join(box2.ws), box2);
  assert.equal(cli.json.permissionDecision, 'deny');
});

// ---------- Windsurf ----------

test('windsurf: pre_run_command rm -rf exits 2 with the reason on stderr and nothing on stdout; ls exits 0', () => {
  const r = run('windsurf', 'windsurf-run-rm');
  assert.equal(r.code, 2);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /^TwoKey: refused `rm -rf victim`/);
  assert.equal(audit(r.ws)[0].source, 'windsurf');
  assert.equal(audit(r.ws)[0].session, 'windsurf-trajectory-0001');
  const ls = run('windsurf', 'windsurf-run-ls');
  assert.equal(ls.code, 0);
  assert.equal(ls.stdout + ls.stderr, '');
});

test('windsurf: pre_read_code of .env.production and pre_mcp_tool_use delete_branch are blocked', () => {
  const env = run('windsurf', 'windsurf-read-env');
  assert.equal(env.code, 2);
  assert.match(env.stderr, /`read \.env\.production`.*cred\.secret-read/);
  const mcp = run('windsurf', 'windsurf-mcp-delete');
  assert.equal(mcp.code, 2);
  assert.match(mcp.stderr, /mcp\.destructive-tool.*supabase\.delete_branch deletes br_main_prod/);
});

// ---------- Cline ----------

test('cline: execute_command rm -rf is cancelled ({"cancel":true,"errorMessage"}); read_file of src is not', () => {
  const r = run('cline', 'cline-command-rm');
  assert.equal(r.code, 0);
  assert.deepEqual(Object.keys(r.json), ['cancel', 'errorMessage']);
  assert.equal(r.json.cancel, true);
  assert.match(String(r.json.errorMessage), /^TwoKey: refused `rm -rf victim`/);
  assert.equal(audit(r.ws)[0].source, 'cline');
  assert.equal(audit(r.ws)[0].session, 'cline-task-0001');
  assert.equal(run('cline', 'cline-read-src').stdout, '{"cancel":false}\n');
});

test('cline: write_to_file .env (relative to the workspace root) and use_mcp_tool TRUNCATE are cancelled', () => {
  const w = run('cline', 'cline-write-env');
  assert.equal(w.json.cancel, true);
  assert.match(String(w.json.errorMessage), /`edit \.env`.*cred\.file-edit/);
  const m = run('cline', 'cline-mcp-truncate');
  assert.equal(m.json.cancel, true);
  assert.match(String(m.json.errorMessage), /db\.sql\.truncate.*postgres\.query runs TRUNCATE orders/);
});

// ---------- Claude Code in VS Code / JetBrains, Copilot task tools ----------

test("Claude Code's IDE payload (same format) is read as claude-code", () => {
  const r = run('claude-code', 'claude-vscode-bash-rm');
  assertClaudeShapeDeny(r, /`rm -rf victim`/);
  assert.equal(audit(r.ws)[0].source, 'claude-code');
});

test('claude-code: a Task is judged by the commands its prompt spells out for the subagent; an Agent prompt with only harmless commands is left to Claude Code', () => {
  const r = run('claude-code', 'claude-task-rm');
  assertClaudeShapeDeny(r, /rm -rf victim/);
  const [rec] = audit(r.ws);
  assert.equal(rec.source, 'claude-code');
  assert.equal(rec.command, 'git status --short\nrm -rf victim\ngit diff --stat');
  assert.deepEqual(rec.rules, ['fs.rm.recursive']);
  const ok = run('claude-code', 'claude-agent-explore');
  assert.deepEqual([ok.code, ok.stdout.trim(), ok.stderr], [0, '{"continue":true}', '']);
  assert.deepEqual(audit(ok.ws), []);
});

test('copilot: create_and_run_task is judged by the command its task runs', () => {
  assertClaudeShapeDeny(run('copilot', 'copilot-create-task-rm'), /`rm -rf victim`/);
});

test('copilot: run_vs_code_task is judged by the command of the task in .vscode/tasks.json; an unknown task is refused', () => {
  const tasks = (ws: string) => {
    fs.mkdirSync(path.join(ws, '.vscode'));
    fs.writeFileSync(path.join(ws, '.vscode', 'tasks.json'), '// tasks\n{ "version": "2.0.0", "tasks": [ { "label": "build", "type": "shell", "command": "npm run build" }, { "label": "clean", "type": "shell", "command": "rm -rf victim" } ] }\n');
  };
  assertClaudeShapeDeny(run('copilot', 'copilot-run-task-clean', tasks), /`rm -rf victim`/);
  const missing = run('copilot', 'copilot-run-task-clean');
  assertClaudeShapeDeny(missing, /could not find the task/);
});

// ---------- masking: every field of every answer ----------

const TOKEN = 'abcdefghijklmnop1234567890';
const SECRET_COMMAND = `curl -X DELETE -H "Authorization: Bearer ${TOKEN}" https://api.example.com/v1/items/7`;

test('every agent: a bearer token in a refused command appears in no field of the answer, nor on stderr', () => {
  const payloads: Record<string, (ws: string) => unknown> = {
    cursor: (ws) => ({ hook_event_name: 'beforeShellExecution', command: SECRET_COMMAND, cwd: ws, workspace_roots: [ws] }),
    'claude-code': (ws) => ({ hook_event_name: 'PreToolUse', tool_name: 'Bash', tool_input: { command: SECRET_COMMAND }, cwd: ws, session_id: 's' }),
    copilot: (ws) => ({ hookEventName: 'PreToolUse', tool_name: 'run_in_terminal', tool_input: { command: SECRET_COMMAND }, cwd: ws, sessionId: 's' }),
    codex: (ws) => ({ hook_event_name: 'PreToolUse', tool_name: 'Bash', tool_input: { command: SECRET_COMMAND }, cwd: ws, session_id: 's' }),
    gemini: (ws) => ({ hook_event_name: 'BeforeTool', tool_name: 'run_shell_command', tool_input: { command: SECRET_COMMAND }, cwd: ws, session_id: 's' }),
    'copilot-cli': (ws) => ({ cwd: ws, toolName: 'bash', toolArgs: JSON.stringify({ command: SECRET_COMMAND }) }),
    windsurf: (ws) => ({ agent_action_name: 'pre_run_command', tool_info: { command_line: SECRET_COMMAND, cwd: ws } }),
    cline: (ws) => ({ hookName: 'PreToolUse', workspaceRoots: [ws], preToolUse: { toolName: 'execute_command', parameters: { command: SECRET_COMMAND } } }),
  };
  assert.deepEqual(Object.keys(payloads).sort(), [...AGENTS].sort(), 'a payload for every agent');
  for (const agent of AGENTS) {
    const box = sandbox();
    const r = hook(agent, JSON.stringify(payloads[agent](box.ws)), box);
    assert.match(r.stdout + r.stderr, /refused/, `${agent} refused`);
    assert.match(r.stdout + r.stderr, /Bearer \*\*\*\*/, `${agent} shows the masked form`);
    assert.ok(!(r.stdout + r.stderr).includes(TOKEN.slice(0, 8)), `${agent}: the token leaked: ${r.stdout}${r.stderr}`);
    assert.ok(!JSON.stringify(audit(box.ws)).includes(TOKEN.slice(0, 8)), `${agent}: the token reached the audit record`);
  }
});

test('formatAnswer masks every message field for every agent and decision (the one exit of every answer)', () => {
  const secret = `GITHUB_TOKEN=ghp_${'Z'.repeat(36)}`;
  for (const agent of AGENTS) {
    for (const decision of ['deny', 'allow'] as const) {
      const a = formatAnswer(agent, { decision, agentMessage: `TwoKey: refused \`${secret}\``, userMessage: `stopped ${secret}` });
      assert.ok(!(a.stdout + a.stderr).includes('Z'.repeat(12)), `${agent}/${decision}: ${a.stdout}${a.stderr}`);
    }
  }
  const m = misconfiguredAnswer();
  assert.equal(m.exitCode, 2);
  const j = JSON.parse(m.stdout);
  assert.equal(j.permission, 'deny');
  assert.equal(j.decision, 'deny');
  assert.equal(j.permissionDecision, 'deny');
  assert.equal(j.cancel, true);
});

test('dist/hook.js and dist/cli.js give the same answer to every recorded payload', () => {
  for (const f of fs.readdirSync(FIXTURES).filter((n) => n.endsWith('.json'))) {
    const agent = ['claude-code', 'copilot-cli', 'cursor', 'copilot', 'codex', 'gemini', 'windsurf', 'cline'].find((a) => f.startsWith(`${a === 'claude-code' ? 'claude' : a}-`));
    assert.ok(agent, f);
    const box = sandbox();
    fs.mkdirSync(path.join(box.ws, '.vscode'));
    fs.writeFileSync(path.join(box.ws, '.vscode', 'tasks.json'), '{ "tasks": [ { "label": "clean", "type": "shell", "command": "rm -rf victim" } ] }');
    const input = fs.readFileSync(path.join(FIXTURES, f), 'utf8').split('__WS__').join(box.ws);
    const lean = spawnSync(process.execPath, [CLI, 'hook', agent], { input, encoding: 'utf8', env: box.env, cwd: box.ws });
    const full = spawnSync(process.execPath, [FULL_CLI, 'hook', agent], { input, encoding: 'utf8', env: box.env, cwd: box.ws });
    assert.equal(lean.stdout, full.stdout, f);
    assert.equal(lean.status, full.status, f);
  }
});

test('dist/hook.js hands every other command to the full CLI', () => {
  const r = spawnSync(process.execPath, [CLI, 'check', '--', 'rm', '-rf', '/'], { encoding: 'utf8' });
  const f = spawnSync(process.execPath, [FULL_CLI, 'check', '--', 'rm', '-rf', '/'], { encoding: 'utf8' });
  assert.equal(r.status, 1, r.stderr);
  assert.match(r.stdout, /^ask \(critical, fs\.rm\.root\b/);
  assert.equal(r.stdout, f.stdout);
});
