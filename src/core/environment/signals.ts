/**
 * Each signal reads one kind of source and says which environment it names, with
 * what it read. Values are made safe before they become evidence (no passwords, no
 * tokens; a database host and name stay readable). Only the parts of a file that name
 * an environment are kept in memory (no kubeconfig users, no Railway token, no
 * Terraform backend credentials).
 */
import * as path from 'node:path';
import { parse as parseDotenv } from 'dotenv';
import type { EnvironmentName } from '../types';
import { DOTENV_SELECTORS } from '../policy/defaults';
import { mostDangerous, type Identity, type Matcher, type Placement } from '../policy/match';
import type { Policy } from '../policy/types';
import type { CachedFiles } from '../fs';
import { parseIni, type Ini } from './ini';
import type { DetectedSignal } from './types';
import { hostOnly, maskUrl, parseServiceUrl, safeValue } from './values';

export interface SignalContext {
  policy: Policy;
  place: Placement;
  files: CachedFiles;
  home: string;
  cwd?: string;
  root?: string;
  /** cwd and workspace root, deduplicated: where workspace files are looked for. */
  dirs: string[];
  /** The effective variable (terminal's over host's); '' counts as unset. */
  get(name: string): string | undefined;
  /** Names of effective variables that are environment or URL variables. */
  relevantKeys(): string[];
  isVariable: Matcher;
  isUrlVariable: Matcher;
  out: DetectedSignal[];
}

/** Explicit placement (policy resources/hosts) first, then name patterns, else unknown. */
export function placeIdentities(place: Placement, ids: readonly Identity[]): EnvironmentName {
  const explicit: EnvironmentName[] = [];
  for (const id of ids) {
    const e = place.explicit(id);
    if (e) explicit.push(e);
  }
  if (explicit.length) return mostDangerous(explicit);
  const named: EnvironmentName[] = [];
  for (const id of ids) {
    const e = place.byName(id.value);
    if (e) named.push(e);
  }
  return named.length ? mostDangerous(named) : 'unknown';
}

function emit(ctx: SignalContext, s: Omit<DetectedSignal, 'environment'> & { environment?: EnvironmentName }): void {
  const ids = s.identities.filter((i) => i.value);
  ctx.out.push({ ...s, identities: ids, environment: s.environment ?? placeIdentities(ctx.place, ids) });
}

export function rel(ctx: SignalContext, file: string): string {
  if (ctx.root) {
    const r = path.relative(ctx.root, file);
    if (r && !r.startsWith('..') && !path.isAbsolute(r)) return r.split(path.sep).join('/');
  }
  if (file === ctx.home || file.startsWith(ctx.home + path.sep)) return '~' + file.slice(ctx.home.length).split(path.sep).join('/');
  return file;
}

// ---------------------------------------------------------------- variables

/** One variable (from the environment or a dotenv file) as a signal, if it is one we read. */
function variableSignal(ctx: SignalContext, name: string, value: string, signal: string, source: string): void {
  const v = value.trim();
  if (!v) return;
  if (ctx.isUrlVariable(name)) {
    urlSignal(ctx, name, v, signal, source);
    return;
  }
  if (ctx.isVariable(name)) {
    emit(ctx, { signal, value: safeValue(v), source, identities: [{ kind: 'name', value: v }] });
  }
}

