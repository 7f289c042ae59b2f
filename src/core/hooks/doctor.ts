/**
 * `twokey hooks doctor`: runs each installed agent hook the way its agent does (the command
 * line written in the agent's hook file, through `sh -c`: the launcher, the Node it finds,
 * the CLI) with a harmless and a refused sample call in the agent's own payload format, and
 * reads the answers the way that agent reads them. A hook whose refused sample would run
 * "fails open"; one whose harmless sample would be stopped "blocks everything" (Cursor's
 * fail-closed entries, a launcher that finds no TwoKey). The samples run in a fresh temporary
 * folder (no window is registered there, so no broker prompt; their records stay there).
 * No `vscode`: the CLI and the extension share it.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse } from 'jsonc-parser';
import type { Agent } from './types';
import { HOOK_FILES, isScriptHookFile, isTwoKeyCommand } from './install';
import { readRecord } from './workspaceHooks';

export type DoctorState = 'ok' | 'fails-open' | 'blocks-everything' | 'not-installed' | 'removed';

export interface DoctorResult {
  agent: Agent;
  state: DoctorState;
  detail: string;
  /** The command line that was run (the agent's real entry). */
  command?: string;
}

/** A shell call in the agent's own payload format. */
export function samplePayload(agent: Agent, command: string, cwd: string): Record<string, unknown> {
  const session = 'twokey-doctor';
  switch (agent) {
    case 'cursor':
      return { hook_event_name: 'beforeShellExecution', conversation_id: session, command, cwd, workspace_roots: [cwd] };
    case 'copilot':
      return { hookEventName: 'PreToolUse', sessionId: session, tool_name: 'run_in_terminal', tool_input: { command }, cwd };
    case 'gemini':
      return { hook_event_name: 'BeforeTool', session_id: session, tool_name: 'run_shell_command', tool_input: { command }, cwd };
    case 'copilot-cli':
      return { timestamp: Date.now(), cwd, toolName: 'bash', toolArgs: JSON.stringify({ command }) };
    case 'windsurf':
      return { agent_action_name: 'pre_run_command', trajectory_id: session, tool_info: { command_line: command, cwd } };
    case 'cline':
      return { hookName: 'PreToolUse', taskId: session, workspaceRoots: [cwd], preToolUse: { toolName: 'execute_command', parameters: { command } } };
    default:
      return { hook_event_name: 'PreToolUse', session_id: session, tool_name: 'Bash', tool_input: { command }, cwd, permission_mode: 'default' };
  }
}

export interface HookRun {
  code: number | null;
  stdout: string;
  stderr: string;
  timedOut?: boolean;
  error?: string;
}

function json(s: string): Record<string, unknown> | undefined {
  try {
    const v = JSON.parse(s.trim() || 'null') as unknown;
    return v && typeof v === 'object' ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** Would the agent stop the call, reading this run as it reads its hooks? */
export function agentBlocks(agent: Agent, r: HookRun): boolean {
  const out = json(r.stdout);
  switch (agent) {
    case 'cursor':
      // Entries installed with failClosed: a failed or unreadable hook blocks too.
      return r.code !== 0 || out?.permission !== 'allow';
    case 'gemini':
      return r.code === 2 || out?.decision === 'deny' || out?.decision === 'block';
    case 'copilot-cli':
      return out?.permissionDecision === 'deny';
    case 'windsurf':
      return r.code === 2;
    case 'cline':
      return out?.cancel === true;
    default: {
      const h = out?.hookSpecificOutput as Record<string, unknown> | undefined;
      return r.code === 2 || h?.permissionDecision === 'deny';
    }
  }
}

/** The command line TwoKey's entry for shell commands runs, as written in the agent's file. */
export function installedCommand(agent: Agent, text: string, file: string): string | undefined {
  if (isScriptHookFile(agent)) return isTwoKeyCommand(text, agent) ? file : undefined;
  const doc = parse(text, [], { allowTrailingComma: true }) as { hooks?: Record<string, unknown> } | undefined;
  const event = { cursor: 'beforeShellExecution', 'claude-code': 'PreToolUse', codex: 'PreToolUse', copilot: 'PreToolUse', gemini: 'BeforeTool', 'copilot-cli': 'preToolUse', windsurf: 'pre_run_command', cline: '' }[agent];
  const list = doc?.hooks?.[event];
  if (!Array.isArray(list)) return undefined;
  for (const e of list as Record<string, unknown>[]) {
    const candidates = [e?.command, e?.bash, ...(Array.isArray(e?.hooks) ? (e.hooks as Record<string, unknown>[]).map((h) => h?.command) : [])];
    const hit = candidates.find((c) => isTwoKeyCommand(c, agent));
    if (typeof hit === 'string') return hit;
  }
  return undefined;
}

/** Run one command line as the agents do (`sh -c`, JSON on stdin), with a time limit. */
export function runHookCommand(command: string, input: string, opts: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs: number; direct?: boolean }): Promise<HookRun> {
  return new Promise((resolve) => {
    const child = opts.direct ? spawn(command, [], { cwd: opts.cwd, env: opts.env }) : spawn('/bin/sh', ['-c', command], { cwd: opts.cwd, env: opts.env });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, opts.timeoutMs);
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', (e) => {
      clearTimeout(timer);
      resolve({ code: null, stdout, stderr, error: e.message });
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, timedOut });
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(input);
  });
}

