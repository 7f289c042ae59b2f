/**
 * The analysis of a followed file, remembered. Following a script, a package script or a
 * make target means parsing and walking the file every time the line is checked; a
 * repeated check of the same line in the same state replays what the walk produced.
 *
 * An entry is keyed by what the walk depends on: the command (name, arguments, folder,
 * assignments) and the walk's state (variables, aliases, environment, home, folder, wrappers
 * around it, files being followed, commands earlier on the line). It is valid while every
 * file the walk read (found or missing) still has the same size and modification time.
 * Only a FileSource that can stamp files is cached; lines that wrote files earlier are not.
 */
import type { ParsedLine, SimpleCommand } from '../model';
import type { WalkContext } from '../context';
import type { FileSource } from '../files';

interface Entry {
  deps: Map<string, string>;
  result: boolean;
  commands: SimpleCommand[];
  unanalysable: ParsedLine['unanalysable'];
  assigned: NonNullable<ParsedLine['assigned']>;
  written: Array<[string, { text?: string; by: string }]>;
  /** The walk's state after the follow, for what the followed text may change in its caller. */
  after: { cwd?: string; cwdMaybe?: string[]; errexit?: boolean; lastCd?: number; vars?: Array<[string, string]>; aliases?: Array<[string, string]> };
}

const MAX_ENTRIES = 128;
const caches = new WeakMap<FileSource, Map<string, Entry>>();
/** The file source a recording wrapper stands in for. */
const recorders = new WeakMap<FileSource, FileSource>();
/** Files read by each follow being recorded, innermost last (nested follows record into all). */
const active: Array<Map<string, string>> = [];
const envPrints = new WeakMap<object, string>();

function envPrint(env: Record<string, string | undefined> | undefined): string {
  if (!env) return '';
  let p = envPrints.get(env);
  if (p === undefined) {
    p = JSON.stringify(Object.entries(env).sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)));
    envPrints.set(env, p);
  }
  return p;
}

function note(path: string, stamp: string | undefined): void {
  for (const m of active) m.set(path, stamp ?? '');
}

/** The key: everything the walk of the followed text reads from its caller. */
function keyOf(kind: string, c: SimpleCommand, ctx: WalkContext, vars: string, aliases: string): string {
  return JSON.stringify([
    kind,
    c.name,
    c.args.map((a) => [a.value, a.raw]),
    c.assignments,
    c.cwd,
    c.cwdMaybe,
    c.elevated,
    c.stdin,
    c.via,
    c.origin,
    vars,
    aliases,
    envPrint(ctx.env),
    ctx.envComplete,
    ctx.home,
    ctx.cwd,
    ctx.cwdMaybe,
    ctx.via,
    ctx.depth,
    ctx.elevated,
    ctx.errexit,
    ctx.workspaceRoot,
    ctx.origin,
    ctx.fixedOrigin,
    [...ctx.following],
    ctx.out.commands.map((x) => [x.name, x.raw]),
  ]);
}

function entries(m: Map<string, string>): string {
  return JSON.stringify([...m]);
}

/**
 * Runs `follow` (which walks a followed file into ctx.out), or replays its remembered result.
 * `kind` names the follower and anything else its result depends on.
 */
export function cachedFollow(kind: string, c: SimpleCommand, ctx: WalkContext, follow: () => boolean): boolean {
  const given = ctx.files;
  const base = given ? recorders.get(given) ?? given : undefined;
  if (!base?.stamp || ctx.written.size) return follow();
  let cache = caches.get(base);
  if (!cache) caches.set(base, (cache = new Map()));
  const vars = entries(ctx.vars);
  const aliases = entries(ctx.aliases);
  const key = keyOf(kind, c, ctx, vars, aliases);
  const hit = cache.get(key);
  if (hit && fresh(hit, base)) {
    for (const [p, s] of hit.deps) note(p, s);
    replay(hit, ctx);
    return hit.result;
  }
  const deps = new Map<string, string>();
  const before = { commands: ctx.out.commands.length, unanalysable: ctx.out.unanalysable.length, assigned: ctx.out.assigned?.length ?? 0, written: new Map(ctx.written) };
  let recorder = given!;
  if (!recorders.has(given!)) {
    recorder = {
      read(path) {
        note(path, base.stamp!(path));
        return base.read(path);
      },
      stamp: (path) => base.stamp!(path),
    };
    recorders.set(recorder, base);
    ctx.files = recorder;
  }
  active.push(deps);
  let result: boolean;
  try {
    result = follow();
  } finally {
    active.pop();
    if (ctx.files === recorder && recorder !== given) ctx.files = given;
  }
  if ([...deps.values()].includes('')) return result; // a file that could not be stamped: not remembered
  const written = [...ctx.written].filter(([k, v]) => before.written.get(k) !== v);
  const lastCd = ctx.lastCd && ctx.lastCd.at > before.commands ? ctx.lastCd.at - before.commands : undefined;
  const varsAfter = entries(ctx.vars);
  const aliasesAfter = entries(ctx.aliases);
  if (cache.size >= MAX_ENTRIES) cache.delete(cache.keys().next().value as string);
  cache.set(key, {
    deps,
    result,
    commands: ctx.out.commands.slice(before.commands).map((x) => ({ ...x })),
    unanalysable: ctx.out.unanalysable.slice(before.unanalysable),
    assigned: (ctx.out.assigned ?? []).slice(before.assigned),
    written,
    after: {
      cwd: ctx.cwd,
      cwdMaybe: ctx.cwdMaybe,
      errexit: ctx.errexit,
      lastCd,
      ...(varsAfter !== vars ? { vars: [...ctx.vars] } : {}),
      ...(aliasesAfter !== aliases ? { aliases: [...ctx.aliases] } : {}),
    },
  });
  return result;
}

function fresh(e: Entry, files: FileSource): boolean {
  for (const [p, s] of e.deps) if (files.stamp!(p) !== s) return false;
  return true;
}

function replay(e: Entry, ctx: WalkContext): void {
  const at = ctx.out.commands.length;
  for (const x of e.commands) ctx.out.commands.push({ ...x });
  ctx.out.unanalysable.push(...e.unanalysable);
  if (e.assigned.length) (ctx.out.assigned ??= []).push(...e.assigned);
  for (const [k, v] of e.written) ctx.written.set(k, v);
  ctx.cwd = e.after.cwd;
  ctx.cwdMaybe = e.after.cwdMaybe;
  ctx.errexit = e.after.errexit;
  if (e.after.lastCd !== undefined) ctx.lastCd = { at: at + e.after.lastCd };
  if (e.after.vars) ctx.vars = new Map(e.after.vars);
  if (e.after.aliases) ctx.aliases = new Map(e.after.aliases);
}
