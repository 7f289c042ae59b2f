/**
 * Git previews, all read-only and offline: the commits a force push or a hard reset would
 * drop, what `git clean` would remove (git's own dry run), the changes a checkout or
 * restore would discard, and the commits only a deleted branch holds.
 */
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { Budget, GitError, runGit, TimeUp } from './budget';
import type { GitInvocation } from './commands';
import { commitLines, resolveRef } from './gitinfo';
import type { PreviewSection } from './types';
import { formatBytes, plural, walk } from './walk';

export interface GitOutcome {
  sections: PreviewSection[];
  summary: string[];
}

interface Ctx {
  budget: Budget;
  maxEntries: number;
  maxWalk: number;
  gitPath?: string;
}

const git = (ctx: Ctx, cwd: string, args: string[]) => runGit(ctx.budget, cwd, args, ctx.gitPath);

/** A revision or ref name from the command: never passed on if it could read as an option. */
function safeRev(r: string | undefined): string | undefined {
  return r && !r.startsWith('-') && !r.includes('…') ? r : undefined;
}

function positionals(args: string[], withValue: Set<string>): { pos: string[]; afterDashDash: string[] | undefined } {
  const pos: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const v = args[i];
    if (v === '--') return { pos, afterDashDash: args.slice(i + 1) };
    if (v.startsWith('-') && v.length > 1) {
      if (withValue.has(v)) i++;
      continue;
    }
    pos.push(v);
  }
  return { pos, afterDashDash: undefined };
}

async function currentBranch(ctx: Ctx, cwd: string): Promise<string | undefined> {
  try {
    return (await git(ctx, cwd, ['symbolic-ref', '-q', '--short', 'HEAD'])).trim() || undefined;
  } catch (e) {
    if (e instanceof GitError) return undefined;
    throw e;
  }
}

// ---------------------------------------------------------------- push --force

