/** Shared helpers for rule packs: option scanning, path classification, hit construction. */
import { posix } from 'node:path';
import type { Category, Risk, RuleHit } from '../types';
import { DYN, type SimpleCommand, type Word } from '../shell/model';

export interface RuleContext {
  cwd?: string;
  workspaceRoot?: string;
  home?: string;
  env?: Record<string, string | undefined>;
  readFile?: (path: string) => string | undefined;
  /** `terraform show -json PLAN` for a saved plan (absolute path), when the tool is present; undefined otherwise. */
  showPlan?: (plan: string, tool: string, cwd: string | undefined) => string | undefined;
  /** Judges a command another program will run in a shell (psql `\\!`, COPY … PROGRAM) with the shell engine; `label` says who runs it. */
  shell?: (line: string, label: string) => RuleHit[];
  /** The policy's protected variable names (globs); the defaults when absent. */
  protectedVariables?: readonly string[];
}

export type Rule = (cmd: SimpleCommand, ctx: RuleContext) => RuleHit[] | RuleHit | undefined | void;

export function hit(id: string, category: Category, risk: Risk, reason: string, targets?: string[]): RuleHit {
  const h: RuleHit = { id, category, risk, reason };
  if (targets && targets.length) h.targets = targets;
  return h;
}

export const vals = (c: SimpleCommand): string[] => c.args.map((a) => a.value);

/** Positional arguments (not starting with `-`), after `--` everything is positional. */
export function positionals(args: Word[], withValue: Set<string> = new Set()): Word[] {
  const out: Word[] = [];
  let rest = false;
  for (let i = 0; i < args.length; i++) {
    const v = args[i].value;
    if (rest) {
      out.push(args[i]);
      continue;
    }
    if (v === '--') {
      rest = true;
      continue;
    }
    if (v.startsWith('-') && v.length > 1) {
      if (withValue.has(v)) i++;
      continue;
    }
    out.push(args[i]);
  }
  return out;
}

/** True if a short flag letter appears (`-rf` has r) or one of the long names. */
export function hasFlag(args: Word[] | string[], short: string, ...long: string[]): boolean {
  for (const a of args) {
    const v = typeof a === 'string' ? a : a.value;
    if (v === '--') return false;
    if (long.includes(v) || long.some((l) => v.startsWith(l + '='))) return true;
    if (short && /^-[a-zA-Z0-9]+$/.test(v) && !v.startsWith('--')) {
      for (const ch of short) if (v.includes(ch)) return true;
    }
  }
  return false;
}

/** Value of an option: `--profile prod`, `--profile=prod`, `-p prod`, `-pprod` (short only when allowAttached). */
export function optValue(args: Word[] | string[], names: string[], allowAttached = false): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const v = typeof a === 'string' ? a : a.value;
    for (const n of names) {
      if (v === n) {
        const nx = args[i + 1];
        return nx === undefined ? undefined : typeof nx === 'string' ? nx : nx.value;
      }
      if (n.startsWith('--') && v.startsWith(n + '=')) return v.slice(n.length + 1);
      if (allowAttached && !n.startsWith('--') && v.startsWith(n) && v.length > n.length) return v.slice(n.length);
    }
  }
  return undefined;
}

export function display(s: string): string {
  return s.split(DYN).join('…');
}

// ---------------------------------------------------------------- paths

export type PathKind =
  | 'root'
  | 'home'
  | 'workspace-root'
  | 'system'
  | 'git-dir'
  | 'regenerable'
  | 'temp'
  | 'workspace'
  | 'outside'
  | 'dynamic-root'
  | 'dynamic';

export interface PathInfo {
  kind: PathKind;
  /** Absolute path when known, else the text as written. */
  path: string;
}

export const REGENERABLE = new Set([
  'node_modules', 'dist', 'build', 'out', '.next', '.nuxt', '.output', '.svelte-kit', '.turbo', '.parcel-cache', '.cache', '.vite',
  '.angular', '.expo', 'target', 'coverage', '.nyc_output', '__pycache__', '.pytest_cache', '.mypy_cache', '.ruff_cache', '.tox', '.nox',
  '.venv', 'venv', '.gradle', '.dart_tool', '.terraform', 'tmp', '.tmp', 'temp', '.temp', 'bower_components', '.eslintcache',
  'storybook-static', '.docusaurus', '.serverless', '.aws-sam', 'cdk.out', 'DerivedData', 'Pods', '.stack-work', '_build', 'obj',
  '.sass-cache', '.webpack', '.yarn-cache', '.pnpm-store', '.npm', 'htmlcov', '.hypothesis', '.ipynb_checkpoints', 'Caches', '.build',
  '.vercel', '.netlify', 'lib-cov', 'jspm_packages', '.fusebox', '.dynamodb', '.wrangler', 'elm-stuff', '.cpcache', '.shadow-cljs',
  'logs', 'log', '.pytype', '.pyre', 'site', '_site', '.jekyll-cache', 'public/build', 'generated', '__generated__', '.generated', 'artifacts',
  'reports', 'test-results', 'playwright-report', 'blob-report', '.playwright', 'cypress/videos', 'cypress/screenshots', '.nx', '.rpt2_cache',
]);

