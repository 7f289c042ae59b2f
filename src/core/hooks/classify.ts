/**
 * Classifies an agent's call with the same rules, policy and environment as every other
 * door: shell commands go to the engine; MCP tool calls, file reads and file edits become
 * rule hits here (SQL through the database pack) and are decided by the same mapping.
 * Pure: no `vscode`; the engine, resolver and policy are given.
 */
import type { Category, CheckRequest, EnvironmentResolution, EnvironmentResolver, PolicyOverrides, RuleHit, Verdict } from '../types';
import { decide } from '../verdict';
import { classifySql, classifyMongo } from '../rules/database';
import { maskSecrets } from '../redact';
import { makePolicyOverrides } from '../policy/overrides';
import type { Policy } from '../policy/types';
import type { AgentCall, CallKind } from './types';
import { isAgent, namedShell } from './types';
import { fileHits, shown } from './files';
import { shellFor } from '../lang/shells';

export { guardFileKind, isCredentialFile, mayMatter } from './files';

export interface CallClassifierDeps {
  /** The engine's check (with the policy and resolver): shell commands, and shell-running MCP tools. */
  shell?: (req: CheckRequest) => Verdict;
  resolveEnvironment?: EnvironmentResolver;
  overrides?: PolicyOverrides;
  home?: string;
  workspaceRoot?: string;
  env?: Record<string, string | undefined>;
  /** The platform the command runs on (`process.platform`): its default shell reads a command that names none. */
  platform?: string;
}

// ---------- MCP ----------

const DB_WORDS = /postgres|postgresql|\bpg\b|mysql|maria|sqlite|mssql|sqlserver|oracle|supabase|neon|planetscale|cockroach|clickhouse|snowflake|bigquery|redshift|duckdb|database|\bdb\b|sql|prisma|turso|libsql|mongo|redis|dynamo|firestore|elastic/i;
const DESTRUCTIVE_VERB = /(?:^|[_\-.\s]|(?<=[a-z])(?=[A-Z]))(delete|drop|destroy|remove|purge|truncate|wipe|erase|terminate|reset|flush|revoke|rollback|deprovision|uninstall)(?=$|[_\-.\sA-Z])/i;
const SQL_KEYS = ['sql', 'query', 'statement', 'statements', 'command', 'script', 'q'];
const SHELL_TOOL = /^(?:run|execute|exec)?[_-]?(?:shell|bash|terminal|command|cmd|process)(?:[_-](?:run|exec|execute|command))?$|^(?:run|exec|execute)[_-]?(?:command|cmd|shell|script)$/i;

function stringsOf(v: unknown, depth = 0): string[] {
  if (typeof v === 'string') return [v];
  if (depth > 4 || v === null || typeof v !== 'object') return [];
  return (Array.isArray(v) ? v : Object.values(v)).flatMap((x) => stringsOf(x, depth + 1));
}

function mcpCategory(call: AgentCall): Category {
  const text = `${call.server ?? ''} ${call.mcpTool ?? call.tool}`;
  if (DB_WORDS.test(text)) return 'database';
  if (/kube|k8s|helm/i.test(text)) return 'kubernetes';
  if (/aws|gcp|gcloud|azure|cloudflare|s3|bucket/i.test(text)) return 'cloud';
  if (/railway|vercel|netlify|heroku|fly|render/i.test(text)) return 'paas';
  if (/github|gitlab|git\b/i.test(text)) return 'git';
  if (/terraform|pulumi/i.test(text)) return 'iac';
  return 'agent';
}