function urlSignal(ctx: SignalContext, name: string, v: string, signal: string, source: string): void {
  if (/^(file|sqlite3?):/i.test(v) || /\.(db|sqlite3?)$/i.test(v)) {
    emit(ctx, { signal, value: safeValue(v), source, identities: [], environment: 'development', detail: 'local file database' });
    return;
  }
  if (v.includes('****')) {
    // A gate sends a masked value it would not show: the host is withheld, so nobody can place it.
    emit(ctx, { signal, value: v.startsWith('****') ? '****' : maskUrl(v), source, identities: [], environment: 'unknown', detail: 'value withheld' });
    return;
  }
  const u = parseServiceUrl(v);
  if (u) {
    if (!u.hosts.length) {
      // postgres:///db or a socket: this machine
      emit(ctx, { signal, value: maskUrl(v), source, identities: [], environment: 'development', detail: 'local socket' });
      return;
    }
    const ids: Identity[] = u.hosts.map((h) => ({ kind: 'host', value: h }));
    if (u.database) ids.push({ kind: 'name', value: u.database });
    emit(ctx, { signal, value: maskUrl(v), source, identities: ids });
    return;
  }
  if (/HOST$/i.test(name)) {
    if (v.startsWith('/')) {
      emit(ctx, { signal, value: v, source, identities: [], environment: 'development', detail: 'local socket' });
      return;
    }
    const hosts = v.split(',').map(hostOnly).filter(Boolean);
    if (hosts.length) emit(ctx, { signal, value: hosts.join(','), source, identities: hosts.map((h) => ({ kind: 'host' as const, value: h.toLowerCase() })) });
  }
  // Anything else (`${OTHER}`, a bare word) names no host: not a signal.
}

export function environmentVariables(ctx: SignalContext): void {
  for (const k of ctx.relevantKeys()) {
    const v = ctx.get(k);
    if (v !== undefined) variableSignal(ctx, k, v, `env:${k}`, 'env');
  }
}

const SELECTOR_VALUE = /^[A-Za-z0-9_-]{1,40}$/;

/** The workspace's dotenv files as tools load them, in order (`.env`, `.env.local`, the policy's, then `.env.<name>` for each selected name). */
export function workspaceDotenv(ctx: SignalContext): Array<{ file: string; shown: string; vars: Record<string, string> }> {
  const selected = new Set<string>();
  const select = (v: string | undefined) => {
    if (v && SELECTOR_VALUE.test(v.trim())) selected.add(v.trim());
  };
  for (const s of DOTENV_SELECTORS) select(ctx.get(s));
  const out: Array<{ file: string; shown: string; vars: Record<string, string> }> = [];
  const seen = new Set<string>();
  for (const dir of ctx.dirs) {
    const read = (name: string) => {
      const file = path.resolve(dir, name);
      return { file, vars: ctx.files.parsed(file, 'dotenv', parseDotenvFile) };
    };
    const base = ['.env', '.env.local', ...ctx.policy.signals.dotenvFiles].map(read);
    const names = new Set(selected);
    for (const b of base) for (const s of DOTENV_SELECTORS) {
      const v = b.vars?.[s];
      if (v && SELECTOR_VALUE.test(v.trim())) names.add(v.trim());
    }
    const chosen = [...names].flatMap((n) => [read(`.env.${n}`), read(`.env.${n}.local`)]);
    for (const { file, vars } of [...base, ...chosen]) {
      if (!vars || seen.has(file)) continue;
      seen.add(file);
      out.push({ file, shown: rel(ctx, file), vars });
    }
  }
  return out;
}

/** `.env`, `.env.local`, the policy's extra files, and `.env.<name>` (+ `.local`) for each selected name. */
export function dotenvFiles(ctx: SignalContext): void {
  for (const { file, shown, vars } of workspaceDotenv(ctx)) {
    for (const [k, v] of Object.entries(vars)) {
      // The terminal's own variable wins over the workspace's file (dotenv does not override);
      // the resolver still judges the file without the terminal's variables, so it cannot lower it.
      if (ctx.get(k) !== undefined) continue;
      variableSignal(ctx, k, v, `file:${shown}:${k}`, file);
    }
  }
}

export function parseDotenvFile(text: string): Record<string, string> {
  return parseDotenv(text);
}

// ---------------------------------------------------------------- kubeconfig

export interface KubeSummary {
  current?: string;
  contexts: Map<string, { cluster?: string; namespace?: string }>;
  servers: Map<string, string>;
}

