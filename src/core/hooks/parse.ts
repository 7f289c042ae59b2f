/**
 * Reads each agent's hook payload into an `AgentCall`.
 *
 * - Cursor: `hook_event_name` in camelCase (`beforeShellExecution` {command, cwd},
 *   `beforeMCPExecution` {tool_name, tool_input (object or JSON text), url | command},
 *   `beforeReadFile` {file_path}, `afterFileEdit` {file_path}, `preToolUse` {tool_name, tool_input}),
 *   `conversation_id`, `workspace_roots`.
 * - Claude Code: `PreToolUse` with `tool_name` (`Bash`, `Read`, `Edit`, `Write`, `MultiEdit`,
 *   `NotebookEdit`, `mcp__<server>__<tool>`, `Task`/`Agent`), `tool_input`, `cwd`, `session_id`.
 * - Copilot in VS Code: `PreToolUse` with `tool_name` (`run_in_terminal`, `read_file`,
 *   `create_file`, `replace_string_in_file`, `apply_patch`, `mcp_<server>_<tool>`, …),
 *   `tool_input`, `cwd`, `sessionId`, `hookEventName`. Copilot CLI spells them
 *   `toolName` / `toolArgs` (JSON text).
 *
 * VS Code also runs the hooks it finds in `.claude/settings.json` with its own payload, so a
 * payload in VS Code's shape given to `twokey hook claude-code` is read as Copilot's.
 */
import * as path from 'node:path';
import type { Agent, AgentCall, CallKind } from './types';
import { shellQuote } from '../argv';

export type ParseResult = { ok: true; call: AgentCall } | { ok: false; error: string };

const SHELL_TOOLS = new Set(['bash', 'shell', 'run_in_terminal', 'runterminalcommand', 'run_terminal_cmd', 'terminal', 'powershell', 'execute_command', 'run_shell_command', 'local_shell', 'exec_command']);
const READ_TOOLS = new Set(['read', 'read_file', 'readfile', 'view', 'copilot_readfile', 'notebookread', 'read_notebook_cell_output', 'read_many_files']);
/** Tools that run a VS Code task: classified by the command the task runs (taskCall below). */
const TASK_TOOLS = new Set(['create_and_run_task', 'run_vs_code_task', 'run_task', 'copilot_createandruntask', 'copilot_runtask']);
const EDIT_TOOLS = new Set([
  'edit',
  'write',
  'multiedit',
  'notebookedit',
  'create',
  'create_file',
  'replace_string_in_file',
  'multi_replace_string_in_file',
  'insert_edit_into_file',
  'edit_notebook_file',
  'apply_patch',
  'copilot_applypatch',
  'strreplace',
  'str_replace_editor',
  'delete',
  'delete_file',
  'tabwrite',
  'editfiles',
  'edit_files',
  'write_file',
  'replace',
  'str_replace',
  'write_to_file',
  'replace_in_file',
]);

