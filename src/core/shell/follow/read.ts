/**
 * Reading a followed file at check time: through the engine's FileSource, or from what the
 * same line wrote earlier. Missing, unreadable, binary or too-large files become a reason to
 * ask; paths are shown relative to the workspace.
 */
import { posix } from 'node:path';
import { DYN, type SimpleCommand } from '../model';
import { resolvePath, type WalkContext } from '../context';
import { describeProblem, type FileRead } from '../files';

/** What the engine knows of a file's content at this point of the line. */
export type Content = { text: string; path: string } | { unknown: string; path: string } | { none: true; path: string; maybeCreated?: boolean };

const CREATED_LATE = 'it does not exist when checked, so an earlier command on the line creates it';

/** True when other commands ran earlier on the line (one of them may create the file: an unpacked archive, a checkout). */
function ranBefore(c: SimpleCommand, ctx: WalkContext): boolean {
  return ctx.out.commands.some((x) => x.raw !== c.raw && !/^(?:cd|pushd|popd|echo|printf|true|export|set|chmod|ls|pwd|test|\[)$/.test(x.name));
}

/** A missing file that an earlier command may create is unknown; otherwise nothing runs. */
export function settle(r: Content | undefined): Content | undefined {
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

export function unknownFile(c: SimpleCommand, ctx: WalkContext, what: string, content: { unknown: string; path: string }): void {
  const shown = content.path.startsWith('/') ? shortPath(content.path, ctx) : content.path;
  ctx.out.unanalysable.push({ reason: `${what} runs ${shown}, which ${content.unknown.startsWith('it ') ? content.unknown.slice(3) : content.unknown}`, text: c.raw.slice(0, 200) });
}

/** Line (0-based) of the first occurrence of `needle` in text, or -1. */
export function lineOf(text: string, needle: string, from = 0): number {
  const i = text.indexOf(needle, from);
  if (i < 0) return -1;
  let n = 0;
  for (let k = 0; k < i; k++) if (text.charCodeAt(k) === 10) n++;
  return n;
}

/** Finds the nearest `name` in the command's folder or its parents (up to the filesystem root). */
export function nearest(name: string, c: SimpleCommand, ctx: WalkContext, dir?: string): Content | undefined {
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
