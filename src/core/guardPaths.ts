/**
 * The one registry of guard paths: the files that hold TwoKey's own guard (its policy, its
 * audit log, its per-user state folder with the chain heads, the chain key and the hook
 * launcher) and the agents' hook and approval settings. The engine's guard-file rule, the
 * agent hooks' read and edit classification, the credential watch and the gates' prefilter
 * all ask here.
 *
 * A path is matched on what it really names: relative to the directory the command runs
 * in (after a `cd` on the same line), with `~` expanded, globs expanded against the file
 * system as the shell would (`.tw*`), and symlinks resolved (a link to `.twokey` or to the
 * state folder is the guard path itself). A recursive target that contains a guard folder
 * (`rm -rf ~/.local/state`) counts too.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Minimatch } from 'minimatch';
import { defaultStateDir } from './audit/head';

/** audit: the audit log; state: TwoKey's state folder; secret: the chain key; guard: policy and hook settings. */
export type GuardPathKind = 'audit' | 'state' | 'secret' | 'guard';

export interface GuardPathEntry {
  /** A glob relative to the folder it lives in (`/` separators, dot files matched). */
  glob: string;
  kind: GuardPathKind;
  /** Where it lives: in any folder (a workspace or a parent of one), in the home folder, or in the state folder. */
  in: 'any' | 'home' | 'state';
  /** Said in messages. */
  label: string;
}

/** The registry. `in: 'any'` entries also match in the home folder. */
export const GUARD_PATHS: readonly GuardPathEntry[] = [
  { glob: '.twokey/audit*', kind: 'audit', in: 'any', label: "TwoKey's audit log" },
  { glob: '.twokey', kind: 'guard', in: 'any', label: "TwoKey's policy folder" },
  { glob: '.twokey/policy.json', kind: 'guard', in: 'any', label: "TwoKey's policy" },
  { glob: '.twokey/**', kind: 'guard', in: 'any', label: "TwoKey's policy" },
  { glob: '.cursor/hooks.json', kind: 'guard', in: 'any', label: "Cursor's hooks" },
  { glob: '.cursor/hooks/**', kind: 'guard', in: 'any', label: "Cursor's hooks" },
  { glob: '.claude/settings.json', kind: 'guard', in: 'any', label: "Claude Code's settings" },
  { glob: '.claude/settings.*.json', kind: 'guard', in: 'any', label: "Claude Code's settings" },
  { glob: '.claude/hooks/**', kind: 'guard', in: 'any', label: "Claude Code's hooks" },
  { glob: '.codex/config.toml', kind: 'guard', in: 'any', label: "Codex's settings" },
  { glob: '.codex/hooks.json', kind: 'guard', in: 'any', label: "Codex's hooks" },
  { glob: '.codex/hooks/**', kind: 'guard', in: 'any', label: "Codex's hooks" },
  { glob: '.gemini/settings.json', kind: 'guard', in: 'any', label: "Gemini's settings" },
  { glob: '.github/hooks/**', kind: 'guard', in: 'any', label: "Copilot's hooks" },
  { glob: '.copilot/config*', kind: 'guard', in: 'any', label: "Copilot's settings" },
  { glob: '.copilot/hooks/**', kind: 'guard', in: 'any', label: "Copilot's hooks" },
  { glob: '.windsurf/hooks.json', kind: 'guard', in: 'any', label: "Windsurf's hooks" },
  { glob: '.windsurf/hooks/**', kind: 'guard', in: 'any', label: "Windsurf's hooks" },
  { glob: '.codeium/windsurf/hooks.json', kind: 'guard', in: 'any', label: "Windsurf's hooks" },
  { glob: '.clinerules/hooks/**', kind: 'guard', in: 'any', label: "Cline's hooks" },
  { glob: 'Documents/Cline/Hooks/**', kind: 'guard', in: 'home', label: "Cline's hooks" },
  { glob: '.amazonq/**/*hooks*', kind: 'guard', in: 'any', label: "Amazon Q's hooks" },
  { glob: '.kiro/hooks/**', kind: 'guard', in: 'any', label: "Kiro's hooks" },
  { glob: '.vscode/settings.json', kind: 'guard', in: 'any', label: "the editor's workspace settings" },
  { glob: '.config/twokey/**', kind: 'guard', in: 'home', label: "TwoKey's user settings" },
  { glob: 'audit-key', kind: 'secret', in: 'state', label: "TwoKey's audit chain key" },
  { glob: 'audit-key.*', kind: 'secret', in: 'state', label: "TwoKey's audit chain key" },
  { glob: '', kind: 'state', in: 'state', label: "TwoKey's state folder (chain heads, chain key, hook launcher)" },
  { glob: '**', kind: 'state', in: 'state', label: "TwoKey's state folder (chain heads, chain key, hook launcher)" },
];

