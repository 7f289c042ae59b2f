/**
 * The pure parts: payload parsing per agent, credential and guard files, MCP classification,
 * the policy's say (a read of a credential file is allowed only by an override), the answer
 * formats, and Copilot's auto-approve rules.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseHookInput, promptCommands, toolKind } from '../../../src/core/hooks/parse';
import { classifyCall, guardFileKind, isCredentialFile, serverLabel } from '../../../src/core/hooks/classify';
import { formatAnswer } from '../../../src/core/hooks/format';
import { autoApproveRules, findLoosening, mergeAutoApprove, riskyCommandWords } from '../../../src/core/hooks/copilotRules';
import { makePolicyOverrides, defaultPolicy } from '../../../src/core/policy';
import type { AgentCall } from '../../../src/core/hooks/types';

const WS = '/work/app';
const HOME = '/home/dev';

function call(p: Partial<AgentCall>): AgentCall {
  return { agent: 'claude-code', event: 'PreToolUse', kind: 'other', tool: 'x', paths: [], cwd: WS, roots: [WS], ...p };
}

test('tool names map to kinds for every agent', () => {
  assert.deepEqual(toolKind('mcp__postgres__query'), { kind: 'mcp', server: 'postgres', mcpTool: 'query' });
  assert.deepEqual(toolKind('mcp_github_delete_repo'), { kind: 'mcp', server: 'github', mcpTool: 'delete_repo' });
  assert.equal(toolKind('run_in_terminal').kind, 'shell');
  assert.equal(toolKind('Bash').kind, 'shell');
  assert.equal(toolKind('read_file').kind, 'read');
  assert.equal(toolKind('multi_replace_string_in_file').kind, 'edit');
  assert.equal(toolKind('WebFetch').kind, 'other');
});

test('Copilot CLI toolArgs (JSON text), apply_patch headers and multi-replace paths are read', () => {
  const r = parseHookInput('copilot', JSON.stringify({ toolName: 'bash', toolArgs: '{"command":"rm -rf x"}', cwd: WS }), '/');
  assert.ok(r.ok && r.call.kind === 'shell' && r.call.command === 'rm -rf x');
  const p = parseHookInput('copilot', JSON.stringify({ hookEventName: 'PreToolUse', cwd: WS, tool_name: 'apply_patch', tool_input: { input: '*** Begin Patch\n*** Update File: .env\n@@\n-A=1\n+A=2\n*** End Patch' } }), '/');
  assert.ok(p.ok);
  assert.deepEqual(p.ok && p.call.paths, [`${WS}/.env`]);
  const m = parseHookInput('copilot', JSON.stringify({ cwd: WS, tool_name: 'multi_replace_string_in_file', tool_input: { replacements: [{ filePath: 'a.ts' }, { filePath: '.claude/settings.json' }] } }), '/');
  assert.deepEqual(m.ok && m.call.paths, [`${WS}/a.ts`, `${WS}/.claude/settings.json`]);
});

test('credential files and guard files', () => {
  for (const f of [`${WS}/.env`, `${WS}/.env.production`, `${WS}/config/prod.env`, `${WS}/certs/tls.pem`, `${WS}/k.key`, `${HOME}/.aws/credentials`, `${HOME}/.kube/config`, `${HOME}/.ssh/id_ed25519`, `${WS}/kubeconfig-prod.yaml`, `${WS}/terraform.tfstate`]) {
    assert.ok(isCredentialFile(f, HOME), f);
  }
  for (const f of [`${WS}/.env.example`, `${WS}/src/env.ts`, `${HOME}/.ssh/id_ed25519.pub`, `${HOME}/.ssh/known_hosts`, `${WS}/README.md`]) {
    assert.ok(!isCredentialFile(f, HOME), f);
  }
  assert.equal(guardFileKind(`${WS}/.twokey/policy.json`, [WS], HOME), 'guard');
  assert.equal(guardFileKind(`${WS}/.twokey/audit.jsonl`, [WS], HOME), 'audit');
  assert.equal(guardFileKind(`${HOME}/.claude/settings.json`, [WS], HOME), 'guard');
  assert.equal(guardFileKind(`${WS}/.github/hooks/x.json`, [WS], HOME), 'guard');
  assert.equal(guardFileKind(`${WS}/.github/workflows/ci.yml`, [WS], HOME), undefined);
});

test('MCP: SQL in arguments, destructive tool names, shell tools, harmless tools', () => {
  const drop = classifyCall(call({ kind: 'mcp', tool: 'mcp__pg__query', server: 'pg', mcpTool: 'query', input: { sql: 'drop table users' } }), { home: HOME });
  assert.equal(drop.decision, 'ask');
  assert.deepEqual(drop.rules, ['db.sql.drop']);
  const sel = classifyCall(call({ kind: 'mcp', tool: 'query', mcpTool: 'query', input: { sql: 'select 1' } }), { home: HOME });
  assert.equal(sel.decision, 'allow');
  const del = classifyCall(call({ kind: 'mcp', tool: 'deleteProject', mcpTool: 'deleteProject', server: 'vercel', input: { name: 'shop' } }), { home: HOME });
  assert.deepEqual(del.rules, ['mcp.destructive-tool']);
  assert.equal(del.category, 'paas');
  const list = classifyCall(call({ kind: 'mcp', tool: 'list_tables', mcpTool: 'list_tables', server: 'supabase', input: {} }), { home: HOME });
  assert.equal(list.decision, 'allow');
  const sh = classifyCall(call({ kind: 'mcp', tool: 'run_command', mcpTool: 'run_command', input: { command: 'rm -rf /' } }), { home: HOME });
  assert.equal(sh.decision, 'ask', 'a shell-running MCP tool without the engine is at least ask');
  const flush = classifyCall(call({ kind: 'mcp', tool: 'mcp__redis__execute', server: 'redis', mcpTool: 'execute', input: { command: 'FLUSHALL' } }), { home: HOME });
  assert.deepEqual(flush.rules, ['db.redis.flush']);
});

test("a credential read is denied unless the policy allows that file", () => {
  const read = call({ kind: 'read', tool: 'Read', paths: [`${WS}/.env.test`] });
  assert.equal(classifyCall(read, { home: HOME, workspaceRoot: WS }).decision, 'deny');
  const policy = defaultPolicy();
  policy.overrides.push({ rule: 'cred.secret-read', paths: ['.env.test'], decision: 'allow', origin: 'workspace' });
  assert.equal(classifyCall(read, { home: HOME, workspaceRoot: WS, overrides: makePolicyOverrides(policy) }).decision, 'allow');
  const other = call({ kind: 'read', tool: 'Read', paths: [`${WS}/.env.production`] });
  assert.equal(classifyCall(other, { home: HOME, workspaceRoot: WS, overrides: makePolicyOverrides(policy) }).decision, 'deny');
});

test('edits of guard and credential files ask; the audit log is critical', () => {
  const v = classifyCall(call({ kind: 'edit', tool: 'Edit', paths: [`${WS}/.twokey/audit.jsonl`] }), { home: HOME });
  assert.equal(v.decision, 'ask');
  assert.equal(v.risk, 'critical');
  assert.equal(classifyCall(call({ kind: 'edit', tool: 'Write', paths: [`${WS}/.env`] }), { home: HOME }).decision, 'ask');
  assert.equal(classifyCall(call({ kind: 'edit', tool: 'Write', paths: [`${WS}/src/a.ts`] }), { home: HOME }).decision, 'allow');
});

test('server labels never carry credentials', () => {
  assert.equal(serverLabel('npx -y @modelcontextprotocol/server-postgres postgresql://u:pw@db/x'), 'server-postgres');
  assert.equal(serverLabel('https://mcp.example.com/sse'), 'mcp.example.com');
  assert.equal(serverLabel('supabase'), 'supabase');
});

test('answers: Cursor never gets ask; Claude/Copilot deny exits 2; harmless is neutral', () => {
  assert.deepEqual(formatAnswer('cursor', { decision: 'neutral' }), { stdout: '{"permission":"allow"}\n', stderr: '', exitCode: 0 });
  const d = formatAnswer('claude-code', { decision: 'deny', agentMessage: 'TwoKey: refused x' });
  assert.equal(d.exitCode, 2);
  assert.deepEqual(JSON.parse(d.stdout), { hookSpecificOutput: { hookEventName: 'PreToolUse', permissionDecision: 'deny', permissionDecisionReason: 'TwoKey: refused x' } });
  assert.equal(JSON.parse(formatAnswer('copilot', { decision: 'allow' }).stdout).hookSpecificOutput.permissionDecision, 'allow');
  assert.deepEqual(JSON.parse(formatAnswer('copilot', { decision: 'neutral' }).stdout), { continue: true });
});

test("Copilot's auto-approve: TwoKey's always-ask rules, and what loosens them", () => {
  const words = riskyCommandWords();
  for (const w of ['rm', 'git', 'terraform', 'kubectl', 'psql', 'railway']) assert.ok(words.includes(w), w);
  const rules = autoApproveRules(words);
  assert.equal(rules.rm, false);
  const merged = mergeAutoApprove({ ls: true, rm: true, '/^npm (test|run lint)$/': true }, words);
  assert.equal(merged.ls, true, "the user's harmless rules stay");
  assert.equal(merged.rm, false, 'a risky rule becomes always ask');
  assert.deepEqual(findLoosening(merged, {}, words), []);
  const loose = findLoosening({ ...merged, 'git push': true, '/.*/': true }, { 'chat.tools.global.autoApprove': true }, words);
  assert.deepEqual(
    loose.map((l) => l.key).sort(),
    ['/.*/', 'chat.tools.global.autoApprove', 'git push'],
  );
  const missing = findLoosening({ ...merged, kubectl: undefined, terraform: { approve: true } }, {}, words);
  assert.ok(missing.some((l) => /missing for .*kubectl/.test(l.reason)));
  assert.ok(missing.some((l) => l.key === 'terraform'));
});