function asObject(v: unknown): Record<string, unknown> | undefined {
  if (typeof v === 'string') {
    try {
      v = JSON.parse(v);
    } catch {
      return undefined;
    }
  }
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** Which kind of call a tool name is, and for MCP tools their server and tool names. */
export function toolKind(tool: string): { kind: CallKind; server?: string; mcpTool?: string } {
  const t = tool.trim();
  let m: RegExpExecArray | null;
  if ((m = /^mcp__(.+?)__(.+)$/.exec(t))) return { kind: 'mcp', server: m[1], mcpTool: m[2] };
  if ((m = /^MCP:\s*(?:([^:]+):)?\s*(.+)$/i.exec(t))) return { kind: 'mcp', server: m[1], mcpTool: m[2] };
  // VS Code names MCP tools mcp_<server>_<tool>; server names may hold underscores, so the split is a guess.
  if ((m = /^mcp_([^_]+)_(.+)$/.exec(t))) return { kind: 'mcp', server: m[1], mcpTool: m[2] };
  const lower = t.toLowerCase();
  if (SHELL_TOOLS.has(lower)) return { kind: 'shell' };
  if (READ_TOOLS.has(lower)) return { kind: 'read' };
  if (EDIT_TOOLS.has(lower)) return { kind: 'edit' };
  if (lower === 'grep' || lower === 'glob' || lower === 'ls') return { kind: 'read' };
  return { kind: 'other' };
}

/** Files a tool's input names: `file_path`, `filePath`, `path`, `notebook_path`, `files`, `replacements[].filePath`, patch headers. */
export function inputPaths(input: Record<string, unknown> | undefined, kind: CallKind): string[] {
  if (!input) return [];
  const out: string[] = [];
  for (const k of ['file_path', 'filePath', 'path', 'absolute_path', 'notebook_path', 'target_file', 'targetFile', 'file', 'uri']) {
    const v = str(input[k]);
    if (v) out.push(v.replace(/^file:\/\//, ''));
  }
  for (const k of ['files', 'paths', 'filePaths']) {
    const v = input[k];
    if (Array.isArray(v)) for (const f of v) if (typeof f === 'string') out.push(f);
  }
  for (const k of ['replacements', 'edits']) {
    const v = input[k];
    if (Array.isArray(v)) for (const r of v) {
      const p = str(asObject(r)?.filePath) ?? str(asObject(r)?.file_path);
      if (p) out.push(p);
    }
  }
  if (kind === 'edit') {
    const patch = str(input.input) ?? str(input.patch) ?? (typeof input.command === 'string' && input.command.includes('*** ') ? input.command : undefined);
    if (patch) for (const m of patch.matchAll(/^\*\*\* (?:Add|Update|Delete) File:\s*(.+?)\s*$/gm)) out.push(m[1]);
  }
  return [...new Set(out)];
}

function absolute(p: string, cwd: string): string {
  return path.isAbsolute(p) ? path.normalize(p) : path.resolve(cwd, p);
}

/** Parse a hook payload (the text on stdin). */
export function parseHookInput(agent: Agent, text: string, fallbackCwd: string): ParseResult {
  if (!text.trim()) return { ok: false, error: 'the hook received no input on stdin' };
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    return { ok: false, error: `the hook input is not JSON (${(e as Error).message})` };
  }
  const p = asObject(raw);
  if (!p) return { ok: false, error: 'the hook input is not a JSON object' };

  // VS Code runs Claude's hook files with its own payload: believe the payload.
  if (agent === 'claude-code' && p.hook_event_name === undefined && (p.hookEventName !== undefined || p.sessionId !== undefined)) agent = 'copilot';
  // VS Code and Copilot CLI both read `.github/hooks/*.json`: the payload says which one runs.
  if (agent === 'copilot-cli' && p.hookEventName !== undefined) agent = 'copilot';
  else if (agent === 'copilot' && p.hookEventName === undefined && p.tool_name === undefined && p.toolName !== undefined) agent = 'copilot-cli';

  if (agent === 'windsurf') return parseWindsurf(p, fallbackCwd);
  if (agent === 'cline') return parseCline(p, fallbackCwd);

  const roots = Array.isArray(p.workspace_roots) ? p.workspace_roots.filter((r): r is string => typeof r === 'string' && r !== '') : [];
  const cwd = path.resolve(str(p.cwd) ?? roots[0] ?? fallbackCwd);
  const session = str(p.conversation_id) ?? str(p.session_id) ?? str(p.sessionId) ?? str(p.generation_id);
  const event = str(p.hook_event_name) ?? str(p.hookEventName) ?? (agent === 'cursor' ? '' : 'PreToolUse');
  const base = { agent, event, cwd, roots: roots.length ? roots.map((r) => path.resolve(r)) : [cwd], session };

  if (agent === 'cursor') {
    switch (event) {
      case 'beforeShellExecution': {
        const command = typeof p.command === 'string' ? p.command : undefined;
        if (command === undefined) return { ok: false, error: 'beforeShellExecution without a command' };
        return { ok: true, call: { ...base, kind: 'shell', tool: 'Shell', command, paths: [] } };
      }
      case 'beforeMCPExecution': {
        const tool = str(p.tool_name);
        if (!tool) return { ok: false, error: 'beforeMCPExecution without a tool_name' };
        const input = asObject(p.tool_input) ?? {};
        const server = str(p.server_name) ?? str(p.url) ?? str(p.command);
        const named = toolKind(tool);
        return {
          ok: true,
          call: { ...base, kind: 'mcp', tool, server: named.server ?? server, mcpTool: named.mcpTool ?? tool, input, paths: inputPaths(input, 'mcp').map((f) => absolute(f, cwd)) },
        };
      }
      case 'beforeReadFile':
      case 'afterFileEdit': {
        const file = str(p.file_path) ?? str(p.filePath);
        if (!file) return { ok: false, error: `${event} without a file_path` };
        const read = event === 'beforeReadFile';
        return {
          ok: true,
          call: { ...base, kind: read ? 'read' : 'edit', tool: read ? 'Read' : 'Edit', paths: [absolute(file, cwd)], observeOnly: !read },
        };
      }
      case 'preToolUse':
      case 'beforeToolUse':
        break; // same shape as the others below
      default:
        if (p.tool_name === undefined) return { ok: false, error: `TwoKey does not handle the Cursor hook event '${event || '(none)'}'` };
    }
  }

  const tool = str(p.tool_name) ?? str(p.toolName);
  if (!tool) return { ok: false, error: 'the hook input has no tool_name' };
  const input = asObject(p.tool_input) ?? asObject(p.toolArgs) ?? asObject(p.tool_args) ?? {};
  return toolCall(base, tool, input, asObject(p.mcp_context));
}

/** A tool call in the common shape (tool name + input object), for every agent that has one. */
function toolCall(base: Omit<AgentCall, 'kind' | 'tool' | 'paths'>, tool: string, input: Record<string, unknown>, mcpContext?: Record<string, unknown>): ParseResult {
  const cwd = base.cwd;
  if (TASK_TOOLS.has(tool.toLowerCase())) return taskCall(base, tool, input);
  if (SUBAGENT_TOOLS.has(tool) && (base.agent === 'claude-code' || base.agent === 'copilot')) return subagentCall(base, tool, input);
  const named = toolKind(tool);
  // Gemini CLI says which MCP server a tool belongs to beside the call.
  if (mcpContext && named.kind === 'other') {
    const server = str(mcpContext.server_name) ?? str(mcpContext.serverName);
    if (server) return { ok: true, call: { ...base, kind: 'mcp', tool, server, mcpTool: str(mcpContext.tool_name) ?? tool, input, paths: inputPaths(input, 'mcp').map((f) => absolute(f, cwd)) } };
  }
  const paths = inputPaths(input, named.kind).map((f) => absolute(f, cwd));
  const call: AgentCall = { ...base, kind: named.kind, tool, input, paths };
  if (named.kind === 'shell') {
    const command = typeof input.command === 'string' ? input.command : typeof input.cmd === 'string' ? input.cmd : undefined;
    if (command === undefined) return { ok: false, error: `${tool} without a command in its input` };
    call.command = command;
    const dir = str(input.cwd) ?? str(input.workdir) ?? str(input.dir_path) ?? str(input.directory);
    if (dir) call.cwd = absolute(dir, cwd);
  } else if (named.kind === 'mcp') {
    call.server = named.server;
    call.mcpTool = named.mcpTool;
  }
  return { ok: true, call };
}

/**
 * A tool that runs a VS Code task (Copilot's `create_and_run_task`, `run_vs_code_task`): a
 * shell call whose command is the task's. A task defined in the call is read here; a task
 * named by its label is looked up in `.vscode/tasks.json` by the hook (resolveTaskCommand).
 */
function taskCall(base: Omit<AgentCall, 'kind' | 'tool' | 'paths'>, tool: string, input: Record<string, unknown>): ParseResult {
  const folder = str(input.workspaceFolder);
  const cwd = folder ? absolute(folder, base.cwd) : base.cwd;
  const task = asObject(input.task);
  const call: AgentCall = { ...base, cwd, kind: 'shell', tool, input, paths: [] };
  if (task) {
    const line = taskCommandLine(task);
    if (line === undefined) return { ok: false, error: `${tool} without a command in its task` };
    call.command = line;
    const dir = str(asObject(task.options)?.cwd);
    if (dir) call.cwd = absolute(dir.replace(/\$\{workspaceFolder\}/g, cwd), cwd);
  }
  return { ok: true, call };
}

/**
 * Claude Code's `Task` (named `Agent` in later releases) hands a prompt to a subagent. The
 * subagent's own tool calls do not reliably reach PreToolUse hooks (in some releases the
 * hooks do not run for them, in others their refusal is ignored), so the hook judges the
 * subagent's work by the commands its prompt spells out: fenced shell blocks (untagged or
 * tagged bash, sh, shell, zsh, console) and inline code that reads as a command line. They
 * are checked as one script, the subagent's; a prompt that spells out none is left to Claude
 * Code.
 */
const SUBAGENT_TOOLS = new Set(['Task', 'Agent']);

export function promptCommands(prompt: string): string[] {
  const out: string[] = [];
  const fenced = /^[ \t]*(`{3,}|~{3,})[ \t]*([\w+-]*)[^\n]*\n([\s\S]*?)^[ \t]*\1[ \t]*$/gm;
  let rest = prompt;
  for (const m of prompt.matchAll(fenced)) {
    rest = rest.replace(m[0], ' ');
    if (m[2] && !/^(?:bash|sh|shell|zsh|console|shell-session|terminal)$/i.test(m[2])) continue;
    for (const line of m[3].split('\n')) {
      const l = line.replace(/^\s*[$%]\s+/, '').trim();
      if (l && !l.startsWith('#')) out.push(l);
    }
  }
  // Inline code that is a command with arguments: `rm -rf build`, `kubectl delete ns api`.
  for (const m of rest.matchAll(/`([^`\n]+)`/g)) {
    const c = m[1].replace(/^\$\s+/, '').trim();
    if (/^(?:sudo\s+)?[A-Za-z_.\/~][\w.\/~+-]*\s+\S/.test(c)) out.push(c);
  }
  return out;
}

function subagentCall(base: Omit<AgentCall, 'kind' | 'tool' | 'paths'>, tool: string, input: Record<string, unknown>): ParseResult {
  const prompt = str(input.prompt) ?? '';
  const commands = promptCommands(prompt);
  if (!commands.length) return { ok: true, call: { ...base, kind: 'other', tool, input, paths: [] } };
  return { ok: true, call: { ...base, kind: 'shell', tool, input, command: commands.join('\n'), paths: [] } };
}

/** The command line a tasks.json task runs (shell tasks as written; process tasks quoted word by word). */
export function taskCommandLine(task: Record<string, unknown>): string | undefined {
  const command = str(task.command);
  if (!command) return undefined;
  const args = Array.isArray(task.args)
    ? task.args.map((a) => (typeof a === 'string' ? a : str(asObject(a)?.value))).filter((a): a is string => a !== undefined)
    : [];
  if (task.type === 'process') return [command, ...args].map(shellQuote).join(' ');
  return [command, ...args].join(' ');
}

/** Windsurf's Cascade pre-hooks: `agent_action_name` and a `tool_info` object. */
function parseWindsurf(p: Record<string, unknown>, fallbackCwd: string): ParseResult {
  const event = str(p.agent_action_name) ?? '';
  const info = asObject(p.tool_info) ?? {};
  const cwd = path.resolve(str(info.cwd) ?? fallbackCwd);
  const base = { agent: 'windsurf' as const, event, cwd, roots: [cwd], session: str(p.trajectory_id) ?? str(p.execution_id) };
  switch (event) {
    case 'pre_run_command': {
      const command = typeof info.command_line === 'string' ? info.command_line : undefined;
      if (command === undefined) return { ok: false, error: 'pre_run_command without a command_line' };
      return { ok: true, call: { ...base, kind: 'shell', tool: 'run_command', command, paths: [] } };
    }
    case 'pre_read_code':
    case 'pre_write_code': {
      const file = str(info.file_path);
      if (!file) return { ok: false, error: `${event} without a file_path` };
      const read = event === 'pre_read_code';
      return { ok: true, call: { ...base, kind: read ? 'read' : 'edit', tool: read ? 'read_code' : 'write_code', paths: [absolute(file, cwd)] } };
    }
    case 'pre_mcp_tool_use': {
      const tool = str(info.mcp_tool_name);
      if (!tool) return { ok: false, error: 'pre_mcp_tool_use without an mcp_tool_name' };
      const input = asObject(info.mcp_tool_arguments) ?? {};
      return { ok: true, call: { ...base, kind: 'mcp', tool, server: str(info.mcp_server_name), mcpTool: tool, input, paths: inputPaths(input, 'mcp').map((f) => absolute(f, cwd)) } };
    }
    default:
      if (event.startsWith('post_') || event === 'pre_user_prompt') return { ok: true, call: { ...base, kind: 'other', tool: event, paths: [] } };
      return { ok: false, error: `TwoKey does not handle the Windsurf hook event '${event || '(none)'}'` };
  }
}

/** Cline's `PreToolUse` hook file: `preToolUse: {toolName, parameters}` (parameters as strings). */
function parseCline(p: Record<string, unknown>, fallbackCwd: string): ParseResult {
  const roots = Array.isArray(p.workspaceRoots) ? p.workspaceRoots.filter((r): r is string => typeof r === 'string' && r !== '').map((r) => path.resolve(r)) : [];
  const cwd = roots[0] ?? path.resolve(fallbackCwd);
  const event = str(p.hookName) ?? 'PreToolUse';
  const base = { agent: 'cline' as const, event, cwd, roots: roots.length ? roots : [cwd], session: str(p.taskId) };
  const pre = asObject(p.preToolUse);
  if (!pre) {
    if (event !== 'PreToolUse') return { ok: true, call: { ...base, kind: 'other', tool: event, paths: [] } };
    return { ok: false, error: 'the Cline hook input has no preToolUse' };
  }
  const tool = str(pre.toolName);
  if (!tool) return { ok: false, error: 'the Cline hook input has no toolName' };
  const params = asObject(pre.parameters) ?? {};
  if (tool === 'use_mcp_tool') {
    const input = asObject(params.arguments) ?? {};
    const mcpTool = str(params.tool_name) ?? tool;
    return { ok: true, call: { ...base, kind: 'mcp', tool: mcpTool, server: str(params.server_name), mcpTool, input, paths: inputPaths(input, 'mcp').map((f) => absolute(f, cwd)) } };
  }
  return toolCall(base, tool, params);
}