function summary(r: HookRun): string {
  const first = (r.stderr.trim() || r.stdout.trim() || r.error || '').split('\n')[0].slice(0, 200);
  return `${r.timedOut ? 'timed out' : `exit ${r.code}`}${first ? `: ${first}` : ''}`;
}

/** The environment the agent would give its hook: ours without TwoKey's own variables. */
function agentEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(env)) if (!k.startsWith('TWOKEY_') && k !== 'ELECTRON_RUN_AS_NODE') out[k] = v;
  if (env.TWOKEY_STATE_DIR) out.TWOKEY_STATE_DIR = env.TWOKEY_STATE_DIR;
  return out;
}

/** Check each agent's installed hook in the workspace. */
export async function doctor(root: string, agents: readonly Agent[], opts: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<DoctorResult[]> {
  const rec = readRecord(root);
  const env = agentEnv(opts.env ?? process.env);
  const out: DoctorResult[] = [];
  for (const agent of agents) {
    const file = rec.agents[agent]?.file ?? HOOK_FILES[agent];
    let text: string | undefined;
    try {
      text = fs.readFileSync(path.join(root, file), 'utf8');
    } catch {
      text = undefined;
    }
    const command = text === undefined ? undefined : installedCommand(agent, text, path.join(root, file));
    if (!command) {
      if (rec.agents[agent]) out.push({ agent, state: 'removed', detail: `TwoKey's hook was installed in ${file} but its entry is gone: ${agent} runs without TwoKey` });
      else out.push({ agent, state: 'not-installed', detail: `no TwoKey hook in ${file}` });
      continue;
    }
    const sampleDir = fs.mkdtempSync(path.join(os.tmpdir(), 'twokey-doctor-'));
    fs.mkdirSync(path.join(sampleDir, 'twokey-doctor-sample'));
    const run = (line: string) =>
      runHookCommand(command, JSON.stringify(samplePayload(agent, line, sampleDir)), { cwd: root, env, timeoutMs: opts.timeoutMs ?? 30_000, direct: isScriptHookFile(agent) });
    try {
      const harmless = await run('git status --short');
      const refused = await run('rm -rf twokey-doctor-sample');
      const stillThere = fs.existsSync(path.join(sampleDir, 'twokey-doctor-sample'));
      if (!agentBlocks(agent, refused) || !stillThere) {
        out.push({ agent, state: 'fails-open', command, detail: `a destructive sample call would run (${summary(refused)})` });
      } else if (agentBlocks(agent, harmless)) {
        out.push({ agent, state: 'blocks-everything', command, detail: `a harmless sample call is stopped too (${summary(harmless)})` });
      } else {
        out.push({ agent, state: 'ok', command, detail: 'a harmless sample passes and a destructive one is stopped' });
      }
    } finally {
      fs.rmSync(sampleDir, { recursive: true, force: true });
    }
  }
  return out;
}