export function parseKube(text: string): KubeSummary {
  // Loaded on first use: most checks never read a kubeconfig, and the parser is large.
  const doc = (require('yaml') as typeof import('yaml')).parse(text) as Record<string, unknown> | null;
  const out: KubeSummary = { contexts: new Map(), servers: new Map() };
  if (!doc || typeof doc !== 'object') return out;
  const cur = doc['current-context'];
  if (typeof cur === 'string' && cur) out.current = cur;
  for (const c of asArray(doc.contexts)) {
    const name = str(c?.name);
    const ctx = (c?.context ?? {}) as Record<string, unknown>;
    if (name && !out.contexts.has(name)) out.contexts.set(name, { cluster: str(ctx.cluster), namespace: str(ctx.namespace) });
  }
  for (const c of asArray(doc.clusters)) {
    const name = str(c?.name);
    const server = str((c?.cluster as Record<string, unknown> | undefined)?.server);
    if (name && server && !out.servers.has(name)) out.servers.set(name, server);
  }
  return out;
}

export function kubeconfig(ctx: SignalContext): void {
  const env = ctx.get('KUBECONFIG');
  const files = env ? env.split(path.delimiter).filter(Boolean).map((f) => path.resolve(ctx.cwd ?? ctx.home, f)) : [path.join(ctx.home, '.kube', 'config')];
  const docs = files.map((f) => ({ f, k: ctx.files.parsed(f, 'kubeconfig', parseKube) }));
  const withCurrent = docs.find((d) => d.k?.current);
  if (!withCurrent?.k?.current) return;
  const name = withCurrent.k.current;
  let context: { cluster?: string; namespace?: string } | undefined;
  for (const d of docs) if (!context) context = d.k?.contexts.get(name);
  let server: string | undefined;
  if (context?.cluster) for (const d of docs) if (!server) server = d.k?.servers.get(context.cluster);
  const host = server ? parseServiceUrl(server)?.hosts[0] : undefined;
  const ids: Identity[] = [{ kind: 'name', value: name }];
  if (context?.cluster && context.cluster !== name) ids.push({ kind: 'name', value: context.cluster });
  if (context?.namespace) ids.push({ kind: 'name', value: context.namespace });
  if (host) ids.push({ kind: 'host', value: host });
  const detail = [context?.cluster && `cluster ${context.cluster}`, context?.namespace && `namespace ${context.namespace}`, host && `server ${host}`].filter(Boolean).join(', ');
  emit(ctx, { signal: 'kubeconfig:current-context', value: name, source: withCurrent.f, identities: ids, detail: detail || undefined });
}

// ---------------------------------------------------------------- AWS

export function aws(ctx: SignalContext): void {
  const fromVar = ctx.get('AWS_PROFILE') !== undefined ? 'AWS_PROFILE' : ctx.get('AWS_DEFAULT_PROFILE') !== undefined ? 'AWS_DEFAULT_PROFILE' : undefined;
  const configFile = ctx.get('AWS_CONFIG_FILE') ?? path.join(ctx.home, '.aws', 'config');
  const ini = ctx.files.parsed(configFile, 'ini', parseIni);
  let profile = fromVar ? ctx.get(fromVar)! : undefined;
  if (!profile) {
    if (!ini?.has('default') && !ini?.has('profile default')) return;
    profile = 'default';
  }
  const section = profile === 'default' ? (ini?.get('default') ?? ini?.get('profile default')) : (ini?.get(`profile ${profile}`) ?? ini?.get(profile));
  const ids: Identity[] = [{ kind: 'name', value: profile }];
  const account = section?.get('sso_account_id');
  const role = section?.get('role_arn');
  const roleAccount = role ? /^arn:[^:]*:iam::(\d{12}):/.exec(role)?.[1] : undefined;
  if (account) ids.push({ kind: 'id', value: account });
  if (roleAccount) ids.push({ kind: 'id', value: roleAccount });
  if (role) ids.push({ kind: 'id', value: role });
  const detail = [account && `account ${account}`, roleAccount && !account && `account ${roleAccount}`, section?.get('region') && `region ${section.get('region')}`].filter(Boolean).join(', ');
  emit(ctx, {
    signal: 'aws:profile',
    value: profile,
    source: fromVar ? `env:${fromVar}` : configFile,
    identities: ids,
    detail: detail || undefined,
  });
}

