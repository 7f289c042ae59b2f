/**
 * Installing TwoKey's hooks into each agent's hook file, without replacing what is there:
 *
 * - Cursor: `.cursor/hooks.json`, `version: 1`, entries on `beforeShellExecution`,
 *   `beforeMCPExecution`, `beforeReadFile` and `preToolUse` (edits), each `failClosed: true`.
 * - Claude Code: `.claude/settings.json`, one `PreToolUse` matcher group.
 * - Copilot (VS Code): `.github/hooks/twokey.json`, one `PreToolUse` entry (VS Code ignores
 *   matchers; the hook filters on the tool name itself).
 *
 * Edits go through jsonc-parser's `modify`, so comments and formatting of the rest stay.
 * What was added is recorded (event + hash of each entry) in `.twokey/agent-hooks.json`, so
 * uninstall removes exactly that and status can say installed, missing, or changed since
 * install. Pure: file contents in, file contents out.
 */
import * as crypto from 'node:crypto';
import { applyEdits, modify, parse, type ParseError } from 'jsonc-parser';
import type { Agent } from './types';
import { canonicalJson } from '../json';
import { shellQuote } from '../argv';

export const RECORD_FILE = '.twokey/agent-hooks.json';
/** Seconds the agent waits for the hook: the person may take the broker's whole deadline (120 s). */
export const HOOK_TIMEOUT_SECONDS = 130;

export const HOOK_FILES: Readonly<Record<Agent, string>> = {
  cursor: '.cursor/hooks.json',
  'claude-code': '.claude/settings.json',
  copilot: '.github/hooks/twokey.json',
  codex: '.codex/hooks.json',
  gemini: '.gemini/settings.json',
  'copilot-cli': '.github/hooks/twokey-cli.json',
  windsurf: '.windsurf/hooks.json',
  // Cline runs the executable named after the event; there is no JSON file to merge into.
  cline: '.clinerules/hooks/PreToolUse',
};

/** Hook files that are scripts TwoKey writes whole (and that must be executable). */
export function isScriptHookFile(agent: Agent): boolean {
  return agent === 'cline';
}

export interface HookExecutable {
  /** Absolute path of Node (or of the editor's binary, with `electron`). */
  node: string;
  /** Absolute path of dist/cli.js. */
  cli: string;
  /** The node is an Electron binary: run it as Node. */
  electron?: boolean;
  /** A launcher that runs the current Node and CLI (launcher.ts): used instead when set. */
  launcher?: string;
}

function q(s: string, windows: boolean): string {
  if (windows) return `"${s.replace(/"/g, '""')}"`;
  return shellQuote(s);
}

/** The command line an agent runs: absolute Node and CLI paths, so it works outside the editor. */
export function hookCommandLine(agent: Agent, exe: HookExecutable, platform: string = process.platform): string {
  const win = platform === 'win32';
  if (exe.launcher && (!win || /\.cmd$/i.test(exe.launcher))) return `${q(exe.launcher, win)} hook ${agent}`;
  const run = `${q(exe.node, win)} ${q(exe.cli, win)} hook ${agent}`;
  if (!exe.electron) return run;
  return win ? `set ELECTRON_RUN_AS_NODE=1&& ${run}` : `ELECTRON_RUN_AS_NODE=1 ${run}`;
}

/** Is this command one of TwoKey's hooks (for this agent)? */
export function isTwoKeyCommand(command: unknown, agent?: Agent): boolean {
  if (typeof command !== 'string') return false;
  if (!/twokey|cli\.js|hook\.js/i.test(command)) return false;
  const m = /\bhook\s+(cursor|claude-code|copilot-cli|copilot|codex|gemini|windsurf|cline)\b/.exec(command);
  return !!m && (!agent || m[1] === agent);
}

interface Planned {
  /** JSON path of the event's array. */
  event: string[];
  entry: Record<string, unknown>;
}

