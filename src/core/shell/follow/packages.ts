/**
 * Package scripts: `npm run NAME` and its pnpm, yarn and bun forms (pre and post scripts,
 * install lifecycle scripts, scripts calling scripts), and `composer run NAME`.
 */
import { posix } from 'node:path';
import { DYN, type SimpleCommand, type Word } from '../model';
import type { WalkContext } from '../context';
import { parseFile } from '../extract';
import { cachedFollow } from './cache';
import { lineOf, nearest, readForFollow, settle, shortPath, unknownFile } from './read';

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
  return cachedFollow(`package ${manager}`, c, ctx, () => walkPackageScripts(c, ctx, manager));
}

function walkPackageScripts(c: SimpleCommand, ctx: WalkContext, manager: string): boolean {
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
  return cachedFollow('composer', c, ctx, () => walkComposer(c, ctx));
}

function walkComposer(c: SimpleCommand, ctx: WalkContext): boolean {
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