// ---------------------------------------------------------------- gcloud

export function gcloud(ctx: SignalContext): void {
  const dir = ctx.get('CLOUDSDK_CONFIG') ?? path.join(ctx.home, '.config', 'gcloud');
  const activeFile = path.join(dir, 'active_config');
  const name = ctx.get('CLOUDSDK_ACTIVE_CONFIG_NAME') ?? ctx.files.parsed(activeFile, 'text', (t) => t.trim() || undefined) ?? 'default';
  const configFile = path.join(dir, 'configurations', `config_${name}`);
  const ini: Ini | undefined = ctx.files.parsed(configFile, 'ini', parseIni);
  const project = ctx.get('CLOUDSDK_CORE_PROJECT') ?? ini?.get('core')?.get('project');
  if (!project && name === 'default') return; // gcloud installed, nothing chosen: names no environment
  const ids: Identity[] = [];
  if (project) ids.push({ kind: 'id', value: project });
  if (name !== 'default') ids.push({ kind: 'name', value: name });
  emit(ctx, {
    signal: project ? 'gcloud:project' : 'gcloud:configuration',
    value: project ?? name,
    source: ctx.get('CLOUDSDK_CORE_PROJECT') ? 'env:CLOUDSDK_CORE_PROJECT' : configFile,
    identities: ids,
    detail: `configuration ${name}`,
  });
}

// ---------------------------------------------------------------- Azure

interface AzureDefault {
  id?: string;
  name?: string;
}

export function parseAzureProfile(text: string): AzureDefault | undefined {
  const doc = JSON.parse(text.replace(/^\uFEFF/, '')) as { subscriptions?: unknown };
  for (const s of asArray(doc?.subscriptions)) {
    if (s?.isDefault === true) return { id: str(s.id), name: str(s.name) };
  }
  return undefined;
}

export function azure(ctx: SignalContext): void {
  const dir = ctx.get('AZURE_CONFIG_DIR') ?? path.join(ctx.home, '.azure');
  const file = path.join(dir, 'azureProfile.json');
  const sub = ctx.files.parsed(file, 'azure', parseAzureProfile);
  if (!sub || (!sub.id && !sub.name)) return;
  const ids: Identity[] = [];
  if (sub.id) ids.push({ kind: 'id', value: sub.id });
  if (sub.name) ids.push({ kind: 'name', value: sub.name });
  emit(ctx, { signal: 'azure:subscription', value: sub.name ?? sub.id!, source: file, identities: ids, detail: sub.id ? `subscription ${sub.id}` : undefined });
}

// ---------------------------------------------------------------- Railway

export interface RailwayLink {
  path: string;
  name?: string;
  project?: string;
  environment?: string;
  environmentName?: string;
}

export function parseRailway(text: string): RailwayLink[] {
  const doc = JSON.parse(text) as { projects?: Record<string, unknown> };
  const out: RailwayLink[] = [];
  for (const [key, raw] of Object.entries(doc?.projects ?? {})) {
    const p = (raw ?? {}) as Record<string, unknown>;
    out.push({ path: str(p.projectPath) ?? key, name: str(p.name), project: str(p.project), environment: str(p.environment), environmentName: str(p.environmentName) });
  }
  return out;
}

export function railway(ctx: SignalContext): void {
  const from = ctx.cwd ?? ctx.root;
  if (!from) return;
  const file = path.join(ctx.home, '.railway', 'config.json');
  const links = ctx.files.parsed(file, 'railway', parseRailway);
  if (!links?.length) return;
  let best: RailwayLink | undefined;
  for (const l of links) {
    const p = path.resolve(l.path);
    if ((from === p || from.startsWith(p.endsWith(path.sep) ? p : p + path.sep)) && (!best || p.length > path.resolve(best.path).length)) best = l;
  }
  if (!best) return;
  const ids: Identity[] = [];
  if (best.environmentName) ids.push({ kind: 'name', value: best.environmentName });
  if (best.environment) ids.push({ kind: 'id', value: best.environment });
  if (best.project) ids.push({ kind: 'id', value: best.project });
  if (best.name) ids.push({ kind: 'name', value: best.name });
  emit(ctx, {
    signal: 'railway:environment',
    value: best.environmentName ?? best.environment ?? '(none)',
    source: file,
    identities: ids,
    detail: best.name || best.project ? `project ${best.name ?? best.project}` : undefined,
  });
}