// `Task` (later `Agent`): a subagent, judged by the commands its prompt spells out (parse.ts).
const CLAUDE_MATCHER = 'Bash|Read|Edit|Write|MultiEdit|NotebookEdit|Task|Agent|mcp__.*';
const CURSOR_EDIT_MATCHER = 'Write|Edit|StrReplace|MultiEdit|Delete|TabWrite';

export function plannedEntries(agent: Agent, command: string): Planned[] {
  const t = HOOK_TIMEOUT_SECONDS;
  switch (agent) {
    case 'cursor':
      return [
        { event: ['hooks', 'beforeShellExecution'], entry: { command, timeout: t, failClosed: true } },
        { event: ['hooks', 'beforeMCPExecution'], entry: { command, timeout: t, failClosed: true } },
        { event: ['hooks', 'beforeReadFile'], entry: { command, timeout: t, failClosed: true } },
        { event: ['hooks', 'preToolUse'], entry: { command, matcher: CURSOR_EDIT_MATCHER, timeout: t, failClosed: true } },
      ];
    case 'claude-code':
      return [{ event: ['hooks', 'PreToolUse'], entry: { matcher: CLAUDE_MATCHER, hooks: [{ type: 'command', command, timeout: t }] } }];
    case 'copilot':
      return [{ event: ['hooks', 'PreToolUse'], entry: { type: 'command', command, timeout: t } }];
    case 'codex':
      return [{ event: ['hooks', 'PreToolUse'], entry: { matcher: CODEX_MATCHER, hooks: [{ type: 'command', command, timeout: t }] } }];
    case 'gemini':
      // No matcher: MCP tools carry their server's own names, and the hook filters by itself.
      return [{ event: ['hooks', 'BeforeTool'], entry: { hooks: [{ type: 'command', name: 'twokey', command, timeout: t * 1000 }] } }];
    case 'copilot-cli': {
      // On Windows Copilot CLI runs the `powershell` command: the PowerShell launcher beside the .cmd one.
      const ps = powershellCommand(command, agent);
      return [{ event: ['hooks', 'preToolUse'], entry: { type: 'command', bash: command, ...(ps ? { powershell: ps } : {}), timeoutSec: t } }];
    }
    case 'windsurf':
      return ['pre_run_command', 'pre_read_code', 'pre_write_code', 'pre_mcp_tool_use'].map((ev) => ({ event: ['hooks', ev], entry: { command, show_output: true } }));
    case 'cline':
      return [{ event: ['hooks', 'PreToolUse'], entry: { command } }];
  }
}

const CODEX_MATCHER = 'Bash|apply_patch|Edit|Write|mcp__.*';

/**
 * The PowerShell form of a hook command that runs the Windows launcher (`"…\twokey-hook.cmd"
 * hook AGENT`): the `.ps1` launcher written beside it (launcher.ts). Undefined for any other
 * command (a POSIX launcher, direct Node paths).
 */
export function powershellCommand(command: string, agent: Agent): string | undefined {
  const m = /^"([^"]+)\.cmd" hook [\w-]+$/i.exec(command);
  if (!m) return undefined;
  // Its own process with -ExecutionPolicy Bypass: `& script.ps1` fails where scripts are restricted (Windows' default).
  return `powershell -NoProfile -ExecutionPolicy Bypass -File '${(m[1] + '.ps1').replace(/'/g, "''")}' hook ${agent}`;
}

/** Cline's hook file: a script that runs TwoKey's hook with the same stdin. */
export function clineScript(command: string): string {
  return `#!/bin/sh\n# TwoKey: checks each Cline tool call before it runs (installed by \`twokey hooks install\`).\nexec ${command}\n`;
}

export function entryHash(entry: unknown): string {
  return crypto.createHash('sha256').update(canonicalJson(entry)).digest('hex').slice(0, 16);
}

/** Does this entry of the event's array belong to TwoKey (for the agent)? */
function isOurs(entry: unknown, agent: Agent): boolean {
  if (!entry || typeof entry !== 'object') return false;
  const e = entry as Record<string, unknown>;
  if (isTwoKeyCommand(e.command, agent) || isTwoKeyCommand(e.bash, agent) || isTwoKeyCommand(e.powershell, agent)) return true;
  return Array.isArray(e.hooks) && e.hooks.length > 0 && e.hooks.every((h) => isTwoKeyCommand((h as Record<string, unknown>)?.command, agent));
}