const STRICT_REGEN = new Set(['node_modules', '.cache', '__pycache__', '.npm', '.pnpm-store', 'Caches', 'DerivedData']);

const REGEN_PATTERN = /(?:\.egg-info|\.pyc|\.pyo|\.o|\.class|\.tsbuildinfo|\.log|\.tmp|\.DS_Store|~|\.orig|\.rej|\.swp|\.bak|\.cache|-build|_build|\.dSYM)$/;

const TEMP_ROOTS = ['/tmp', '/var/tmp', '/private/tmp', '/private/var/folders', '/var/folders', '/dev/shm'];

const SYSTEM = new Set([
  'etc', 'usr', 'bin', 'sbin', 'lib', 'lib32', 'lib64', 'libx32', 'boot', 'var', 'opt', 'srv', 'root', 'home', 'Users', 'System',
  'Applications', 'Library', 'dev', 'proc', 'sys', 'mnt', 'media', 'snap', 'run', 'data', 'Volumes', 'private', 'nix', 'efi',
]);

const PSEUDO_WS = '/\u0001workspace';
const PSEUDO_HOME = '/\u0001home';

export function isRegenerableName(seg: string): boolean {
  return REGENERABLE.has(seg) || REGEN_PATTERN.test(seg) || /^\*\.(?:pyc|pyo|o|class|log|tmp|tsbuildinfo|orig|rej|swp|bak)$/.test(seg);
}

export function classifyPath(value: string, ctx: RuleContext, cmdCwd?: string): PathInfo {
  const home = ctx.home ?? ctx.env?.HOME;
  const ws = ctx.workspaceRoot ? stripSlash(ctx.workspaceRoot) : undefined;
  const cwd = cmdCwd ?? ctx.cwd ?? ws;
  let v = value;
  if (v.startsWith('~') && (v.length === 1 || v[1] === '/' || v[1] === DYN)) v = (home ?? PSEUDO_HOME) + v.slice(1);
  else if (v.startsWith('~')) v = '/home/' + v.slice(1);
  const dyn = v.indexOf(DYN);
  if (dyn === 0) return { kind: 'dynamic', path: display(value) };
  let abs: string;
  if (v.startsWith('/')) abs = v;
  else if (cwd && cwd.includes(DYN)) return { kind: 'dynamic', path: display(value) };
  else abs = posix.join(cwd ?? PSEUDO_WS, v);
  const cut = abs.indexOf(DYN);
  if (cut >= 0) {
    // Known prefix, unknown rest: judge by the folder that is known.
    const prefix = abs.slice(0, cut);
    const dir = prefix.endsWith('/') ? prefix : posix.dirname(prefix);
    const base = classifyAbs(posix.normalize(dir || '/'), home, ws);
    if (base.kind === 'root') return { kind: 'dynamic-root', path: display(value) };
    if (base.kind === 'temp' || base.kind === 'regenerable') return { kind: base.kind, path: display(abs) };
    if (!prefix.endsWith('/') && isRegenerableName(posix.basename(prefix) + 'x')) return { kind: 'regenerable', path: display(abs) };
    return { kind: 'dynamic', path: display(value) };
  }
  abs = posix.normalize(abs);
  return classifyAbs(abs, home, ws);
}

function stripSlash(p: string): string {
  return p.length > 1 && p.endsWith('/') ? p.slice(0, -1) : p;
}

