/**
 * The installer on existing hook files in temp workspaces: it merges (the user's entries and
 * comments stay), Cursor entries fail closed, a reinstall does not duplicate, uninstall removes
 * exactly what install added, status says installed / missing / changed. Also the CLI
 * (`twokey hooks … --dry-run` prints a diff and writes nothing).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse } from 'jsonc-parser';
import type { Agent } from '../../../src/core/hooks/types';
import { hookCommandLine, isTwoKeyCommand, missingPrograms, planInstall, plannedEntries, powershellCommand } from '../../../src/core/hooks/install';
import { applyInstall, applyUninstall, planInstallAll, planUninstallAll, statusAll } from '../../../src/core/hooks/workspaceHooks';

const ROOT = path.resolve(__dirname, '..', '..', '..', '..');
const CLI = path.join(ROOT, 'dist', 'cli.js');
// Programs that exist (status checks that the hook's programs are still there).
const EXE = { node: process.execPath, cli: CLI };
const THREE: Agent[] = ['cursor', 'claude-code', 'copilot'];
const cmd = (a: Agent) => hookCommandLine(a, EXE, 'linux');

function workspace(files: Record<string, string> = {}): string {
  const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'twokey-install-'));
  fs.mkdirSync(path.join(ws, '.git'));
  for (const [f, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(ws, f)), { recursive: true });
    fs.writeFileSync(path.join(ws, f), text);
  }
  return ws;
}

const read = (ws: string, f: string) => fs.readFileSync(path.join(ws, f), 'utf8');
const json = (ws: string, f: string) => parse(read(ws, f)) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const CURSOR_EXISTING = `// project hooks
{
  "version": 1,
  "hooks": {
    "afterFileEdit": [{ "command": "./scripts/format.sh" }],
    "beforeShellExecution": [{ "command": "./scripts/audit.sh", "timeout": 5 }]
  }
}
`;
const CLAUDE_EXISTING = JSON.stringify(
  {
    permissions: { allow: ['Bash(npm test)'] },
    hooks: { PreToolUse: [{ matcher: 'Write', hooks: [{ type: 'command', command: 'prettier --check' }] }], Stop: [{ hooks: [{ type: 'command', command: 'say done' }] }] },
  },
  null,
  2,
);

test('the hook command is absolute Node and absolute cli.js, quoted for the shell; editor binaries run as Node', () => {
  assert.equal(hookCommandLine('cursor', { node: '/usr/local/bin/node', cli: '/opt/twokey/dist/cli.js' }, 'linux'), '/usr/local/bin/node /opt/twokey/dist/cli.js hook cursor');
  assert.equal(hookCommandLine('copilot', { node: '/Applications/Visual Studio Code.app/x/Code Helper', cli: '/e/dist/cli.js', electron: true }, 'darwin'), "ELECTRON_RUN_AS_NODE=1 '/Applications/Visual Studio Code.app/x/Code Helper' /e/dist/cli.js hook copilot");
  assert.ok(isTwoKeyCommand(cmd('claude-code'), 'claude-code'));
  assert.ok(!isTwoKeyCommand(cmd('claude-code'), 'cursor'));
});

test('install merges into existing Cursor and Claude files, keeping the user entries and comments', () => {
  const ws = workspace({ '.cursor/hooks.json': CURSOR_EXISTING, '.claude/settings.json': CLAUDE_EXISTING });
  applyInstall(ws, planInstallAll(ws, ['cursor', 'claude-code', 'copilot'], cmd));

  const cursorText = read(ws, '.cursor/hooks.json');
  assert.match(cursorText, /^\/\/ project hooks/, 'the comment stays');
  const c = json(ws, '.cursor/hooks.json');
  assert.equal(c.version, 1);
  assert.deepEqual(c.hooks.afterFileEdit, [{ command: './scripts/format.sh' }]);
  assert.equal(c.hooks.beforeShellExecution.length, 2);
  assert.deepEqual(c.hooks.beforeShellExecution[0], { command: './scripts/audit.sh', timeout: 5 });
  for (const ev of ['beforeShellExecution', 'beforeMCPExecution', 'beforeReadFile', 'preToolUse']) {
    const ours = c.hooks[ev].find((e: { command: string }) => e.command === cmd('cursor'));
    assert.ok(ours, `${ev} has TwoKey's entry`);
    assert.equal(ours.failClosed, true);
    assert.equal(ours.timeout, 130);
  }

  const cl = json(ws, '.claude/settings.json');
  assert.deepEqual(cl.permissions, { allow: ['Bash(npm test)'] });
  assert.equal(cl.hooks.PreToolUse.length, 2);
  assert.deepEqual(cl.hooks.PreToolUse[0].matcher, 'Write');
  assert.match(cl.hooks.PreToolUse[1].matcher, /Bash/);
  assert.match(cl.hooks.PreToolUse[1].matcher, /mcp__/);
  assert.deepEqual(cl.hooks.PreToolUse[1].hooks, [{ type: 'command', command: cmd('claude-code'), timeout: 130 }]);
  assert.ok(cl.hooks.Stop);

  assert.deepEqual(json(ws, '.github/hooks/twokey.json'), { hooks: { PreToolUse: [{ type: 'command', command: cmd('copilot'), timeout: 130 }] } });
  assert.deepEqual(
    statusAll(ws, THREE).map((s) => s.state),
    ['installed', 'installed', 'installed'],
  );
});

test('a reinstall replaces its own entries instead of adding more', () => {
  const ws = workspace({ '.cursor/hooks.json': CURSOR_EXISTING });
  applyInstall(ws, planInstallAll(ws, ['cursor'], cmd));
  const again = planInstallAll(ws, ['cursor'], cmd);
  assert.equal(again[0].after, again[0].before, 'nothing changes the second time');
  applyInstall(ws, again);
  assert.equal(json(ws, '.cursor/hooks.json').hooks.beforeShellExecution.length, 2);
});

test('uninstall removes exactly what install added, and deletes files TwoKey created', () => {
  const ws = workspace({ '.cursor/hooks.json': CURSOR_EXISTING, '.claude/settings.json': CLAUDE_EXISTING });
  applyInstall(ws, planInstallAll(ws, ['cursor', 'claude-code', 'copilot'], cmd));
  applyUninstall(ws, planUninstallAll(ws, ['cursor', 'claude-code', 'copilot']));
  assert.deepEqual(json(ws, '.cursor/hooks.json'), parse(CURSOR_EXISTING));
  assert.match(read(ws, '.cursor/hooks.json'), /^\/\/ project hooks/);
  assert.deepEqual(json(ws, '.claude/settings.json'), JSON.parse(CLAUDE_EXISTING));
  assert.ok(!fs.existsSync(path.join(ws, '.github/hooks/twokey.json')), 'the Copilot file TwoKey created is gone');
  assert.ok(!fs.existsSync(path.join(ws, '.twokey/agent-hooks.json')), 'and so is the record');
  assert.deepEqual(
    statusAll(ws, THREE).map((s) => s.state),
    ['missing', 'missing', 'missing'],
  );
});

test('status says changed when an installed entry was edited (failClosed removed), and uninstall leaves it', () => {
  const ws = workspace();
  applyInstall(ws, planInstallAll(ws, ['cursor'], cmd));
  const text = read(ws, '.cursor/hooks.json').replace('"failClosed": true', '"failClosed": false');
  fs.writeFileSync(path.join(ws, '.cursor/hooks.json'), text);
  const [st] = statusAll(ws, ['cursor']);
  assert.equal(st.state, 'changed');
  assert.match(st.detail, /beforeShellExecution/);
  const [plan] = planUninstallAll(ws, ['cursor']);
  assert.equal(plan.removed, 3);
  assert.equal(plan.keptChanged, 1);
});

test('status says so when the program a hook runs is gone (an update moved it)', () => {
  const ws = workspace();
  const gone = { node: process.execPath, cli: path.join(ws, 'old-version', 'dist', 'cli.js') };
  applyInstall(ws, planInstallAll(ws, ['cursor'], (a) => hookCommandLine(a, gone, 'linux')));
  const [st] = statusAll(ws, ['cursor']);
  assert.equal(st.state, 'changed');
  assert.match(st.detail, /the program the hook runs is gone \(.*old-version\/dist\/cli\.js\): reinstall/);
  const has = (p: string) => p === '/x/node' || p === "/it's/cli.js";
  assert.deepEqual(missingPrograms("ELECTRON_RUN_AS_NODE=1 /x/node '/it'\\''s/cli.js' hook cursor", has), []);
  assert.deepEqual(missingPrograms("'/home/u/.local/state/twokey/bin/twokey-hook' hook claude-code", has), ['/home/u/.local/state/twokey/bin/twokey-hook']);
  assert.deepEqual(missingPrograms('set ELECTRON_RUN_AS_NODE=1&& "C:\\Code\\Code.exe" "C:\\ext\\cli.js" hook copilot', () => false), ['C:\\Code\\Code.exe', 'C:\\ext\\cli.js']);
});

test('a hook file that is not JSON is refused, never overwritten', () => {
  assert.throws(() => planInstall('claude-code', '{ "hooks": ', cmd('claude-code')), /not a JSON object/);
});

test('twokey hooks install --dry-run prints a diff and writes nothing; install, status, uninstall through the CLI', () => {
  const ws = workspace({ '.claude/settings.json': CLAUDE_EXISTING });
  const env = { ...process.env, HOME: ws };
  const dry = spawnSync(process.execPath, [CLI, 'hooks', 'install', '--agent', 'claude-code', '--dry-run', '--cwd', ws], { encoding: 'utf8', env });
  assert.equal(dry.status, 0, dry.stderr);
  assert.match(dry.stdout, /^--- a\/\.claude\/settings\.json/m);
  assert.match(dry.stdout, /^\+ .*hook claude-code/m);
  assert.match(dry.stdout, /dry run: nothing written/);
  assert.equal(read(ws, '.claude/settings.json'), CLAUDE_EXISTING);

  const inst = spawnSync(process.execPath, [CLI, 'hooks', 'install', '--agent', 'claude-code', '--cwd', ws], { encoding: 'utf8', env });
  assert.equal(inst.status, 0, inst.stderr);
  const installed = json(ws, '.claude/settings.json').hooks.PreToolUse[1].hooks[0].command as string;
  assert.equal(installed, `${process.execPath} ${path.join(path.dirname(CLI), 'hook.js')} hook claude-code`, 'absolute Node and the lean dist/hook.js');

  const st = spawnSync(process.execPath, [CLI, 'hooks', 'status', '--cwd', ws], { encoding: 'utf8', env });
  assert.equal(st.status, 1, 'not every agent is installed');
  assert.match(st.stdout, /^claude-code\s+installed/m);
  assert.match(st.stdout, /^cursor\s+missing/m);

  const un = spawnSync(process.execPath, [CLI, 'hooks', 'uninstall', '--agent', 'claude-code', '--cwd', ws], { encoding: 'utf8', env });
  assert.equal(un.status, 0, un.stderr);
  assert.deepEqual(json(ws, '.claude/settings.json'), JSON.parse(CLAUDE_EXISTING));
});

test('install writes each new agent its own documented hook file; status says installed; uninstall removes them all', () => {
  const ws = workspace({ '.gemini/settings.json': '{ "theme": "dark" }\n' });
  const more: Agent[] = ['codex', 'gemini', 'copilot-cli', 'windsurf', 'cline'];
  applyInstall(ws, planInstallAll(ws, more, cmd));
  const codex = json(ws, '.codex/hooks.json');
  assert.equal(codex.hooks.PreToolUse[0].matcher, 'Bash|apply_patch|Edit|Write|mcp__.*');
  assert.equal(codex.hooks.PreToolUse[0].hooks[0].command, cmd('codex'));
  const gemini = json(ws, '.gemini/settings.json');
  assert.equal(gemini.theme, 'dark', "the user's settings stay");
  assert.equal(gemini.hooks.BeforeTool[0].hooks[0].command, cmd('gemini'));
  assert.equal(gemini.hooks.BeforeTool[0].hooks[0].timeout, 130000, 'Gemini counts milliseconds');
  const cli = json(ws, '.github/hooks/twokey-cli.json');
  assert.deepEqual(cli.hooks.preToolUse, [{ type: 'command', bash: cmd('copilot-cli'), timeoutSec: 130 }]);
  const windsurf = json(ws, '.windsurf/hooks.json');
  assert.deepEqual(Object.keys(windsurf.hooks), ['pre_run_command', 'pre_read_code', 'pre_write_code', 'pre_mcp_tool_use']);
  const script = path.join(ws, '.clinerules', 'hooks', 'PreToolUse');
  assert.equal(fs.readFileSync(script, 'utf8').split('\n').pop(), '');
  assert.match(fs.readFileSync(script, 'utf8'), new RegExp(`^#!/bin/sh\\n.*\\nexec ${cmd('cline').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\n$`));
  assert.ok((fs.statSync(script).mode & 0o111) !== 0, 'the Cline hook is executable');
  assert.deepEqual(statusAll(ws, more).map((s) => s.state), ['installed', 'installed', 'installed', 'installed', 'installed']);
  fs.appendFileSync(script, 'true\n');
  assert.equal(statusAll(ws, ['cline'])[0].state, 'changed');
  applyInstall(ws, planInstallAll(ws, ['cline'], cmd));
  applyUninstall(ws, planUninstallAll(ws, more));
  assert.deepEqual(statusAll(ws, more).map((s) => s.state), ['missing', 'missing', 'missing', 'missing', 'missing']);
  assert.ok(!fs.existsSync(script));
  assert.equal(json(ws, '.gemini/settings.json').theme, 'dark');
  assert.deepEqual(json(ws, '.gemini/settings.json').hooks, {});
});

test("install refuses to replace someone else's Cline hook script", () => {
  const ws = workspace({ '.clinerules/hooks/PreToolUse': '#!/bin/sh\necho \'{"cancel":false}\'\n' });
  assert.throws(() => planInstallAll(ws, ['cline'], cmd), /someone else's hook script/);
});

test('detectAgents finds agents by their programs on PATH, their home folders and their editor extensions', async () => {
  const { detectAgents } = await import('../../../src/core/hooks/detect');
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'twokey-detect-'));
  const bin = path.join(home, 'bin');
  fs.mkdirSync(bin);
  fs.writeFileSync(path.join(bin, 'codex'), '');
  fs.mkdirSync(path.join(home, '.gemini'));
  fs.mkdirSync(path.join(home, '.vscode-server', 'extensions', 'saoudrizwan.claude-dev-3.36.0'), { recursive: true });
  const found = detectAgents({ home, pathEnv: `/nonexistent:${bin}`, exists: fs.existsSync, list: (d) => (fs.existsSync(d) ? fs.readdirSync(d) : []) });
  assert.deepEqual(found.map((f) => f.agent), ['codex', 'gemini', 'cline']);
  assert.equal(found[0].evidence, path.join(bin, 'codex'));
  assert.equal(found[1].evidence, '~/.gemini');
  assert.match(found[2].evidence, /saoudrizwan\.claude-dev-3\.36\.0/);
});

test('Copilot CLI on Windows gets the PowerShell launcher in its powershell field; elsewhere only bash', () => {
  const launcher = "C:\\Users\\o'brien\\AppData\\Local\\twokey\\bin\\twokey-hook.cmd";
  const win = hookCommandLine('copilot-cli', { node: 'C:\\node.exe', cli: 'C:\\x\\cli.js', launcher }, 'win32');
  assert.equal(win, `"${launcher}" hook copilot-cli`);
  const [entry] = plannedEntries('copilot-cli', win);
  assert.deepEqual(entry.entry, {
    type: 'command',
    bash: win,
    powershell: "powershell -NoProfile -ExecutionPolicy Bypass -File 'C:\\Users\\o''brien\\AppData\\Local\\twokey\\bin\\twokey-hook.ps1' hook copilot-cli",
    timeoutSec: 130,
  });
  const posix = hookCommandLine('copilot-cli', { node: '/usr/bin/node', cli: '/x/cli.js', launcher: '/home/u/.local/state/twokey/bin/twokey-hook' }, 'linux');
  assert.equal(plannedEntries('copilot-cli', posix)[0].entry.powershell, undefined);
  assert.equal(powershellCommand('"C:\\node.exe" "C:\\x\\cli.js" hook copilot-cli', 'copilot-cli'), undefined, 'direct Node paths: no launcher to point at');
});