/**
 * Words whose presence on a command line can mean a guard path, for a cheap substring
 * prefilter before the full check (a gate's first look). A glob or a symlink can hide the
 * name: a prefilter must also let through any line with a glob character or a `cd`.
 */
export const GUARD_PATH_WORDS: readonly string[] = ['.twokey', 'twokey', 'hooks.json', '.claude', '.cursor', '.codex', '.gemini', '.github/hooks', '.copilot', '.windsurf', '.codeium', '.clinerules', 'Cline/Hooks', '.amazonq', '.kiro', '.vscode/settings', '.local/state'];

export interface GuardPathContext {
  /** The directory the path is relative to. */
  cwd?: string;
  /** Workspace roots (their `.twokey` counts as contained in a recursive target). */
  roots?: readonly (string | undefined)[];
  home?: string;
  env?: Record<string, string | undefined>;
  /** The state folder (default: from env as the CLI finds it). */
  stateDir?: string;
  /** The folder a relative path is relative to is only known when it runs (`cd "$X"; rm audit.jsonl`). */
  cwdUnknown?: boolean;
}

export interface GuardPathMatch {
  kind: GuardPathKind;
  label: string;
  /** The path that matched (absolute, after globs and symlinks). */
  path: string;
  /** True when the target is a folder that contains the guard path rather than the path itself. */
  contains?: boolean;
}