// ---------------------------------------------------------------- Vercel, Fly

export function vercel(ctx: SignalContext): void {
  for (const dir of ctx.dirs) {
    const file = path.join(dir, '.vercel', 'project.json');
    const p = ctx.files.parsed(file, 'vercel', (t) => {
      const d = JSON.parse(t) as Record<string, unknown>;
      return { projectId: str(d.projectId), orgId: str(d.orgId), projectName: str(d.projectName) };
    });
    if (!p || (!p.projectId && !p.projectName)) continue;
    const ids: Identity[] = [];
    if (p.projectId) ids.push({ kind: 'id', value: p.projectId });
    if (p.projectName) ids.push({ kind: 'name', value: p.projectName });
    emit(ctx, { signal: 'vercel:project', value: p.projectName ?? p.projectId!, source: file, identities: ids, detail: p.orgId ? `org ${p.orgId}` : undefined });
  }
}

export function parseFlyApp(text: string): string | undefined {
  for (const line of text.split(/\r?\n/)) {
    if (/^\s*\[/.test(line)) break; // top-level keys only
    const m = /^\s*app\s*=\s*(?:"([^"]*)"|'([^']*)')/.exec(line);
    if (m) return (m[1] ?? m[2]) || undefined;
  }
  return undefined;
}

export function fly(ctx: SignalContext): void {
  for (const dir of ctx.dirs) {
    const file = path.join(dir, 'fly.toml');
    const app = ctx.files.parsed(file, 'fly', parseFlyApp);
    if (app) emit(ctx, { signal: 'fly:app', value: app, source: file, identities: [{ kind: 'name', value: app }] });
  }
}

// ---------------------------------------------------------------- Heroku (git remotes)

