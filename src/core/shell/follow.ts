/**
 * Follows a command to the file that really runs: a script (`bash x.sh`, `./x.sh`,
 * `source x`, `python3 x.py`), a package script (`npm run wipe` with its pre/post scripts),
 * a make target, a just recipe, a Taskfile task, a composer script. The file is read at
 * check time through the engine's injected FileSource (or taken from what the same line
 * wrote earlier), analysed by the same engine, and every command found in it carries the
 * file and line it came from.
 */
import { posix } from 'node:path';
import { DYN, type SimpleCommand, type Word } from './model';
import { parseFile, resolvePath, type WalkContext } from './extract';
import { codeToShell, type CodeLang } from './code';
import { describeProblem, type FileRead } from './files';

/** What the engine knows of a file's content at this point of the line. */
export type Content = { text: string; path: string } | { unknown: string; path: string } | { none: true; path: string; maybeCreated?: boolean };

const CREATED_LATE = 'it does not exist when checked, so an earlier command on the line creates it';

/** True when other commands ran earlier on the line (one of them may create the file: an unpacked archive, a checkout). */
function ranBefore(c: SimpleCommand, ctx: WalkContext): boolean {
  return ctx.out.commands.some((x) => x.raw !== c.raw && !/^(?:cd|pushd|popd|echo|printf|true|export|set|chmod|ls|pwd|test|\[)$/.test(x.name));
}

/** A missing file that an earlier command may create is unknown; otherwise nothing runs. */
function settle(r: Content | undefined): Content | undefined {
  return r && 'none' in r && r.maybeCreated ? { unknown: CREATED_LATE, path: r.path } : r;
}

/** Reads `path` (relative to the command's folder) for following; undefined when the engine reads no files. */
export function readForFollow(path: string, c: SimpleCommand, ctx: WalkContext): Content | undefined {
  const cwd = c.cwd ?? ctx.cwd;
  const abs = path.includes(DYN) ? DYN : resolvePath(path, cwd, ctx.home);
  if (abs.includes(DYN) || !abs.startsWith('/')) {
    return ctx.files || ctx.written.size ? { unknown: 'its name is only known when it runs', path: display(path) } : undefined;
  }
  if (ctx.written.has(abs)) {
    const w = ctx.written.get(abs);
    if (w && w.text !== undefined) return { text: w.text, path: abs };
    return { unknown: `it is written earlier on the same line by ${w?.by ?? 'another command'}, so its content is only known when it runs`, path: abs };
  }
  if (!ctx.files) return undefined;
  const r: FileRead = ctx.files.read(abs);
  if ('text' in r) return { text: r.text, path: abs };
  if (r.problem === 'missing') return { none: true, path: abs, maybeCreated: ranBefore(c, ctx) };
  return { unknown: describeProblem(r.problem), path: abs };
}

function display(p: string): string {
  return p.split(DYN).join('…');
}

/** The path as people read it: relative to the workspace (or the terminal's folder) when inside it. */
export function shortPath(abs: string, ctx: WalkContext): string {
  for (const base of [ctx.workspaceRoot, ctx.cwd]) {
    if (base && !base.includes(DYN) && abs.startsWith(base.replace(/\/$/, '') + '/')) return abs.slice(base.replace(/\/$/, '').length + 1);
  }
  return abs;
}

function unknownFile(c: SimpleCommand, ctx: WalkContext, what: string, content: { unknown: string; path: string }): void {
  const shown = content.path.startsWith('/') ? shortPath(content.path, ctx) : content.path;
  ctx.out.unanalysable.push({ reason: `${what} runs ${shown}, which ${content.unknown.startsWith('it ') ? content.unknown.slice(3) : content.unknown}`, text: c.raw.slice(0, 200) });
}

// ---------------------------------------------------------------- scripts

const SHEBANG_LANG: Record<string, CodeLang | 'shell'> = {
  sh: 'shell', bash: 'shell', zsh: 'shell', dash: 'shell', ksh: 'shell', ash: 'shell', mksh: 'shell', busybox: 'shell',
  python: 'python', python2: 'python', python3: 'python', pypy: 'python', pypy3: 'python',
  node: 'js', nodejs: 'js', bun: 'js', deno: 'js', tsx: 'js', 'ts-node': 'js',
  perl: 'perl', ruby: 'ruby', php: 'php',
};

const EXT_LANG: Record<string, CodeLang | 'shell'> = {
  '.sh': 'shell', '.bash': 'shell', '.zsh': 'shell', '.py': 'python', '.js': 'js', '.mjs': 'js', '.cjs': 'js', '.ts': 'js', '.mts': 'js', '.cts': 'js',
  '.rb': 'ruby', '.pl': 'perl', '.php': 'php',
};

/** The language a file is written in: its shebang, else its extension, else the given default. */
export function languageOf(text: string, path: string, fallback: CodeLang | 'shell'): CodeLang | 'shell' {
  const m = /^#!\s*(\S+)(?:\s+(?:-\S+\s+)*(\S+))?/.exec(text);
  if (m) {
    let prog = posix.basename(m[1]);
    if (prog === 'env' && m[2]) prog = posix.basename(m[2]);
    prog = prog.replace(/\d+(?:\.\d+)*$/, (d) => (SHEBANG_LANG[prog] ? d : ''));
    const lang = SHEBANG_LANG[prog] ?? SHEBANG_LANG[prog.replace(/[\d.]+$/, '')];
    if (lang) return lang;
  }
  return EXT_LANG[posix.extname(path)] ?? fallback;
}

/**
 * Follows a script file: `label` is how it was run (`bash x.sh`, `./x.sh`, `python3 x.py`).
 * Returns false when the engine reads no files (the caller keeps its old behaviour).
 */
export function followScript(c: SimpleCommand, ctx: WalkContext, file: Word, label: string, lang: CodeLang | 'shell' | undefined, sourced = false): boolean {
  if (/^[<>]\(/.test(file.raw)) return false;
  const content = settle(readForFollow(file.value, c, ctx));
  if (!content) return false;
  if ('none' in content) return true;
  if ('unknown' in content) {
    unknownFile(c, ctx, `\`${label}\``, content);
    return true;
  }
    const key = content.path;
  if (ctx.following.has(key)) return true;
  const l = languageOf(content.text, content.path, lang ?? 'shell');
  ctx.following.add(key);
  // A script run by a new process keeps its cd, variables and aliases; `source` shares ours.
  const saved = sourced ? undefined : { cwd: ctx.cwd, vars: ctx.vars, aliases: ctx.aliases, errexit: ctx.errexit };
  if (saved) {
    ctx.vars = new Map(ctx.vars);
    ctx.aliases = new Map(ctx.aliases);
    ctx.errexit = false;
  }
  try {
    if (l === 'shell') parseFile(content.text, ctx, label, { file: shortPath(content.path, ctx), base: 0 });
    else followCode(c, ctx, l, content.text, shortPath(content.path, ctx), label);
  } finally {
    ctx.following.delete(key);
    if (saved) Object.assign(ctx, saved);
  }
  return true;
}

/** Code in another language: translated into the shell commands it runs, each cited by the line that runs it. */
function followCode(c: SimpleCommand, ctx: WalkContext, lang: CodeLang, text: string, file: string, label: string): void {
  const script = codeToShell(lang, text.split(DYN).join('__dynamic__'));
  if (script.unanalysable) ctx.out.unanalysable.push({ reason: `${script.unanalysable} (${file})`, text: c.raw.slice(0, 200) });
  if (script.lines.length === 0) return;
  const src = text.split('\n');
  const perLine: string[][] = src.map((l) => (l.length < 4000 && /\w\s*[(`'"]|`/.test(l) ? codeToShell(lang, l).lines : []));
  for (const out of script.lines) {
    const row = perLine.findIndex((ls) => ls.includes(out));
    parseFile(out, ctx, label, { file, base: row >= 0 ? row : -1 });
  }
}

// ---------------------------------------------------------------- package scripts

/** Line (0-based) of the first occurrence of `needle` in text, or -1. */
function lineOf(text: string, needle: string, from = 0): number {
  const i = text.indexOf(needle, from);
  if (i < 0) return -1;
  let n = 0;
  for (let k = 0; k < i; k++) if (text.charCodeAt(k) === 10) n++;
  return n;
}

/** Finds the nearest `name` in the command's folder or its parents (up to the filesystem root). */
function nearest(name: string, c: SimpleCommand, ctx: WalkContext, dir?: string): Content | undefined {
  const cwd = dir ? resolvePath(dir, c.cwd ?? ctx.cwd, ctx.home) : (c.cwd ?? ctx.cwd);
  if (!cwd || cwd.includes(DYN)) return ctx.files ? { unknown: `the folder it runs in is only known when it runs`, path: name } : undefined;
  let d = cwd;
  for (let i = 0; i < 12; i++) {
    const r = readForFollow(posix.join(d, name), { ...c, cwd: d }, ctx);
    if (!r) return undefined;
    if (!('none' in r)) return r;
    if (dir) return r; // only that folder
    const up = posix.dirname(d);
    if (up === d) return r;
    d = up;
  }
  return undefined;
}

const NPM_LIFECYCLE_INSTALL = ['preinstall', 'install', 'postinstall', 'prepublish', 'preprepare', 'prepare', 'postprepare'];
const NPM_BUILTIN_SCRIPT: Record<string, string> = { test: 'test', t: 'test', tst: 'test', start: 'start', stop: 'stop', restart: 'restart' };
/** pnpm/yarn/bun subcommands that are not script names (`pnpm build` runs a script, `pnpm add` does not). */
const PM_COMMANDS = new Set([
  'add', 'install', 'i', 'ci', 'remove', 'rm', 'uninstall', 'un', 'update', 'up', 'upgrade', 'outdated', 'list', 'ls', 'll', 'la', 'why', 'info', 'view', 'show',
  'init', 'create', 'link', 'unlink', 'publish', 'pack', 'config', 'set', 'get', 'cache', 'store', 'audit', 'login', 'logout', 'whoami', 'help', 'version',
  'exec', 'dlx', 'x', 'run', 'run-script', 'rebuild', 'prune', 'dedupe', 'import', 'patch', 'patch-commit', 'env', 'root', 'bin', 'workspace', 'workspaces',
  'self-update', 'setup', 'doctor', 'licenses', 'deploy', 'fetch', 'plugin', 'constraints', 'dedup', 'explain', 'node', 'npm', 'pm', 'build', 'test', 'start',
  'global', 'tag', 'owner', 'team', 'profile', 'token', 'search', 'repo', 'docs', 'bugs', 'edit', 'explore', 'fund', 'ping', 'prefix', 'sbom', 'query', 'restart', 'stop',
  'upgrade-interactive', 'unplug', 'up', 'recursive', '-r', 'filter', 'completion', 'server', 'dev', 'preview',
]);

/** Which script names `npm|pnpm|yarn|bun …` runs, or undefined when it runs none. */
export function packageScriptsRun(name: string, args: Word[]): { scripts: string[]; install?: boolean } | undefined {
  const pos = args.filter((a) => !a.value.startsWith('-'));
  const v0 = pos[0]?.value;
  if (v0 === undefined) return name === 'yarn' || name === 'pnpm' || name === 'bun' ? undefined : undefined;
  if (v0 === 'run' || v0 === 'run-script' || v0 === 'rum' || v0 === 'urn') {
    const s = pos[1]?.value;
    return s ? { scripts: [s] } : undefined;
  }
  if (NPM_BUILTIN_SCRIPT[v0]) return { scripts: [NPM_BUILTIN_SCRIPT[v0]] };
  if ((v0 === 'install' || v0 === 'i' || v0 === 'ci' || v0 === 'add') && pos.length === 1 && v0 !== 'add') return { scripts: [], install: true };
  if (name !== 'npm' && !PM_COMMANDS.has(v0) && !v0.includes('/') && !v0.includes(DYN)) return { scripts: [v0] };
  if (name !== 'npm' && (v0 === 'build' || v0 === 'dev' || v0 === 'preview')) return { scripts: [v0] };
  return undefined;
}

/** Follows `npm run NAME` and friends into package.json (pre and post scripts included). */
export function followPackageScripts(c: SimpleCommand, ctx: WalkContext, manager: string): boolean {
  const run = packageScriptsRun(manager, c.args);
  if (!run) return false;
  const prefix = c.args.findIndex((a) => a.value === '--prefix' || a.value === '-C' || a.value === '--cwd' || a.value === '--dir');
  const dir = prefix >= 0 ? c.args[prefix + 1]?.value : undefined;
  const pkg = settle(dir ? readForFollow(posix.join(dir, 'package.json'), c, ctx) : nearest('package.json', c, ctx));
  if (!pkg || 'none' in pkg) return !!pkg;
  if ('unknown' in pkg) {
    unknownFile(c, ctx, `\`${manager} ${c.args.map((a) => a.raw).join(' ')}\``, pkg);
    return true;
  }
  let json: { scripts?: Record<string, unknown> };
  try {
    json = JSON.parse(pkg.text) as typeof json;
  } catch {
    ctx.out.unanalysable.push({ reason: `${shortPath(pkg.path, ctx)} is not valid JSON, so its scripts cannot be checked`, text: c.raw.slice(0, 200) });
    return true;
  }
  const scripts = json.scripts && typeof json.scripts === 'object' ? json.scripts : {};
  const names = run.install ? NPM_LIFECYCLE_INSTALL : run.scripts.flatMap((s) => [`pre${s}`, s, `post${s}`]);
  const file = shortPath(pkg.path, ctx);
  const scriptsAt = pkg.text.indexOf('"scripts"');
  const extra = c.args.slice(c.args.findIndex((a) => a.value === '--') + 1 || c.args.length);
  for (const n of names) {
    const body = scripts[n];
    if (typeof body !== 'string') continue;
    const key = `${pkg.path}#${n}`;
    if (ctx.following.has(key)) continue;
    ctx.following.add(key);
    try {
      const line = lineOf(pkg.text, JSON.stringify(n) + ':', Math.max(0, scriptsAt)) ;
      const text = n === run.scripts[0] && extra.length ? body + ' ' + extra.map((w) => w.raw).join(' ') : body;
      parseFile(text, ctx, `${manager} run ${n}`, { file, base: line });
    } finally {
      ctx.following.delete(key);
    }
  }
  return true;
}

/** composer run NAME / composer NAME: composer.json scripts (a string or a list; `@other` calls another). */
export function followComposer(c: SimpleCommand, ctx: WalkContext): boolean {
  const pos = c.args.filter((a) => !a.value.startsWith('-'));
  let script = pos[0]?.value === 'run-script' || pos[0]?.value === 'run' ? pos[1]?.value : pos[0]?.value;
  if (!script || ['install', 'update', 'require', 'remove', 'show', 'dump-autoload', 'validate', 'outdated', 'init', 'config', 'global', 'create-project', 'search', 'diagnose', 'list', 'help', 'about', 'status', 'why', 'depends', 'audit', 'self-update', 'clear-cache', 'exec', 'licenses', 'fund', 'bump', 'check-platform-reqs', 'archive', 'browse', 'home', 'suggests', 'prohibits', 'reinstall', 'upgrade', 'u', 'i'].includes(script)) {
    if (script === 'install' || script === 'i' || script === 'update' || script === 'u') script = script.startsWith('i') ? 'post-install-cmd' : 'post-update-cmd';
    else return false;
  }
  const file = settle(nearest('composer.json', c, ctx));
  if (!file || 'none' in file) return !!file;
  if ('unknown' in file) {
    unknownFile(c, ctx, '`composer`', file);
    return true;
  }
  let json: { scripts?: Record<string, unknown> };
  try {
    json = JSON.parse(file.text) as typeof json;
  } catch {
    return true;
  }
  const scripts = json.scripts ?? {};
  const shown = shortPath(file.path, ctx);
  const run = (name: string, depth: number): void => {
    if (depth > 6) return;
    const names = name.startsWith('post-') || name.startsWith('pre-') ? [name] : [`pre-${name}`, name, `post-${name}`];
    for (const n of names) {
      const body = scripts[n];
      const list = typeof body === 'string' ? [body] : Array.isArray(body) ? body.filter((x): x is string => typeof x === 'string') : [];
      for (const cmd of list) {
        if (cmd.startsWith('@') && !/^@(php|composer|putenv)\b/.test(cmd)) run(cmd.slice(1).split(/\s/)[0], depth + 1);
        else if (!/^[A-Z][\w\\]*::\w+$/.test(cmd)) parseFile(cmd.replace(/^@(php|composer)\b/, '$1'), ctx, `composer run ${n}`, { file: shown, base: lineOf(file.text, JSON.stringify(cmd).slice(1, -1)) });
      }
    }
  };
  run(script, 0);
  return true;
}

// ---------------------------------------------------------------- make

interface MakeRule {
  prereqs: string[];
  recipe: { text: string; line: number }[];
}

interface Makefile {
  vars: Map<string, string>;
  rules: Map<string, MakeRule>;
  first?: string;
}

function parseMakefile(text: string): Makefile {
  const vars = new Map<string, string>();
  const rules = new Map<string, MakeRule>();
  let first: string | undefined;
  const raw = text.split('\n');
  // Logical lines: backslash-newline joins, keeping the first physical line's number.
  const lines: { text: string; line: number }[] = [];
  for (let i = 0; i < raw.length; i++) {
    let t = raw[i];
    const start = i;
    while (t.endsWith('\\') && i + 1 < raw.length) t = t.slice(0, -1) + ' ' + raw[++i].replace(/^\t/, '');
    lines.push({ text: t.replace(/\r$/, ''), line: start });
  }
  let current: MakeRule[] = [];
  for (const { text: l, line } of lines) {
    if (l.startsWith('\t')) {
      for (const r of current) r.recipe.push({ text: l.slice(1), line });
      continue;
    }
    const t = l.replace(/(^|[^\\])#.*$/, '$1').trim();
    if (!t) continue;
    const v = /^(?:export\s+|override\s+)?([A-Za-z_][\w.-]*)\s*(::?=|:::=|\?=|\+=|!=|=)\s*(.*)$/.exec(t);
    if (v) {
      const [, name, op, value] = v;
      if (op === '?=' && vars.has(name)) continue;
      if (op === '+=') vars.set(name, ((vars.get(name) ?? '') + ' ' + value).trim());
      else if (op === '!=') vars.set(name, '$(shell)');
      else vars.set(name, value);
      current = [];
      continue;
    }
    if (/^(?:-?include|sinclude|ifeq|ifneq|ifdef|ifndef|else|endif|define|endef|export|unexport|vpath)\b/.test(t)) {
      continue;
    }
    const r = /^([^:=]+?)\s*::?\s*(?!=)(.*)$/.exec(t);
    if (r) {
      const targets = r[1].split(/\s+/).filter(Boolean);
      let rest = r[2];
      let inline: string | undefined;
      const semi = rest.indexOf(';');
      if (semi >= 0) {
        inline = rest.slice(semi + 1).trim();
        rest = rest.slice(0, semi);
      }
      const prereqs = rest.replace(/\|/g, ' ').split(/\s+/).filter(Boolean);
      current = targets.map((tg) => {
        const rule = rules.get(tg) ?? { prereqs: [], recipe: [] };
        rule.prereqs.push(...prereqs);
        rules.set(tg, rule);
        if (first === undefined && !tg.startsWith('.') && !tg.includes('%')) first = tg;
        return rule;
      });
      if (inline) for (const rule of current) rule.recipe.push({ text: inline, line });
      continue;
    }
    current = [];
  }
  return { vars, rules, first };
}

function expandMake(s: string, vars: Map<string, string>, auto: Record<string, string>, depth = 0): string {
  if (depth > 8) return '"$MAKE_VALUE"';
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const ch = s[i];
    if (ch !== '$') {
      out += ch;
      continue;
    }
    const nx = s[i + 1];
    if (nx === '$') {
      out += '$';
      i++;
      continue;
    }
    if (nx === '(' || nx === '{') {
      const close = nx === '(' ? ')' : '}';
      let d = 1;
      let j = i + 2;
      for (; j < s.length && d > 0; j++) {
        if (s[j] === nx) d++;
        else if (s[j] === close) d--;
      }
      const inner = s.slice(i + 2, j - 1);
      i = j - 1;
      if (inner === 'MAKE') out += 'make';
      else if (/^[\w.-]+$/.test(inner)) {
        const v = vars.get(inner);
        out += v === undefined ? '' : expandMake(v, vars, auto, depth + 1);
      } else out += '"$MAKE_VALUE"';
      continue;
    }
    if (nx && auto[nx] !== undefined) {
      out += auto[nx];
      i++;
      continue;
    }
    out += '$';
  }
  return out;
}

const MAKE_VALUE_OPTS = new Set(['-f', '--file', '--makefile', '-C', '--directory', '-j', '--jobs', '-l', '--load-average', '-o', '--old-file', '-W', '--what-if', '-I', '--include-dir', '-O', '--output-sync']);

/** Follows `make [TARGET…]` into the Makefile's recipes (prerequisites first), with its simple variables. */
export function followMake(c: SimpleCommand, ctx: WalkContext): boolean {
  const args = c.args;
  let file: string | undefined;
  let dir: string | undefined;
  const targets: string[] = [];
  const overrides = new Map<string, string>();
  for (let i = 0; i < args.length; i++) {
    const v = args[i].value;
    if (/^-[a-zA-Z]*[nq]/.test(v) && !v.startsWith('--') && !MAKE_VALUE_OPTS.has(v)) return true; // -n/-q: nothing runs
    if (v === '--dry-run' || v === '--just-print' || v === '--recon' || v === '--question' || v === '--help' || v === '-h' || v === '--version' || v === '-v') return true;
    if (v === '-f' || v === '--file' || v === '--makefile') file = args[++i]?.value;
    else if (v.startsWith('--file=') || v.startsWith('--makefile=')) file = v.slice(v.indexOf('=') + 1);
    else if (v === '-C' || v === '--directory') dir = args[++i]?.value;
    else if (v.startsWith('-C') && v.length > 2) dir = v.slice(2);
    else if (v.startsWith('--directory=')) dir = v.slice(12);
    else if (MAKE_VALUE_OPTS.has(v)) i++;
    else if (v.startsWith('-')) continue;
    else if (/^[A-Za-z_][\w.-]*=/.test(v)) overrides.set(v.slice(0, v.indexOf('=')), v.slice(v.indexOf('=') + 1));
    else targets.push(v);
  }
  const base = dir ? resolvePath(dir, c.cwd ?? ctx.cwd, ctx.home) : (c.cwd ?? ctx.cwd);
  let content: Content | undefined;
  if (file) content = settle(readForFollow(file, { ...c, cwd: base }, ctx));
  else {
    for (const n of ['GNUmakefile', 'makefile', 'Makefile']) {
      content = readForFollow(n, { ...c, cwd: base }, ctx);
      if (!content || !('none' in content)) break;
    }
    content = settle(content);
  }
  if (!content || 'none' in content) return !!content;
  if ('unknown' in content) {
    unknownFile(c, ctx, '`make`', content);
    return true;
  }
  const mk = parseMakefile(content.text);
  for (const [k, v] of overrides) mk.vars.set(k, v);
  const shown = shortPath(content.path, ctx);
  const done = new Set<string>();
  const saved = ctx.cwd;
  ctx.cwd = base;
  try {
    const run = (target: string, depth: number): void => {
      if (done.has(target) || depth > 16) return;
      done.add(target);
      let rule = mk.rules.get(target);
      if (!rule) {
        for (const [pat, r] of mk.rules) {
          if (!pat.includes('%')) continue;
          const [a, b] = pat.split('%');
          if (target.startsWith(a) && target.endsWith(b) && r.recipe.length) {
            rule = r;
            break;
          }
        }
      }
      if (!rule) return;
      for (const p of rule.prereqs) run(expandMake(p, mk.vars, {}), depth + 1);
      const auto = { '@': target, '<': rule.prereqs[0] ?? '', '^': rule.prereqs.join(' '), '*': target.replace(/\.[^.]*$/, ''), '?': rule.prereqs.join(' ') };
      for (const step of rule.recipe) {
        const text = expandMake(step.text.replace(/^[\s@+-]+/, ''), mk.vars, auto);
        if (text.trim()) parseFile(text, ctx, `make ${target}`, { file: shown, base: step.line });
      }
    };
    const list = targets.length ? targets : mk.first ? [mk.first] : [];
    for (const t of list) run(t, 0);
  } finally {
    ctx.cwd = saved;
  }
  return true;
}

// ---------------------------------------------------------------- just

/** Follows `just [RECIPE]` into the justfile (dependencies first, `{{var}}` from its assignments). */
export function followJust(c: SimpleCommand, ctx: WalkContext): boolean {
  const args = c.args;
  if (args.some((a) => /^(?:-l|--list|--dry-run|-n|--summary|--show|-s|--evaluate|--help|-h|--version|-V|--choose|--dump|--fmt|--init|--edit|-e|--variables)$/.test(a.value))) return true;
  let file: string | undefined;
  const pos: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const v = args[i].value;
    if (v === '-f' || v === '--justfile') file = args[++i]?.value;
    else if (v === '-d' || v === '--working-directory' || v === '--set') i += v === '--set' ? 2 : 1;
    else if (!v.startsWith('-')) pos.push(v);
  }
  let content: Content | undefined;
  if (file) content = settle(readForFollow(file, c, ctx));
  else
    for (const n of ['justfile', 'Justfile', '.justfile']) {
      content = nearest(n, c, ctx);
      if (!content || !('none' in content)) break;
    }
  content = settle(content);
  if (!content || 'none' in content) return !!content;
  if ('unknown' in content) {
    unknownFile(c, ctx, '`just`', content);
    return true;
  }
  const lines = content.text.split('\n');
  const vars = new Map<string, string>();
  const recipes = new Map<string, { deps: string[]; body: { text: string; line: number }[] }>();
  let first: string | undefined;
  let cur: { deps: string[]; body: { text: string; line: number }[] } | undefined;
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i].replace(/\r$/, '');
    if (/^\s+\S/.test(l) && cur) {
      cur.body.push({ text: l.trim(), line: i });
      continue;
    }
    const t = l.trim();
    if (!t || t.startsWith('#')) {
      if (!t) cur = cur && cur.body.length ? cur : cur;
      continue;
    }
    const a = /^(?:export\s+)?([A-Za-z_][\w-]*)\s*:=\s*(['"])(.*)\2\s*$/.exec(t);
    if (a) {
      vars.set(a[1], a[3]);
      cur = undefined;
      continue;
    }
    const r = /^@?([A-Za-z_][\w-]*)((?:\s+[^:]+?)?)\s*:(?!=)\s*(.*)$/.exec(t);
    if (r && !/^(set|alias|import|mod)\b/.test(t)) {
      cur = { deps: r[3].split(/\s+/).filter(Boolean).map((d) => d.replace(/^\(|\)$/g, '')), body: [] };
      recipes.set(r[1], cur);
      first ??= r[1];
      continue;
    }
    cur = undefined;
  }
  const shown = shortPath(content.path, ctx);
  const interp = (s: string) => s.replace(/\{\{\s*([^}]*?)\s*\}\}/g, (_m, e: string) => (vars.has(e) ? vars.get(e)! : '"$JUST_VALUE"'));
  const done = new Set<string>();
  const run = (name: string, depth: number): void => {
    const r = recipes.get(name);
    if (!r || done.has(name) || depth > 16) return;
    done.add(name);
    for (const d of r.deps) run(d, depth + 1);
    if (r.body[0]?.text.startsWith('#!')) {
      const lang = languageOf(r.body.map((b) => b.text).join('\n'), '', 'shell');
      const body = r.body.slice(1).map((b) => interp(b.text)).join('\n');
      if (lang === 'shell') parseFile(body, ctx, `just ${name}`, { file: shown, base: r.body[0].line + 1 });
      else followCode(c, ctx, lang, body, shown, `just ${name}`);
      return;
    }
    for (const b of r.body) {
      const text = interp(b.text.replace(/^[@-]+/, ''));
      if (text.trim() && !text.startsWith('#')) parseFile(text, ctx, `just ${name}`, { file: shown, base: b.line });
    }
  };
  const list = pos.filter((p) => recipes.has(p));
  if (list.length === 0 && first && (pos.length === 0 || !recipes.has(pos[0]))) list.push(pos[0] && !recipes.has(pos[0]) ? '' : first);
  for (const n of list) if (n) run(n, 0);
  return true;
}

// ---------------------------------------------------------------- task (Taskfile)

/** Follows `task [NAME…]` into Taskfile.yml: `cmds` (strings, `cmd:` entries, `task:` calls) and `deps`. */
export function followTaskfile(c: SimpleCommand, ctx: WalkContext): boolean {
  const args = c.args;
  if (args.some((a) => /^(?:-l|--list|--list-all|-a|--dry|-n|--summary|--help|-h|--version|--init|-i)$/.test(a.value))) return true;
  let content: Content | undefined;
  for (const n of ['Taskfile.yml', 'Taskfile.yaml', 'taskfile.yml', 'taskfile.yaml', 'Taskfile.dist.yml']) {
    content = nearest(n, c, ctx);
    if (!content || !('none' in content)) break;
  }
  content = settle(content);
  if (!content || 'none' in content) return !!content;
  if ('unknown' in content) {
    unknownFile(c, ctx, '`task`', content);
    return true;
  }
  let doc: { tasks?: Record<string, unknown>; vars?: Record<string, unknown> };
  try {
    // Loaded on first use: most lines never read a Taskfile, and the parser is large.
    doc = (((require('yaml') as typeof import('yaml')).parse(content.text) as unknown) ?? {}) as typeof doc;
  } catch {
    ctx.out.unanalysable.push({ reason: `${shortPath(content.path, ctx)} is not valid YAML, so its tasks cannot be checked`, text: c.raw.slice(0, 200) });
    return true;
  }
  const tasks = (doc.tasks ?? {}) as Record<string, unknown>;
  const vars = new Map<string, string>();
  for (const [k, v] of Object.entries(doc.vars ?? {})) if (typeof v === 'string' || typeof v === 'number') vars.set(k, String(v));
  const shown = shortPath(content.path, ctx);
  const text = content.text;
  const interp = (s: string) => s.replace(/\{\{\s*\.([\w]+)\s*\}\}/g, (_m, k: string) => vars.get(k) ?? '"$TASK_VALUE"').replace(/\{\{[^}]*\}\}/g, '"$TASK_VALUE"');
  const done = new Set<string>();
  const run = (name: string, depth: number): void => {
    if (done.has(name) || depth > 16) return;
    done.add(name);
    let t = tasks[name];
    if (typeof t === 'string') t = { cmds: [t] };
    if (Array.isArray(t)) t = { cmds: t };
    if (!t || typeof t !== 'object') return;
    const task = t as { cmds?: unknown[]; deps?: unknown[]; cmd?: unknown };
    for (const d of task.deps ?? []) {
      const n = typeof d === 'string' ? d : (d as { task?: unknown })?.task;
      if (typeof n === 'string') run(n, depth + 1);
    }
    const cmds = task.cmds ?? (task.cmd !== undefined ? [task.cmd] : []);
    for (const entry of cmds) {
      if (typeof entry === 'string') parseFile(interp(entry), ctx, `task ${name}`, { file: shown, base: lineOf(text, entry.split('\n')[0]) });
      else if (entry && typeof entry === 'object') {
        const e = entry as { cmd?: unknown; task?: unknown };
        if (typeof e.cmd === 'string') parseFile(interp(e.cmd), ctx, `task ${name}`, { file: shown, base: lineOf(text, e.cmd.split('\n')[0]) });
        else if (typeof e.task === 'string') run(e.task, depth + 1);
      }
    }
  };
  const pos = args.filter((a) => !a.value.startsWith('-') && !a.value.includes('=')).map((a) => a.value);
  for (const n of pos.length ? pos : ['default']) run(n, 0);
  return true;
}
