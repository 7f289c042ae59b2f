/**
 * File deletes: what would go (a bounded listing), how many and how big, and which of it
 * holds work git cannot restore (uncommitted or untracked), or is in no repository at all.
 */
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { minimatch } from 'minimatch';
import { Budget, TimeUp } from './budget';
import { describeStatus, repoTop, status, commitLines } from './gitinfo';
import type { PreviewRequest, PreviewSection } from './types';
import { formatBytes, plural, walk, type WalkResult } from './walk';

export interface DeletesOutcome {
  sections: PreviewSection[];
  summary: string[];
}

const GLOB = /[*?[]/;

/** Absolute path of a target as the command would see it; undefined when only known at run time. */
export function resolveTarget(t: string, req: PreviewRequest): string | undefined {
  if (t.includes('…') || t.includes('\u0000') || t.includes('$')) return undefined;
  const home = req.home ?? req.env?.HOME;
  let v = t;
  if (v === '~' || v.startsWith('~/')) {
    if (!home) return undefined;
    v = home + v.slice(1);
  }
  if (path.isAbsolute(v)) return path.normalize(v);
  const base = req.cwd ?? req.workspaceRoot;
  return base ? path.resolve(base, v) : undefined;
}

/** Expands a glob in the last segments against the real folder (bounded); plain paths pass through. */
async function expand(abs: string, budget: Budget, max: number): Promise<string[]> {
  if (!GLOB.test(abs)) return [abs];
  const segs = abs.split(path.sep);
  const first = segs.findIndex((s) => GLOB.test(s));
  const base = segs.slice(0, first).join(path.sep) || path.sep;
  let current = [base];
  for (const seg of segs.slice(first)) {
    budget.check();
    const next: string[] = [];
    for (const dir of current) {
      if (!GLOB.test(seg)) {
        next.push(path.join(dir, seg));
        continue;
      }
      let names: string[] = [];
      try {
        names = (await fsp.readdir(dir)).sort();
      } catch {
        continue;
      }
      for (const n of names) if (minimatch(n, seg, { dot: seg.startsWith('.') })) next.push(path.join(dir, n));
      if (next.length > max) break;
    }
    current = next.slice(0, max);
  }
  return current;
}

/** Pushes into `out` as it goes, so a time limit keeps what was found so far. */
export async function previewDeletes(
  targets: string[],
  req: PreviewRequest,
  budget: Budget,
  opts: { maxEntries: number; maxWalk: number; gitPath?: string },
  out: DeletesOutcome = { sections: [], summary: [] },
): Promise<DeletesOutcome> {
  const { sections, summary } = out;
  const unknown: string[] = [];
  const paths: string[] = [];
  for (const t of targets) {
    const abs = resolveTarget(t, req);
    if (!abs) unknown.push(t);
    else for (const p of await expand(abs, budget, opts.maxEntries)) if (!paths.includes(p)) paths.push(p);
  }
  if (unknown.length) sections.push({ heading: 'Paths only known when the command runs', lines: unknown.map((u) => `${u} (cannot be listed in advance)`) });

  const walks: WalkResult[] = [];
  let files = 0;
  let dirs = 0;
  let bytes = 0;
  let partial = false;
  const missing: string[] = [];
  for (const p of paths) {
    if (budget.expired) {
      partial = true;
      break;
    }
    const w = await walk(p, budget, { maxListed: opts.maxEntries, maxWalk: opts.maxWalk });
    if (!w.exists) {
      missing.push(p);
      continue;
    }
    walks.push(w);
    files += w.files;
    dirs += w.dirs;
    bytes += w.bytes;
    if (w.stopped) partial = true;
    if (w.stopped === 'max') budget.gaps.push(`counting stopped after ${opts.maxWalk.toLocaleString('en-US')} entries in ${p}`);
    if (w.unreadable) budget.gaps.push(`${plural(w.unreadable, 'entry', 'entries')} under ${p} could not be read`);
  }

  // The listing, bounded across all targets.
  const listing: string[] = [];
  let shown = 0;
  for (const w of walks) {
    const head = w.isDir
      ? `${w.root}/ (folder: ${plural(w.files, 'file')}, ${plural(w.dirs - 1, 'subfolder')}, ${formatBytes(w.bytes)}${w.stopped ? ', at least' : ''})`
      : `${w.root} (${formatBytes(w.bytes)})`;
    listing.push(head);
    if (!w.isDir) continue;
    for (const e of w.listed) {
      if (shown >= opts.maxEntries) break;
      const rel = path.relative(w.root, e.path);
      listing.push(`  ${rel}${e.dir ? '/' : ` (${formatBytes(e.size)})`}`);
      shown++;
    }
  }
  const total = files + Math.max(0, dirs);
  if (total > shown + walks.length) listing.push(`… ${plural(total - shown - walks.length, 'more entry', 'more entries')} not listed`);
  if (missing.length) listing.push(...missing.map((m) => `${m} (does not exist: nothing to delete)`));
  if (listing.length) sections.push({ heading: 'Files and folders that would be deleted', lines: listing });
  if (walks.length) {
    summary.push(`${partial ? 'At least ' : ''}${plural(files, 'file')} in ${plural(dirs, 'folder')} (${formatBytes(bytes)}) would be deleted.`);
  } else if (paths.length && missing.length === paths.length && !unknown.length) {
    summary.push('Nothing named by the command exists: nothing would be deleted.');
  }

  // Work git cannot restore, by enclosing repository.
  await gitWork(walks, budget, opts, sections, summary);
  return out;
}

async function gitWork(walks: WalkResult[], budget: Budget, opts: { maxEntries: number; gitPath?: string }, sections: PreviewSection[], summary: string[]): Promise<void> {
  const byRepo = new Map<string, string[]>();
  const outside: string[] = [];
  for (const w of walks) {
    const top = await repoTop(budget, w.root, opts.gitPath);
    if (!top) outside.push(w.root);
    else {
      const list = byRepo.get(top) ?? [];
      list.push(w.root);
      byRepo.set(top, list);
    }
  }
  const unsafe: string[] = [];
  let atRisk = 0;
  const repos = walks.flatMap((w) => w.repos);
  for (const [top, roots] of byRepo) {
    budget.check();
    // A target that is the repository's own top is reported below, as a whole repository.
    if (repos.includes(top) && roots.every((r) => r === top)) continue;
    const rels = roots.map((r) => path.relative(top, r));
    const whole = rels.some((r) => r === '' || r.startsWith('..'));
    const entries = await status(budget, top, whole ? [] : rels, { untracked: true, gitPath: opts.gitPath });
    atRisk += entries.length;
    const lines = entries.slice(0, opts.maxEntries).map((e) => `${e.path} (${describeStatus(e.code)}${e.from ? `, from ${e.from}` : ''})`);
    if (entries.length > lines.length) lines.push(`… and ${entries.length - lines.length} more`);
    if (lines.length) unsafe.push(`In the repository ${top}:`, ...lines.map((l) => `  ${l}`));
  }
  // Whole repositories inside the targets: their history goes too.
  const repoLines: string[] = [];
  for (const r of repos.slice(0, 20)) {
    budget.check();
    try {
      const entries = await status(budget, r, [], { untracked: true, gitPath: opts.gitPath });
      atRisk += entries.length;
      const local = await commitLines(budget, r, ['--branches', '--not', '--remotes'], 5, opts.gitPath).catch(() => ({ count: -1, lines: [] as string[] }));
      repoLines.push(
        `${r} (the whole repository, with its history: ${entries.length ? plural(entries.length, 'uncommitted or untracked file') : 'no uncommitted files'}` +
          `${local.count > 0 ? `, ${plural(local.count, 'commit')} on no remote` : local.count === 0 ? ', every commit is on a remote' : ''})`,
      );
      for (const e of entries.slice(0, 20)) repoLines.push(`  ${e.path} (${describeStatus(e.code)})`);
      if (entries.length > 20) repoLines.push(`  … and ${entries.length - 20} more`);
      for (const l of local.lines) repoLines.push(`  commit on no remote: ${l}`);
    } catch (e) {
      if (e instanceof TimeUp) throw e;
      repoLines.push(`${r} (a repository; its status could not be read)`);
    }
  }
  if (repos.length > 20) repoLines.push(`… and ${repos.length - 20} more repositories`);
  if (repoLines.length) sections.push({ heading: 'Whole git repositories that would be deleted', lines: repoLines });
  if (unsafe.length) sections.push({ heading: 'Uncommitted or untracked work git cannot restore', lines: unsafe });
  if (outside.length) {
    sections.push({ heading: 'Not in any git repository (git cannot restore any of it)', lines: outside.map((o) => o) });
  }
  if (atRisk) summary.push(`${plural(atRisk, 'file')} with uncommitted or untracked work would be lost for good.`);
  else if (byRepo.size && !outside.length) summary.push('No uncommitted or untracked work would be lost (files git ignores are not checked).');
  if (outside.length) summary.push(`${plural(outside.length, 'path')} ${outside.length === 1 ? 'is' : 'are'} not in any git repository.`);
}