export class HookFileError extends Error {}

function parseFile(text: string | undefined, file: string): Record<string, unknown> {
  if (text === undefined || !text.trim()) return {};
  const errors: ParseError[] = [];
  const v = parse(text, errors, { allowTrailingComma: true, disallowComments: false });
  if (errors.length || !v || typeof v !== 'object' || Array.isArray(v)) throw new HookFileError(`${file} is not a JSON object; fix it by hand first, TwoKey will not overwrite it`);
  return v as Record<string, unknown>;
}

function getAt(obj: Record<string, unknown>, p: string[]): unknown {
  let cur: unknown = obj;
  for (const k of p) cur = cur && typeof cur === 'object' ? (cur as Record<string, unknown>)[k] : undefined;
  return cur;
}

const FORMAT = { formattingOptions: { insertSpaces: true, tabSize: 2, eol: '\n' } };

export interface RecordedEntry {
  event: string;
  hash: string;
}

export interface AgentRecord {
  file: string;
  command: string;
  entries: RecordedEntry[];
  createdFile: boolean;
  installedAt: string;
}

export interface InstallRecord {
  version: 1;
  agents: Partial<Record<Agent, AgentRecord>>;
}

export function parseRecord(text: string | undefined): InstallRecord {
  try {
    const r = JSON.parse(text ?? '') as InstallRecord;
    if (r && r.version === 1 && r.agents && typeof r.agents === 'object') return r;
  } catch {
    /* none yet */
  }
  return { version: 1, agents: {} };
}

export interface InstallPlan {
  agent: Agent;
  file: string;
  before: string | undefined;
  after: string;
  record: AgentRecord;
  /** Entries of TwoKey's that were there already and were replaced (an older install). */
  replaced: number;
}

/** Merge TwoKey's entries into the agent's hook file text. */
export function planInstall(agent: Agent, before: string | undefined, command: string, now: Date = new Date()): InstallPlan {
  const file = HOOK_FILES[agent];
  if (isScriptHookFile(agent)) {
    if (before !== undefined && before.trim() && !isTwoKeyCommand(before, agent)) {
      throw new HookFileError(`${file} is someone else's hook script; TwoKey will not replace it (call \`${command}\` from it by hand)`);
    }
    const after = clineScript(command);
    return {
      agent,
      file,
      before,
      after,
      replaced: before !== undefined && before.trim() ? 1 : 0,
      record: { file, command, entries: [{ event: 'script', hash: entryHash(after) }], createdFile: before === undefined, installedAt: now.toISOString() },
    };
  }
  let text = before && before.trim() ? before : '{}\n';
  const doc = parseFile(text, file);
  let replaced = 0;
  if (agent === 'cursor' && doc.version === undefined) text = applyEdits(text, modify(text, ['version'], 1, FORMAT));
  const entries: RecordedEntry[] = [];
  for (const p of plannedEntries(agent, command)) {
    const current = parseFile(text, file);
    const list = getAt(current, p.event);
    if (list !== undefined && !Array.isArray(list)) throw new HookFileError(`${file}: ${p.event.join('.')} is not a list; fix it by hand first`);
    const arr = (list as unknown[] | undefined) ?? [];
    // Replace an older TwoKey entry in place; otherwise append.
    const idx = arr.findIndex((e) => isOurs(e, agent));
    if (idx >= 0) {
      replaced++;
      text = applyEdits(text, modify(text, [...p.event, idx], p.entry, FORMAT));
    } else if (list === undefined) {
      text = applyEdits(text, modify(text, p.event, [p.entry], FORMAT));
    } else {
      text = applyEdits(text, modify(text, [...p.event, arr.length], p.entry, { ...FORMAT, isArrayInsertion: true }));
    }
    entries.push({ event: p.event.join('.'), hash: entryHash(p.entry) });
  }
  if (!text.endsWith('\n')) text += '\n';
  return {
    agent,
    file,
    before,
    after: text,
    replaced,
    record: { file, command, entries, createdFile: before === undefined, installedAt: now.toISOString() },
  };
}

