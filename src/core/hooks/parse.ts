/**
 * Reads each agent's hook payload into an `AgentCall`.
 *
 * - Cursor: `hook_event_name` in camelCase (`beforeShellExecution` {command, cwd},
 *   `beforeMCPExecution` {tool_name, tool_input (object or JSON text), url | command},
 *   `beforeReadFile` {file_path}, `afterFileEdit` {file_path}, `preToolUse` {tool_name, tool_input}),
 *   `conversation_id`, `workspace_roots`.
 * - Claude Code: `PreToolUse` with `tool_name` (`Bash`, `Read`, `Edit`, `Write`, `MultiEdit`,
 *   `NotebookEdit`, `mcp__<server>__<tool>`), `tool_input`, `cwd`, `session_id`.
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

export type ParseResult = { ok: true; call: AgentCall } | { ok: false; error: string };

const SHELL_TOOLS = new Set(['bash', 'shell', 'run_in_terminal', 'runterminalcommand', 'run_terminal_cmd', 'terminal', 'powershell', 'execute_command']);
const READ_TOOLS = new Set(['read', 'read_file', 'readfile', 'view', 'copilot_readfile', 'notebookread', 'read_notebook_cell_output']);
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
  for (const k of ['file_path', 'filePath', 'path', 'notebook_path', 'target_file', 'targetFile', 'file', 'uri']) {
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
    const patch = str(input.input) ?? str(input.patch);
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
  const named = toolKind(tool);
  const paths = inputPaths(input, named.kind).map((f) => absolute(f, cwd));
  const call: AgentCall = { ...base, kind: named.kind, tool, input, paths };
  if (named.kind === 'shell') {
    const command = typeof input.command === 'string' ? input.command : typeof input.cmd === 'string' ? input.cmd : undefined;
    if (command === undefined) return { ok: false, error: `${tool} without a command in its input` };
    call.command = command;
    const dir = str(input.cwd) ?? str(input.workdir);
    if (dir) call.cwd = absolute(dir, cwd);
  } else if (named.kind === 'mcp') {
    call.server = named.server;
    call.mcpTool = named.mcpTool;
  }
  return { ok: true, call };
}