function classifyAbs(p0: string, home: string | undefined, ws: string | undefined): PathInfo {
  let p = stripSlash(p0);
  const shown = (x: string) => x.replace(PSEUDO_WS, '.').replace(PSEUDO_HOME, '~');
  // `dir/*`, `dir/.*`, `dir/.` mean everything in dir: judged as dir itself.
  while (/\/(?:\*|\.\*|\.|\{\*,\.\*\}|\.\[!.\]\*)$/.test(p) || p === '/*') {
    p = posix.dirname(p);
  }
  const wsRoot = ws ?? PSEUDO_WS;
  const homeRoot = home ? stripSlash(home) : PSEUDO_HOME;
  if (p === '/' || p === '') return { kind: 'root', path: '/' };
  if (p === homeRoot || p === PSEUDO_HOME) return { kind: 'home', path: shown(p) };
  if (p === wsRoot) return { kind: 'workspace-root', path: shown(p) };
  // A folder that holds the workspace (a workspace kept under /tmp, say) is as bad as its root.
  if (ws && wsRoot.startsWith(p + '/')) return { kind: 'workspace-root', path: shown(p) };
  const inWs = p.startsWith(wsRoot + '/');
  // Inside the workspace only build-folder names are regenerable, wherever the workspace lives.
  if (!inWs) {
    for (const t of TEMP_ROOTS) {
      if (p === t || p.startsWith(t + '/')) return { kind: 'temp', path: p };
    }
    if (/^\/(?:private\/)?var\/folders\//.test(p)) return { kind: 'temp', path: p };
  }
  const rel = inWs ? p.slice(wsRoot.length + 1) : p.startsWith(homeRoot + '/') ? p.slice(homeRoot.length + 1) : p.slice(1);
  const segs = rel.split('/');
  if (inWs && segs[0] === '.git' && segs.length === 1) return { kind: 'git-dir', path: shown(p) };
  const regenIdx = segs.findIndex((s, i) => isRegenerableName(s) || (i + 1 < segs.length && REGENERABLE.has(s + '/' + segs[i + 1])));
  if (regenIdx >= 0 && !(segs[0] === '.git')) {
    if (inWs || p.startsWith(homeRoot + '/') || !SYSTEM.has(segs[0]) || STRICT_REGEN.has(segs[regenIdx])) return { kind: 'regenerable', path: shown(p) };
  }
  if (inWs) return { kind: 'workspace', path: shown(p) };
  if (p.startsWith(homeRoot + '/')) {
    // Home dotfolders holding credentials or settings are treated like system folders.
    return { kind: 'outside', path: shown(p) };
  }
  if (!ws && p.startsWith(PSEUDO_WS + '/')) return { kind: 'workspace', path: shown(p) };
  const top = p.split('/').filter(Boolean);
  if (top.length === 1) return { kind: 'system', path: p };
  if (top.length === 2 && SYSTEM.has(top[0])) return { kind: 'system', path: p };
  if (top[0] === 'home' || top[0] === 'Users') {
    if (top.length === 2) return { kind: 'home', path: p };
  }
  return { kind: 'outside', path: p };
}

export const PATH_RANK: Record<PathKind, number> = {
  regenerable: 0,
  temp: 0,
  workspace: 1,
  'git-dir': 2,
  dynamic: 2,
  outside: 2,
  system: 3,
  home: 3,
  'workspace-root': 3,
  root: 3,
  'dynamic-root': 3,
};

export function describePath(p: PathInfo): string {
  switch (p.kind) {
    case 'root':
      return 'the root folder /';
    case 'home':
      return `the home folder ${p.path}`;
    case 'workspace-root':
      return `the whole workspace (${p.path})`;
    case 'system':
      return `the system folder ${p.path}`;
    case 'git-dir':
      return 'the repository history (.git)';
    case 'dynamic-root':
      return `${p.path}, which can expand to /`;
    case 'dynamic':
      return `${p.path}, a path only known when it runs`;
    case 'outside':
      return `${p.path}, outside the workspace`;
    case 'workspace':
      return `${p.path} in the workspace`;
    default:
      return p.path;
  }
}

/** Host of a URL-like string. */
export function hostOf(url: string): string | undefined {
  const m = /^(?:[a-z][a-z0-9+.-]*:\/\/)?(?:[^@/\s]*@)?(\[[^\]]+\]|[^:/?#\s]+)/i.exec(url);
  return m ? m[1].toLowerCase() : undefined;
}

/** Masks credentials in a URL (`postgres://user:secret@host` → `postgres://user:***@host`). */
export function maskUrl(url: string): string {
  return url.replace(/(\/\/[^:/@\s]+):[^@/\s]+@/, '$1:***@');
}

export function isLocalHost(host: string | undefined): boolean {
  if (!host) return false;
  return /^(localhost|127\.\d+\.\d+\.\d+|0\.0\.0\.0|\[::1\]|::1|host\.docker\.internal|[\w-]+\.(?:localhost|test|internal))$/.test(host);
}