export interface UninstallPlan {
  agent: Agent;
  file: string;
  before: string | undefined;
  /** undefined: delete the file (TwoKey created it and nothing else is left). */
  after: string | undefined;
  removed: number;
  /** TwoKey-looking entries left in place because they changed since install. */
  keptChanged: number;
}

function isEmptySkeleton(doc: Record<string, unknown>): boolean {
  const keys = Object.keys(doc).filter((k) => k !== 'version');
  if (keys.length === 0) return true;
  if (keys.length !== 1 || keys[0] !== 'hooks') return false;
  const hooks = doc.hooks as Record<string, unknown>;
  return !!hooks && typeof hooks === 'object' && Object.values(hooks).every((v) => Array.isArray(v) && v.length === 0);
}

/** Remove exactly the entries the record says TwoKey added (matched by hash). */
export function planUninstall(agent: Agent, before: string | undefined, rec: AgentRecord | undefined): UninstallPlan {
  const file = rec?.file ?? HOOK_FILES[agent];
  if (before === undefined) return { agent, file, before, after: undefined, removed: 0, keptChanged: 0 };
  if (isScriptHookFile(agent)) {
    const ours = rec?.entries.some((e) => e.hash === entryHash(before)) ?? false;
    return ours ? { agent, file, before, after: undefined, removed: 1, keptChanged: 0 } : { agent, file, before, after: before, removed: 0, keptChanged: isTwoKeyCommand(before, agent) ? 1 : 0 };
  }
  let text = before;
  let removed = 0;
  const wanted = new Map<string, Set<string>>();
  for (const e of rec?.entries ?? []) {
    if (!wanted.has(e.event)) wanted.set(e.event, new Set());
    wanted.get(e.event)!.add(e.hash);
  }
  for (const [event, hashes] of wanted) {
    const p = event.split('.');
    for (;;) {
      const arr = getAt(parseFile(text, file), p);
      if (!Array.isArray(arr)) break;
      const idx = arr.findIndex((e) => hashes.has(entryHash(e)));
      if (idx < 0) break;
      text = applyEdits(text, modify(text, [...p, idx], undefined, FORMAT));
      removed++;
    }
    const arr = getAt(parseFile(text, file), p);
    if (Array.isArray(arr) && arr.length === 0) text = applyEdits(text, modify(text, p, undefined, FORMAT));
  }
  const doc = parseFile(text, file);
  const keptChanged = Object.values((doc.hooks as Record<string, unknown>) ?? {})
    .filter(Array.isArray)
    .flat()
    .filter((e) => isOurs(e, agent)).length;
  const after = rec?.createdFile && isEmptySkeleton(doc) ? undefined : text;
  return { agent, file, before, after, removed, keptChanged };
}

export type HookState = 'installed' | 'missing' | 'changed';

export interface HookStatus {
  agent: Agent;
  file: string;
  state: HookState;
  detail: string;
}