const GLOB_CHARS = /[*?[]/;
const MAX_EXPANSIONS = 256;
const matchers = new Map<string, Minimatch>();
const mm = (g: string) => {
  let m = matchers.get(g);
  if (!m) matchers.set(g, (m = new Minimatch(g, { dot: true })));
  return m;
};

const posixOf = (p: string) => p.split(path.sep).join('/');

function stateDirOf(ctx: GuardPathContext): string {
  const env = ctx.env ?? process.env;
  if (ctx.stateDir) return ctx.stateDir;
  if (env.TWOKEY_STATE_DIR || env.XDG_STATE_HOME) return defaultStateDir(env as NodeJS.ProcessEnv);
  return ctx.home ? path.join(ctx.home, '.local', 'state', 'twokey') : defaultStateDir(env as NodeJS.ProcessEnv);
}

/** The real path of p, resolving the longest existing prefix (the rest may not exist yet). */
export function realPathOf(p: string): string {
  let cur = path.resolve(p);
  const rest: string[] = [];
  for (let i = 0; i < 256; i++) {
    try {
      const real = fs.realpathSync.native(cur);
      return rest.length ? path.join(real, ...rest.reverse()) : real;
    } catch {
      const up = path.dirname(cur);
      if (up === cur) break;
      rest.push(path.basename(cur));
      cur = up;
    }
  }
  return path.resolve(p);
}

/** Expand shell globs in an absolute path against the file system (dot files only for a pattern starting with a dot, as bash does). */
function expandGlob(abs: string): string[] {
  const parts = abs.split('/');
  let paths = [parts[0] === '' ? '/' : parts[0]];
  for (let i = 1; i < parts.length; i++) {
    const seg = parts[i];
    if (seg === '') continue;
    if (!GLOB_CHARS.test(seg)) {
      paths = paths.map((p) => path.join(p, seg));
      continue;
    }
    const m = new Minimatch(seg, { dot: seg.startsWith('.') });
    const next: string[] = [];
    for (const p of paths) {
      let names: string[];
      try {
        names = fs.readdirSync(p);
      } catch {
        continue;
      }
      for (const n of names) if (m.match(n) && next.length < MAX_EXPANSIONS) next.push(path.join(p, n));
    }
    paths = next;
    if (!paths.length) break;
  }
  return paths;
}

function relInside(file: string, dir: string): string | undefined {
  const rel = path.relative(dir, file);
  if (rel === '') return '';
  if (rel.startsWith('..') || path.isAbsolute(rel)) return undefined;
  return posixOf(rel);
}

/** Match one concrete absolute path (already real) against the registry. */
function matchConcrete(abs: string, homeReal: string | undefined, stateReal: string): GuardPathMatch | undefined {
  const inState = relInside(abs, stateReal);
  if (inState !== undefined) {
    for (const e of GUARD_PATHS) {
      if (e.in !== 'state') continue;
      if (e.glob === '' ? inState === '' : inState !== '' && mm(e.glob).match(inState)) return { kind: e.kind, label: e.label, path: abs };
    }
  }
  // `in: 'any'`: the entry's first segment may sit in any folder: try each ancestor whose
  // name starts an entry (all of them start with a literal folder or file name).
  const p = posixOf(abs);
  const segs = p.split('/');
  let best: GuardPathMatch | undefined;
  for (let i = 1; i < segs.length; i++) {
    if (!FIRST_SEGMENTS.has(segs[i])) continue;
    const rel = segs.slice(i).join('/');
    if (!rel) continue;
    for (const e of GUARD_PATHS) {
      if (e.in !== 'any') continue;
      if (mm(e.glob).match(rel)) {
        const m = { kind: e.kind, label: e.label, path: abs };
        if (!best || rank(m.kind) > rank(best.kind)) best = m;
      }
    }
    if (best) return best;
  }
  if (homeReal) {
    const inHome = relInside(abs, homeReal);
    if (inHome) for (const e of GUARD_PATHS) if (e.in === 'home' && mm(e.glob).match(inHome)) return { kind: e.kind, label: e.label, path: abs };
  }
  return undefined;
}

/**
 * A relative path in a folder known only when it runs may be inside any guard folder: it
 * matches when it is the tail of an entry (`audit.jsonl` of `.twokey/audit*`; a bare `**`
 * tail, which every path would match, does not count).
 */
function tailMatch(rel: string): GuardPathMatch | undefined {
  let best: GuardPathMatch | undefined;
  for (const e of GUARD_PATHS) {
    if (e.in !== 'any') continue;
    const segs = e.glob.split('/');
    for (let i = 1; i < segs.length; i++) {
      const tail = segs.slice(i);
      if (tail.every((t) => t === '**')) continue;
      if (mm(tail.join('/')).match(rel) && (!best || rank(e.kind) > rank(best.kind))) best = { kind: e.kind, label: e.label, path: rel };
    }
  }
  return best;
}

const FIRST_SEGMENTS = new Set(GUARD_PATHS.filter((e) => e.in === 'any').map((e) => e.glob.split('/')[0]));

/** Real paths of the home and state folders, looked up at most once a second. */
const realCache = new Map<string, { real: string; at: number }>();
function cachedReal(p: string): string {
  const now = Date.now();
  const hit = realCache.get(p);
  if (hit && now - hit.at < 1000) return hit.real;
  const real = realPathOf(p);
  if (realCache.size > 64) realCache.clear();
  realCache.set(p, { real, at: now });
  return real;
}

const rank = (k: GuardPathKind) => ({ guard: 0, state: 1, audit: 2, secret: 3 })[k];

/**
 * What guard path `file` names, if any (the most sensitive when a glob names several).
 * `recursive`: the command acts on everything under a folder (rm -r, chmod -R, mv of a
 * folder): a folder that contains a workspace's `.twokey` or the state folder counts.
 */
export function guardPathOf(file: string, ctx: GuardPathContext = {}, opts: { recursive?: boolean } = {}): GuardPathMatch | undefined {
  if (!file) return undefined;
  const home = ctx.home ?? ctx.env?.HOME;
  let f = file;
  if (home && (f === '~' || f.startsWith('~/'))) f = home + f.slice(1);
  if (ctx.cwdUnknown && !path.isAbsolute(f)) {
    const tail = tailMatch(posixOf(f));
    if (tail) return tail;
  }
  const base = ctx.cwd && path.isAbsolute(ctx.cwd) ? ctx.cwd : ctx.roots?.find((r): r is string => !!r) ?? process.cwd();
  const abs = path.resolve(base, f);
  const stateReal = cachedReal(stateDirOf(ctx));
  const homeReal = home ? cachedReal(home) : undefined;
  const candidates = GLOB_CHARS.test(f) ? expandGlob(abs) : [abs];
  let best: GuardPathMatch | undefined;
  const consider = (m: GuardPathMatch | undefined) => {
    if (m && (!best || rank(m.kind) > rank(best.kind))) best = m;
  };
  for (const c of candidates) {
    // Lexically first (a name that is a guard path whatever it points to), then really.
    consider(matchConcrete(path.resolve(c), home ? path.resolve(home) : undefined, path.resolve(stateDirOf(ctx))));
    const real = realPathOf(c);
    consider(matchConcrete(real, homeReal, stateReal));
    if (opts.recursive) {
      // A folder that is, or holds, a `.twokey` holds an audit log.
      const dotTwokey = path.basename(real) === '.twokey' ? real : path.join(real, '.twokey');
      if (dotTwokey !== real ? fs.existsSync(dotTwokey) : true) consider({ kind: 'audit', label: "TwoKey's audit log", path: dotTwokey, contains: true });
      const inside = [stateReal, ...(ctx.roots ?? []).filter((r): r is string => !!r).map((r) => realPathOf(path.join(r, '.twokey')))];
      for (const g of inside) {
        const rel = relInside(g, real);
        if (rel) consider({ kind: g === stateReal ? 'state' : 'guard', label: g === stateReal ? "TwoKey's state folder" : "TwoKey's policy folder", path: g, contains: true });
      }
    }
  }
  return best;
}