/** Connection strings and hosts the server or the arguments name: the environment resolver reads them. */
function mcpTargets(call: AgentCall): string[] {
  const out = new Set<string>();
  const words = [...(call.server ? call.server.split(/\s+/) : []), ...stringsOf(call.input)];
  for (const w of words) {
    for (const m of w.matchAll(/\b[a-z][a-z0-9+.-]*:\/\/[^\s'"]+/gi)) out.add(m[0]);
  }
  for (const k of ['project', 'project_id', 'projectId', 'project_ref', 'database', 'db', 'environment', 'env', 'branch', 'cluster', 'context', 'namespace']) {
    const v = call.input?.[k];
    if (typeof v === 'string' && v && v.length < 200) out.add(v);
  }
  if (call.server && !/\s/.test(call.server) && !/:\/\//.test(call.server)) out.add(call.server);
  return [...out];
}

/** A short name for an MCP server given as a name, a URL or a start command (`npx -y @scope/server-postgres URL`). */
export function serverLabel(server: string | undefined): string | undefined {
  if (!server) return undefined;
  const s = server.trim();
  const url = /^[a-z][a-z0-9+.-]*:\/\/(?:[^@/\s]*@)?([^/:\s]+)/i.exec(s);
  if (url && !/\s/.test(s)) return url[1];
  if (!/\s/.test(s)) return s;
  const words = s.split(/\s+/).filter((w) => !w.startsWith('-') && !/:\/\//.test(w));
  const pkg = words.find((w) => /mcp|server/i.test(w)) ?? words[words.length - 1] ?? s;
  return pkg.replace(/@[\w.^~-]+$/, '').split('/').pop() || pkg;
}

function mcpHits(call: AgentCall, deps: CallClassifierDeps): RuleHit[] {
  const tool = call.mcpTool ?? call.tool;
  const label = serverLabel(call.server);
  const where = `the MCP tool ${label ? `${label}.` : ''}${tool}`;
  const targets = mcpTargets(call).map((t) => maskSecrets(t));
  const hits: RuleHit[] = [];
  const input = call.input ?? {};
  // SQL in the arguments a database tool takes.
  const sqlTexts: string[] = [];
  for (const k of SQL_KEYS) {
    const v = input[k];
    if (typeof v === 'string') sqlTexts.push(v);
    else if (Array.isArray(v)) sqlTexts.push(...v.filter((x): x is string => typeof x === 'string'));
  }
  if (!sqlTexts.length && DB_WORDS.test(`${call.server ?? ''} ${tool}`)) sqlTexts.push(...stringsOf(input).filter((s) => /\b(?:DROP|TRUNCATE|DELETE|UPDATE|ALTER|FLUSHALL|FLUSHDB)\b/i.test(s)));
  for (const sql of sqlTexts) {
    hits.push(...classifySql(sql, where, targets));
    if (/mongo/i.test(`${call.server ?? ''} ${tool}`)) hits.push(...classifyMongo(sql, where, targets));
  }
  // A tool that runs shell commands: the engine reads the command.
  const command = typeof input.command === 'string' ? input.command : typeof input.cmd === 'string' ? input.cmd : undefined;
  if (command && SHELL_TOOL.test(tool) && !hits.length) {
    if (deps.shell) {
      const v = deps.shell({ command, cwd: call.cwd, env: deps.env, home: deps.home, workspaceRoot: deps.workspaceRoot, source: call.agent });
      hits.push(...v.hits.map((h) => ({ ...h, reason: `${where} runs \`${command.slice(0, 80)}\`: ${h.reason}` })));
    } else {
      hits.push({ id: 'shell.unanalysable', category: 'unanalysable', risk: 'high', reason: `${where} runs a shell command TwoKey could not check here` });
    }
  }
  // A tool whose name says it destroys something (delete_project, drop_table, branch_reset).
  const verb = DESTRUCTIVE_VERB.exec(tool);
  if (verb && !hits.some((h) => h.risk === 'high' || h.risk === 'critical')) {
    const what = stringsOf(input).filter((s) => s.length < 120).slice(0, 3).map((s) => maskSecrets(s));
    hits.push({
      id: 'mcp.destructive-tool',
      category: mcpCategory(call),
      risk: 'high',
      reason: `${where} ${verb[1].toLowerCase()}s${what.length ? ` ${what.join(', ')}` : ' something'}, and the agent asked for it`,
      targets,
    });
  }
  return hits;
}

// ---------- the call as one line, for the modal and the audit record ----------

function compactInput(input: Record<string, unknown> | undefined): string {
  if (!input) return '';
  const parts: string[] = [];
  for (const [k, v] of Object.entries(input)) {
    const s = typeof v === 'string' ? v : JSON.stringify(v);
    parts.push(`${k}=${s && s.length > 160 ? s.slice(0, 159) + '…' : s}`);
    if (parts.join(' ').length > 400) break;
  }
  return parts.join(' ');
}

/** The call in one line: the shell command itself, `mcp <server>.<tool> <args>`, `read <file>`, `edit <file>`. */
export function describeCall(call: AgentCall, home?: string): string {
  switch (call.kind) {
    case 'shell':
      return call.command ?? '';
    case 'mcp':
      return maskSecrets(`mcp ${call.server ? `${serverLabel(call.server)}.` : ''}${call.mcpTool ?? call.tool} ${compactInput(call.input)}`.trim());
    case 'read':
    case 'edit':
      return `${call.kind} ${call.paths.map((p) => shown(p, call.roots, home)).join(' ') || call.tool}`;
    default:
      return `${call.tool} ${compactInput(call.input)}`.trim();
  }
}

/** Whether classifying the call needs the shell engine (and its WebAssembly parser). */
export function needsShellEngine(call: AgentCall): boolean {
  if (call.kind === 'shell') return true;
  if (call.kind !== 'mcp') return false;
  const input = call.input ?? {};
  return (typeof input.command === 'string' || typeof input.cmd === 'string') && SHELL_TOOL.test(call.mcpTool ?? call.tool);
}

/** The rule hits of a call that is not a shell command. */
export function callHits(call: AgentCall, deps: CallClassifierDeps = {}): RuleHit[] {
  if (call.kind === 'mcp') return mcpHits(call, deps);
  if (call.kind === 'read' || call.kind === 'edit') return fileHits(call, deps.home);
  return [];
}

const UNKNOWN: EnvironmentResolution = { environment: 'unknown', evidence: [] };

/** The verdict for a call: the engine's for a shell command, the same mapping for the rest. */
export function classifyCall(call: AgentCall, deps: CallClassifierDeps): Verdict {
  const req: CheckRequest = {
    command: describeCall(call, deps.home),
    cwd: call.cwd,
    env: deps.env,
    source: call.agent,
    workspaceRoot: deps.workspaceRoot,
    home: deps.home,
  };
  if (call.kind === 'shell') {
    if (!deps.shell) return decide([{ id: 'shell.unanalysable', category: 'unanalysable', risk: 'high', reason: 'TwoKey could not load its shell parser to check this command' }], UNKNOWN, []);
    return deps.shell({ ...req, command: call.command ?? '', shell: shellFor(namedShell(call), deps.platform ?? 'linux') });
  }
  const hits = callHits(call, deps);
  const targets = [...new Set(hits.flatMap((h) => h.targets ?? []))];
  const env = hits.length && deps.resolveEnvironment
    ? deps.resolveEnvironment({ cwd: call.cwd, env: deps.env, targets, workspaceRoot: deps.workspaceRoot, home: deps.home })
    : UNKNOWN;
  const decided = deps.overrides ? deps.overrides(hits, req, env) : hits;
  return decide(decided, env, targets);
}

/** The broker's view of a hook request (see GateRequest's `kind`, `tool`, `server`, `input`, `paths`). */
export interface CallFields {
  source: string;
  command: string;
  cwd: string;
  session?: string;
  kind?: CallKind;
  tool?: string;
  server?: string;
  input?: Record<string, unknown>;
  paths?: string[];
  roots?: string[];
  env?: Record<string, string>;
}

/** Rebuild the call from a broker request (the extension classifies it again with its trusted policy). */
export function callFromFields(f: CallFields): AgentCall {
  const agent = isAgent(f.source) ? f.source : 'claude-code';
  const kind = f.kind ?? 'shell';
  return {
    agent,
    event: 'broker',
    kind,
    tool: f.tool ?? kind,
    command: kind === 'shell' ? f.command : undefined,
    server: f.server,
    mcpTool: kind === 'mcp' ? f.tool : undefined,
    input: f.input,
    paths: f.paths ?? [],
    cwd: f.cwd,
    roots: f.roots?.length ? f.roots : [f.cwd],
    session: f.session,
  };
}

/** What the extension's broker needs to classify hook requests: its workspace engine. */
export interface WorkspaceEngineLike {
  engine: { check(req: CheckRequest): Verdict };
  resolver: EnvironmentResolver;
  policy(): { policy: Policy };
}

/** A classifier for the broker's hook requests, following policy reloads. */
export function createCallClassifier(ws: WorkspaceEngineLike, opts: { home: string; workspaceRoot: () => string | undefined; env?: Record<string, string | undefined>; platform?: string }): (f: CallFields) => Verdict {
  let seen: Policy | undefined;
  let overrides: PolicyOverrides | undefined;
  return (f) => {
    const p = ws.policy().policy;
    if (p !== seen) {
      seen = p;
      overrides = makePolicyOverrides(p);
    }
    return classifyCall(callFromFields(f), {
      shell: (r) => ws.engine.check(r),
      resolveEnvironment: ws.resolver,
      overrides,
      home: opts.home,
      workspaceRoot: opts.workspaceRoot(),
      env: f.env ?? opts.env,
      platform: opts.platform,
    });
  };
}