export function findGitConfig(ctx: SignalContext): string | undefined {
  let dir = ctx.cwd ?? ctx.root;
  for (let i = 0; dir && i < 40; i++) {
    const dotgit = path.join(dir, '.git');
    const st = ctx.files.stat(dotgit);
    if (st?.isDirectory) return path.join(dotgit, 'config');
    if (st?.isFile) {
      // a worktree or submodule: "gitdir: <path>"
      const gitdir = ctx.files.parsed(dotgit, 'gitfile', (t) => /^gitdir:\s*(.+)$/m.exec(t)?.[1]?.trim());
      if (!gitdir) return undefined;
      const abs = path.resolve(dir, gitdir);
      const common = ctx.files.parsed(path.join(abs, 'commondir'), 'text', (t) => t.trim() || undefined);
      return path.join(common ? path.resolve(abs, common) : abs, 'config');
    }
    if (ctx.root && dir === ctx.root) return undefined;
    const up = path.dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
  return undefined;
}

export function parseHerokuRemotes(text: string): Array<{ remote: string; app: string }> {
  const out: Array<{ remote: string; app: string }> = [];
  for (const [section, keys] of parseIni(text)) {
    const m = /^remote "(.+)"$/.exec(section);
    const url = keys.get('url');
    if (!m || !url) continue;
    const app = /heroku\.com[:/]([^/\s]+?)(?:\.git)?\/?$/i.exec(url)?.[1];
    if (app) out.push({ remote: m[1], app });
  }
  return out;
}

export function heroku(ctx: SignalContext): void {
  const file = findGitConfig(ctx);
  if (!file) return;
  for (const r of ctx.files.parsed(file, 'heroku', parseHerokuRemotes) ?? []) {
    emit(ctx, {
      signal: 'heroku:remote',
      value: `${r.remote} → ${r.app}`,
      source: file,
      identities: [
        { kind: 'name', value: r.app },
        { kind: 'name', value: r.remote },
      ],
    });
  }
}

// ---------------------------------------------------------------- Terraform

const BACKEND_KEYS = ['bucket', 'key', 'prefix', 'workspace_key_prefix', 'organization', 'storage_account_name', 'container_name', 'resource_group_name', 'path', 'region'];

interface Backend {
  type: string;
  fields: Array<[string, string]>;
}

function parseBackend(text: string): Backend | undefined {
  const doc = JSON.parse(text) as { backend?: { type?: unknown; config?: Record<string, unknown> } };
  const b = doc?.backend;
  if (!b || typeof b.type !== 'string') return undefined;
  const fields: Array<[string, string]> = [];
  const cfg = b.config ?? {};
  for (const k of BACKEND_KEYS) {
    const v = cfg[k];
    if (typeof v === 'string' && v) fields.push([k, v]);
  }
  // remote/cloud backends: workspaces { name | prefix }
  for (const w of asArray(cfg.workspaces)) {
    if (typeof w?.name === 'string' && w.name) fields.push(['workspace', w.name]);
    if (typeof w?.prefix === 'string' && w.prefix) fields.push(['workspace_prefix', w.prefix]);
  }
  return { type: b.type, fields };
}

export function terraform(ctx: SignalContext): void {
  const envWorkspace = ctx.get('TF_WORKSPACE');
  let reportedEnvOnly = false;
  for (const dir of ctx.dirs) {
    const dataDir = path.resolve(dir, ctx.get('TF_DATA_DIR') ?? '.terraform');
    const st = ctx.files.stat(dataDir);
    if (!st?.isDirectory) {
      if (envWorkspace && !reportedEnvOnly) {
        reportedEnvOnly = true;
        emit(ctx, { signal: 'terraform:workspace', value: envWorkspace, source: 'env:TF_WORKSPACE', identities: [{ kind: 'name', value: envWorkspace }] });
      }
      continue;
    }
    reportedEnvOnly = true;
    const envFile = path.join(dataDir, 'environment');
    const ws = envWorkspace ?? ctx.files.parsed(envFile, 'text', (t) => t.trim() || undefined) ?? 'default';
    const folder = ctx.root ? path.relative(ctx.root, dir).split(path.sep).join('/') : '';
    const ids: Identity[] = [{ kind: 'name', value: ws }];
    if (folder && !folder.startsWith('..')) ids.push({ kind: 'name', value: folder });
    emit(ctx, {
      signal: 'terraform:workspace',
      value: ws,
      source: envWorkspace ? 'env:TF_WORKSPACE' : envFile,
      identities: ids,
      detail: folder ? `folder ${folder}` : undefined,
    });
    const stateFile = path.join(dataDir, 'terraform.tfstate');
    const backend = ctx.files.parsed(stateFile, 'tfbackend', parseBackend);
    if (backend && backend.type !== 'local') {
      const bids: Identity[] = backend.fields.filter(([k]) => k !== 'region').map(([, v]) => ({ kind: 'id' as const, value: v }));
      const shown = backend.fields.filter(([k]) => k !== 'region').map(([k, v]) => `${k}=${v}`).join(' ');
      // The backend names where state lives, not the workspace: only its own placement counts,
      // plus the workspace (state of `default` in a production bucket is production).
      emit(ctx, { signal: 'terraform:backend', value: `${backend.type}${shown ? ' ' + shown : ''}`, source: stateFile, identities: [...bids, ...ids] });
    }
  }
}

// ---------------------------------------------------------------- helpers

export function str(v: unknown): string | undefined {
  return typeof v === 'string' && v ? v : undefined;
}

export function asArray(v: unknown): Array<Record<string, unknown> | undefined> {
  return Array.isArray(v) ? (v as Array<Record<string, unknown> | undefined>) : [];
}