test('a subagent prompt: the commands it spells out (shell blocks, `$` lines, inline command lines), not other code or prose', () => {
  const prompt = [
    'Clean up, then check:',
    '```sh',
    '$ rm -rf dist',
    '# a comment',
    'npm ci',
    '```',
    '```ts',
    'const x = run("rm -rf /");',
    '```',
    '~~~',
    'kubectl --context prod delete ns api',
    '~~~',
    'Also run `terraform destroy -auto-approve` and look at `src/` and `README.md`, or `$ make clean`.',
  ].join('\n');
  assert.deepEqual(promptCommands(prompt), ['rm -rf dist', 'npm ci', 'kubectl --context prod delete ns api', 'terraform destroy -auto-approve', 'make clean']);
  assert.deepEqual(promptCommands('Explain how `useEffect` works in React.'), []);
  const task = parseHookInput('claude-code', JSON.stringify({ hook_event_name: 'PreToolUse', cwd: '/w', tool_name: 'Agent', tool_input: { prompt: 'run `rm -rf build` please', subagent_type: 'general-purpose' } }), '/');
  assert.ok(task.ok);
  assert.deepEqual([task.call.kind, task.call.tool, task.call.command], ['shell', 'Agent', 'rm -rf build']);
  const plain = parseHookInput('claude-code', JSON.stringify({ hook_event_name: 'PreToolUse', cwd: '/w', tool_name: 'Task', tool_input: { prompt: 'Summarise the README.' } }), '/');
  assert.ok(plain.ok);
  assert.equal(plain.call.kind, 'other');
  // Other agents' tools named Task are not subagents.
  const cursor = parseHookInput('codex', JSON.stringify({ hook_event_name: 'PreToolUse', cwd: '/w', tool_name: 'Task', tool_input: { prompt: 'run `rm -rf build`' } }), '/');
  assert.ok(cursor.ok);
  assert.equal(cursor.call.kind, 'other');
});