export async function previewForcePush(inv: GitInvocation, ctx: Ctx): Promise<GitOutcome> {
  const cwd = inv.cwd!;
  const { pos } = positionals(inv.args, new Set(['-o', '--push-option', '--repo', '--receive-pack', '--exec']));
  const all = inv.args.includes('--all') || inv.args.includes('--branches') || inv.args.includes('--mirror');
  let remote = safeRev(pos[0]);
  const pairs: { src: string; dst: string }[] = [];
  const notes: string[] = [];
  const cur = await currentBranch(ctx, cwd);

  if (!remote || pos.length < 2) {
    // `git push -f` or `git push -f origin`: the branch's push destination.
    let pushRef: string | undefined;
    try {
      pushRef = (await git(ctx, cwd, ['rev-parse', '--abbrev-ref', '--symbolic-full-name', '@{push}'])).trim() || undefined;
    } catch (e) {
      if (!(e instanceof GitError)) throw e;
    }
    if (!all) {
      if (pushRef && (!remote || pushRef.startsWith(remote + '/'))) {
        const slash = remote ? remote.length : pushRef.indexOf('/');
        remote = pushRef.slice(0, slash);
        pairs.push({ src: 'HEAD', dst: pushRef.slice(slash + 1) });
      } else if (cur && remote) {
        pairs.push({ src: cur, dst: cur });
      } else {
        notes.push('The branch has no push destination configured: git would refuse this push or the remote is not known.');
      }
    }
  }
  for (const spec of pos.slice(1)) {
    const s = spec.replace(/^\+/, '');
    if (s.startsWith(':')) continue; // a delete, previewed as git.push.delete
    const [src, dst] = s.includes(':') ? [s.slice(0, s.indexOf(':')), s.slice(s.indexOf(':') + 1)] : [s, s === 'HEAD' ? (cur ?? 'HEAD') : s];
    pairs.push({ src, dst: dst.replace(/^refs\/heads\//, '') });
  }
  if (all && remote) {
    const out = await git(ctx, cwd, ['for-each-ref', '--format=%(refname:short)', 'refs/heads']);
    for (const b of out.split('\n').filter(Boolean)) pairs.push({ src: b, dst: b });
    if (inv.args.includes('--mirror')) notes.push('--mirror also deletes every remote branch and tag that does not exist here (not listed).');
  }

  const sections: PreviewSection[] = [];
  const summary: string[] = [];
  let lost = 0;
  for (const { src, dst } of pairs) {
    ctx.budget.check();
    const srcRev = safeRev(src);
    const tracking = remote && safeRev(dst) ? `refs/remotes/${remote}/${dst}` : undefined;
    const heading = `Commits ${remote ?? 'the remote'}/${dst} would lose (force push of ${src})`;
    if (!tracking || !srcRev) {
      sections.push({ heading, lines: ['The branch names are only known when the command runs.'] });
      continue;
    }
    const local = await resolveRef(ctx.budget, cwd, srcRev, ctx.gitPath);
    const theirs = await resolveRef(ctx.budget, cwd, tracking, ctx.gitPath);
    if (!local) {
      sections.push({ heading, lines: [`${src} is not a commit here: git would refuse this push.`] });
      continue;
    }
    if (!theirs) {
      sections.push({
        heading,
        lines: [
          `No remote-tracking ref ${remote}/${dst}: either the branch is new on ${remote} (nothing lost) or it was never fetched.`,
          `TwoKey does not contact the remote; run \`git fetch ${remote}\` to see what the push would overwrite.`,
        ],
      });
      continue;
    }
    const r = await commitLines(ctx.budget, cwd, [tracking, '--not', local], ctx.maxEntries, ctx.gitPath);
    lost += r.count;
    sections.push({
      heading,
      lines: r.count
        ? [...r.lines, `(as of the last fetch of ${remote}; TwoKey did not contact the remote)`]
        : [`None: ${remote}/${dst} is already contained in ${src} (as of the last fetch of ${remote}).`],
    });
  }
  if (notes.length) sections.push({ heading: 'Notes', lines: notes });
  if (pairs.length) summary.push(lost ? `The force push would remove ${plural(lost, 'commit')} from the remote history.` : 'By the last fetch, the force push would remove no commits from the remote.');
  return { sections, summary };
}

// ---------------------------------------------------------------- reset --hard

async function changedFiles(ctx: Ctx, cwd: string, against: string | undefined, pathspecs: string[]): Promise<string[]> {
  const args = ['diff', '--numstat', '-z', '--no-renames', '--no-color', '--no-ext-diff'];
  if (against) args.push(against);
  args.push('--', ...pathspecs);
  const out = await git(ctx, cwd, args);
  const lines: string[] = [];
  for (const rec of out.split('\0')) {
    const m = /^(\d+|-)\t(\d+|-)\t(.*)$/s.exec(rec);
    if (!m) continue;
    lines.push(m[1] === '-' ? `${m[3]} (binary)` : `${m[3]} (+${m[1]} −${m[2]})`);
  }
  return lines;
}

function bounded(lines: string[], max: number): string[] {
  return lines.length > max ? [...lines.slice(0, max), `… and ${lines.length - max} more`] : lines;
}

export async function previewReset(inv: GitInvocation, ctx: Ctx): Promise<GitOutcome> {
  const cwd = inv.cwd!;
  const { pos } = positionals(inv.args, new Set());
  const target = safeRev(pos[0]) ?? 'HEAD';
  const sections: PreviewSection[] = [];
  const summary: string[] = [];
  const head = await resolveRef(ctx.budget, cwd, 'HEAD', ctx.gitPath);
  const to = await resolveRef(ctx.budget, cwd, target, ctx.gitPath);
  if (!to) {
    sections.push({ heading: 'Reset target', lines: [`${target} is not a commit here: git would refuse this reset.`] });
    return { sections, summary };
  }
  const branch = (await currentBranch(ctx, cwd)) ?? 'HEAD (detached)';
  let dropped = 0;
  if (head && head !== to) {
    const r = await commitLines(ctx.budget, cwd, [head, '--not', to], ctx.maxEntries, ctx.gitPath);
    dropped = r.count;
    if (r.count) {
      const elsewhere = await git(ctx, cwd, ['rev-list', '--count', head, '--not', to, ...(branch.startsWith('HEAD') ? [] : [`--exclude=${branch}`]), '--branches', '--remotes', '--tags']);
      const onlyHere = Number(elsewhere.trim()) || 0;
      sections.push({
        heading: `Commits that would leave ${branch}`,
        lines: [...r.lines, onlyHere ? `${plural(onlyHere, 'of them is', 'of them are')} on no other branch, tag or remote (only the reflog would keep them, for a while)` : 'All of them are also on another branch, tag or remote.'],
      });
    }
  }
  const changes = await changedFiles(ctx, cwd, 'HEAD', []);
  if (changes.length) sections.push({ heading: 'Uncommitted changes that would be discarded (staged and not staged)', lines: bounded(changes, ctx.maxEntries) });
  summary.push(
    `git reset --hard ${target} would ${dropped ? `move ${branch} back by ${plural(dropped, 'commit')} and ` : ''}discard ${changes.length ? `uncommitted changes in ${plural(changes.length, 'file')}` : 'no uncommitted changes'}. Untracked files are kept.`,
  );
  return { sections, summary };
}

// ---------------------------------------------------------------- clean -f

/** The `git clean` arguments as a dry run: same selection flags, `-n` added, `-f`/`-i` dropped (`-ff` kept, it selects nested repositories). */
export function cleanDryRunArgs(args: string[]): string[] {
  let force = 0;
  const flags: string[] = [];
  const paths: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const v = args[i];
    if (v === '--') {
      paths.push(...args.slice(i + 1));
      break;
    }
    if (v === '--force') force++;
    else if (v === '-d') flags.push('-d');
    else if (v === '--exclude' || v === '-e') {
      if (args[i + 1] !== undefined) flags.push(`--exclude=${args[++i]}`);
    } else if (v.startsWith('--exclude=')) flags.push(v);
    else if (/^-[a-zA-Z]+/.test(v) && !v.startsWith('--')) {
      for (let k = 1; k < v.length; k++) {
        const ch = v[k];
        if (ch === 'f') force++;
        else if (ch === 'd' || ch === 'x' || ch === 'X') flags.push(`-${ch}`);
        else if (ch === 'e') {
          const val = v.slice(k + 1) || args[++i];
          if (val !== undefined) flags.push(`--exclude=${val}`);
          break;
        }
      }
    } else if (!v.startsWith('-')) paths.push(v);
  }
  return ['clean', '-n', ...(force >= 2 ? ['-f', '-f'] : []), ...new Set(flags), ...(paths.length ? ['--', ...paths] : [])];
}

export async function previewClean(inv: GitInvocation, ctx: Ctx): Promise<GitOutcome> {
  const cwd = inv.cwd!;
  const args = cleanDryRunArgs(inv.args);
  const out = await git(ctx, cwd, args);
  const would: string[] = [];
  const skipped: string[] = [];
  for (const line of out.split('\n')) {
    if (line.startsWith('Would remove ')) would.push(line.slice('Would remove '.length));
    else if (line.startsWith('Would skip repository ')) skipped.push(line.slice('Would skip repository '.length));
  }
  let files = 0;
  let bytes = 0;
  let partial = false;
  const lines: string[] = [];
  for (const rel of would) {
    if (ctx.budget.expired) {
      partial = true;
      lines.push(rel);
      continue;
    }
    const w = await walk(path.resolve(cwd, rel), ctx.budget, { maxListed: 0, maxWalk: ctx.maxWalk });
    if (w.stopped) partial = true;
    files += w.files;
    bytes += w.bytes;
    lines.push(w.isDir ? `${rel} (folder: ${plural(w.files, 'file')}, ${formatBytes(w.bytes)})` : `${rel} (${formatBytes(w.bytes)})`);
  }
  const sections: PreviewSection[] = [];
  sections.push({ heading: `Untracked${args.includes('-x') || args.includes('-X') ? ' and ignored' : ''} files git clean would remove (from \`git ${args.join(' ')}\`)`, lines: would.length ? bounded(lines, ctx.maxEntries) : ['Nothing: git clean would remove no files.'] });
  if (skipped.length) sections.push({ heading: 'Nested repositories git clean would skip', lines: bounded(skipped, ctx.maxEntries) });
  const summary = would.length
    ? [`git clean would permanently remove ${plural(would.length, 'path')} (${partial ? 'at least ' : ''}${plural(files, 'file')}, ${formatBytes(bytes)}) that git has no copy of.`]
    : ['git clean would remove nothing.'];
  return { sections, summary };
}

// ---------------------------------------------------------------- checkout -- . / restore .

export async function previewDiscard(inv: GitInvocation, ctx: Ctx): Promise<GitOutcome> {
  const cwd = inv.cwd!;
  const a = inv.args;
  let against: string | undefined;
  let paths: string[] = [];
  let both = false;
  if (inv.sub === 'restore') {
    const src = a.find((v) => v.startsWith('--source='))?.slice(9) ?? (a.includes('-s') ? a[a.indexOf('-s') + 1] : a.includes('--source') ? a[a.indexOf('--source') + 1] : undefined);
    const staged = a.includes('--staged') || a.includes('-S');
    const worktree = a.includes('--worktree') || a.includes('-W') || !staged;
    both = staged && worktree;
    against = safeRev(src) ?? (both ? 'HEAD' : undefined);
    const { pos, afterDashDash } = positionals(a, new Set(['-s', '--source']));
    paths = [...pos, ...(afterDashDash ?? [])];
  } else if (inv.sub === 'checkout') {
    const { pos, afterDashDash } = positionals(a, new Set(['-b', '-B', '--orphan', '--conflict']));
    if (afterDashDash) {
      paths = afterDashDash;
      if (pos[0]) against = safeRev(pos[0]);
    } else if (pos.includes('.')) paths = pos;
    else {
      // checkout -f <branch>: every uncommitted change goes.
      both = true;
      against = 'HEAD';
    }
    if (against) both = true;
  } else {
    both = true;
    against = 'HEAD';
  }
  const changes = await changedFiles(ctx, cwd, against, paths.filter((p) => !p.includes('…')));
  const heading = both ? 'Uncommitted changes that would be discarded (staged and not staged)' : 'Changes not staged for commit that would be discarded';
  const sections: PreviewSection[] = [{ heading, lines: changes.length ? bounded(changes, ctx.maxEntries) : ['None: there is nothing to discard.'] }];
  if (!both) sections.push({ heading: 'Kept', lines: ['Staged changes and untracked files are not touched.'] });
  return { sections, summary: [changes.length ? `${plural(changes.length, 'modified file')} would lose ${changes.length === 1 ? 'its' : 'their'} uncommitted changes for good.` : 'No uncommitted changes would be discarded.'] };
}

// ---------------------------------------------------------------- branch -D

export async function previewBranchDelete(inv: GitInvocation, ctx: Ctx): Promise<GitOutcome> {
  const cwd = inv.cwd!;
  const remote = inv.args.includes('-r') || inv.args.includes('--remotes');
  const { pos } = positionals(inv.args, new Set(['-u', '--set-upstream-to']));
  const sections: PreviewSection[] = [];
  let total = 0;
  for (const name of pos) {
    ctx.budget.check();
    const b = safeRev(name);
    if (!b) continue;
    const ns = remote ? 'refs/remotes/' : 'refs/heads/';
    const ref = ns + b;
    // --exclude patterns are matched without the refs/heads/ (refs/remotes/) prefix.
    const heading = `Commits only on ${b} (merged nowhere else)`;
    if (!(await resolveRef(ctx.budget, cwd, ref, ctx.gitPath))) {
      sections.push({ heading, lines: [`There is no branch ${b}: nothing to delete.`] });
      continue;
    }
    const r = await commitLines(ctx.budget, cwd, [ref, '--not', ...(remote ? ['--branches', `--exclude=${b}`] : [`--exclude=${b}`, '--branches']), '--remotes', '--tags'], ctx.maxEntries, ctx.gitPath);
    total += r.count;
    sections.push({ heading, lines: r.count ? [...r.lines, '(only the reflog would keep them, for a while)'] : ['None: every commit of it is on another branch, tag or remote.'] });
  }
  return { sections, summary: [total ? `Deleting would leave ${plural(total, 'commit')} on no branch, tag or remote.` : 'Every commit of the deleted branches is kept elsewhere.'] };
}

/** Exists check for a folder the preview is about to run git in. */
export async function isDir(p: string): Promise<boolean> {
  try {
    return (await fsp.stat(p)).isDirectory();
  } catch {
    return false;
  }
}

export { TimeUp };
