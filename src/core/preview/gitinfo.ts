/** Read-only questions to git: which repository holds a path, what is uncommitted there. */
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { Budget, GitError, runGit } from './budget';

export interface StatusEntry {
  /** Two-letter porcelain code (`??` untracked, ` M` modified, `A ` added…). */
  code: string;
  /** Path relative to the repository top. */
  path: string;
  /** Original path of a rename or copy. */
  from?: string;
}

/** The nearest folder of `p` that exists (a delete target may name something missing). */
export async function existingDir(p: string): Promise<string | undefined> {
  let cur = p;
  for (;;) {
    try {
      const st = await fsp.stat(cur);
      return st.isDirectory() ? cur : path.dirname(cur);
    } catch {
      const up = path.dirname(cur);
      if (up === cur) return undefined;
      cur = up;
    }
  }
}

/** Top folder of the working tree holding `p`, or undefined when it is in no repository. */
export async function repoTop(budget: Budget, p: string, gitPath?: string): Promise<string | undefined> {
  const dir = await existingDir(p);
  if (!dir) return undefined;
  try {
    const out = await runGit(budget, dir, ['rev-parse', '--show-toplevel'], gitPath);
    const top = out.trim();
    return top ? path.resolve(top) : undefined;
  } catch (e) {
    if (e instanceof GitError && /not a git repository|must be run in a work tree/i.test(e.stderr)) return undefined;
    // Inside .git itself, or git missing: treat as unknown, not as "no repository".
    if (e instanceof GitError && /inside the git directory|fatal: this operation must be run in a work tree/i.test(e.stderr)) return undefined;
    throw e;
  }
}

/** `git status --porcelain -z` parsed; `untracked` all or no; limited to pathspecs relative to `top`. */
export async function status(budget: Budget, top: string, pathspecs: string[], opts: { untracked: boolean; gitPath?: string }): Promise<StatusEntry[]> {
  const args = ['status', '--porcelain', '-z', `--untracked-files=${opts.untracked ? 'all' : 'no'}`, '--ignored=no'];
  if (pathspecs.length) args.push('--', ...pathspecs.map(literal));
  const out = await runGit(budget, top, args, opts.gitPath);
  return parseStatus(out);
}

/** Pathspecs taken literally: a file named `*.log` means that file, not a glob. */
export function literal(p: string): string {
  return p === '' || p === '.' ? ':(top,literal)' : `:(top,literal)${p}`;
}

export function parseStatus(out: string): StatusEntry[] {
  const parts = out.split('\0');
  const entries: StatusEntry[] = [];
  for (let i = 0; i < parts.length; i++) {
    const rec = parts[i];
    if (rec.length < 4) continue;
    const code = rec.slice(0, 2);
    const e: StatusEntry = { code, path: rec.slice(3) };
    if (code[0] === 'R' || code[0] === 'C') e.from = parts[++i];
    entries.push(e);
  }
  return entries;
}

export function describeStatus(code: string): string {
  if (code === '??') return 'untracked';
  const words: string[] = [];
  const x = code[0];
  const y = code[1];
  const name = (c: string) =>
    ({ M: 'modified', A: 'added', D: 'deleted', R: 'renamed', C: 'copied', T: 'type changed', U: 'unmerged' })[c] ?? c;
  if (x === 'U' || y === 'U' || (x === 'A' && y === 'A') || (x === 'D' && y === 'D')) return 'unmerged (conflict)';
  if (x !== ' ' && x !== '?') words.push(`${name(x)}, staged`);
  if (y !== ' ' && y !== '?') words.push(`${name(y)}, not staged`);
  return words.join('; ') || code.trim();
}

/** One-line subjects of commits: `abc1234 subject (author, date)`. */
export async function commitLines(budget: Budget, cwd: string, revArgs: string[], max: number, gitPath?: string): Promise<{ count: number; lines: string[] }> {
  const countOut = await runGit(budget, cwd, ['rev-list', '--count', ...revArgs], gitPath);
  const count = Number(countOut.trim()) || 0;
  if (count === 0) return { count, lines: [] };
  const log = await runGit(budget, cwd, ['log', `--max-count=${max}`, '--no-color', '--format=%h %s (%an, %cs)', ...revArgs, '--'], gitPath);
  const lines = log.split('\n').filter(Boolean);
  if (count > lines.length) lines.push(`… and ${count - lines.length} more`);
  return { count, lines };
}

/** Resolves a revision to a full name, or undefined when it does not exist. */
export async function resolveRef(budget: Budget, cwd: string, rev: string, gitPath?: string): Promise<string | undefined> {
  try {
    const out = await runGit(budget, cwd, ['rev-parse', '--verify', '--quiet', '--end-of-options', `${rev}^{commit}`], gitPath);
    return out.trim() || undefined;
  } catch (e) {
    if (e instanceof GitError) return undefined;
    throw e;
  }
}
