/**
 * What an agent's pre-execution hook asks about, in one shape for every agent: a shell
 * command, an MCP tool call, a file read or a file edit. Pure: no `vscode`, no I/O.
 */

export type Agent = 'cursor' | 'claude-code' | 'copilot' | 'codex' | 'gemini' | 'copilot-cli' | 'windsurf' | 'cline';
export const AGENTS: readonly Agent[] = ['cursor', 'claude-code', 'copilot', 'codex', 'gemini', 'copilot-cli', 'windsurf', 'cline'];

/** `other` covers tools TwoKey has nothing to say about (search, web fetch, todo lists). */
export type CallKind = 'shell' | 'mcp' | 'read' | 'edit' | 'other';

export interface AgentCall {
  agent: Agent;
  /** The hook event as the agent named it (`beforeShellExecution`, `PreToolUse`). */
  event: string;
  kind: CallKind;
  /** The tool as the agent named it (`Bash`, `run_in_terminal`, `mcp__postgres__query`). */
  tool: string;
  /** The shell command (kind `shell`). */
  command?: string;
  /** MCP server: its name, URL or start command, when the agent says. */
  server?: string;
  /** MCP tool name without the server prefix. */
  mcpTool?: string;
  /** Tool arguments (MCP arguments; edit and read inputs), never logged whole. */
  input?: Record<string, unknown>;
  /** Absolute paths the call reads or edits. */
  paths: string[];
  cwd: string;
  /** Workspace roots the agent reports (Cursor), else the cwd. */
  roots: string[];
  /** Conversation or session id, for the audit record. */
  session?: string;
  /** After-the-fact events (Cursor `afterFileEdit`): can only be recorded, not stopped. */
  observeOnly?: boolean;
}

/** The shell an agent's command is for: the one it names (a `PowerShell` tool, a `shell` field), else undefined. */
export function namedShell(call: AgentCall): string | undefined {
  if (call.tool.toLowerCase() === 'powershell') return 'powershell';
  const s = call.input?.shell;
  return typeof s === 'string' && s ? s : undefined;
}

export function isAgent(s: string | undefined): s is Agent {
  return !!s && (AGENTS as readonly string[]).includes(s);
}

const LABELS: Readonly<Record<Agent, string>> = {
  cursor: 'Cursor',
  'claude-code': 'Claude Code',
  copilot: 'Copilot',
  codex: 'Codex',
  gemini: 'Gemini CLI',
  'copilot-cli': 'Copilot CLI',
  windsurf: 'Windsurf',
  cline: 'Cline',
};

export function agentLabel(a: Agent): string {
  return LABELS[a];
}