/** Installed (every recorded entry there, unchanged), missing (no TwoKey entry), or changed since install. */
/** `exists`: whether a path is there (the caller's file system), to name a hook whose program is gone. */
export function hookStatus(agent: Agent, text: string | undefined, rec: AgentRecord | undefined, exists?: (p: string) => boolean): HookStatus {
  const file = rec?.file ?? HOOK_FILES[agent];
  if (isScriptHookFile(agent)) {
    if (text === undefined) return { agent, file, state: 'missing', detail: `${file} does not exist` };
    if (!isTwoKeyCommand(text, agent)) return { agent, file, state: 'missing', detail: `no TwoKey hook in ${file}` };
    if (!rec || !rec.entries.some((e) => e.hash === entryHash(text))) return { agent, file, state: 'changed', detail: `${file} changed since install` };
    const gone = exists ? missingPrograms(rec.command, exists) : [];
    if (gone.length) return { agent, file, state: 'changed', detail: `the program the hook runs is gone (${gone.join(', ')}): reinstall the hooks` };
    return { agent, file, state: 'installed', detail: `hook script ${file}` };
  }
  let doc: Record<string, unknown>;
  try {
    doc = parseFile(text, file);
  } catch (e) {
    return { agent, file, state: 'changed', detail: (e as Error).message };
  }
  const hooks = (doc.hooks && typeof doc.hooks === 'object' ? doc.hooks : {}) as Record<string, unknown>;
  const ours = Object.entries(hooks).flatMap(([ev, list]) => (Array.isArray(list) ? list.filter((e) => isOurs(e, agent)).map((e) => ({ event: `hooks.${ev}`, hash: entryHash(e), entry: e })) : []));
  if (text === undefined) return { agent, file, state: 'missing', detail: `${file} does not exist` };
  if (!ours.length) return { agent, file, state: 'missing', detail: `no TwoKey hook in ${file}` };
  if (!rec) return { agent, file, state: 'changed', detail: `a TwoKey hook is in ${file}, but not the one recorded at install (${RECORD_FILE})` };
  const missing = rec.entries.filter((r) => !ours.some((o) => o.event === r.event && o.hash === r.hash));
  if (missing.length) return { agent, file, state: 'changed', detail: `changed since install: ${missing.map((m) => m.event.replace(/^hooks\./, '')).join(', ')}` };
  if (agent === 'cursor' && ours.some((o) => (o.entry as Record<string, unknown>).failClosed !== true)) {
    return { agent, file, state: 'changed', detail: 'a TwoKey entry lost failClosed: true' };
  }
  const gone = exists ? missingPrograms(rec.command, exists) : [];
  if (gone.length) return { agent, file, state: 'changed', detail: `the program the hook runs is gone (${gone.join(', ')}): reinstall the hooks` };
  return { agent, file, state: 'installed', detail: `${rec.entries.length} entr${rec.entries.length === 1 ? 'y' : 'ies'} in ${file}` };
}

/**
 * The absolute paths among the first words of a hook command line (the launcher, or Node and
 * the CLI) that no longer exist: an update moved them, and the agent's hook now fails.
 */
export function missingPrograms(command: string, exists: (p: string) => boolean): string[] {
  const words: string[] = [];
  const re = /'((?:[^']|'\\'')*)'|"((?:[^"]|"")*)"|(\S+)/g;
  for (let m = re.exec(command); m && words.length < 4; m = re.exec(command)) {
    const w = m[1] !== undefined ? m[1].replace(/'\\''/g, "'") : m[2] !== undefined ? m[2].replace(/""/g, '"') : m[3];
    if (/^[A-Z_]+=/.test(w) || w === 'set' || w.endsWith('&&')) continue;
    if (w === 'hook') break;
    words.push(w);
  }
  return words.filter((w) => (w.startsWith('/') || /^[A-Za-z]:\\/.test(w)) && !exists(w));
}

/** A small unified diff of two texts (line-based LCS; hook files are small). */
export function unifiedDiff(file: string, before: string | undefined, after: string | undefined): string {
  const a = before === undefined ? [] : before.replace(/\n$/, '').split('\n');
  const b = after === undefined ? [] : after.replace(/\n$/, '').split('\n');
  const n = a.length;
  const m = b.length;
  const dp: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--) for (let j = m - 1; j >= 0; j--) dp[i][j] = a[i] === b[j] ? dp[i + 1][j + 1] + 1 : Math.max(dp[i + 1][j], dp[i][j + 1]);
  const lines: string[] = [`--- ${before === undefined ? '/dev/null' : `a/${file}`}`, `+++ ${after === undefined ? '/dev/null' : `b/${file}`}`];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] === b[j]) {
      lines.push(`  ${a[i]}`);
      i++;
      j++;
    } else if (j < m && (i >= n || dp[i][j + 1] >= dp[i + 1][j])) lines.push(`+ ${b[j++]}`);
    else lines.push(`- ${a[i++]}`);
  }
  return lines.join('\n') + '\n';
}
