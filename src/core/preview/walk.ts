/**
 * Bounded walk of what a delete would remove: counts, total size and the first entries,
 * without following symbolic links (rm -r does not follow them either).
 */
import { promises as fsp, type Stats } from 'node:fs';
import * as path from 'node:path';
import { Budget } from './budget';

export interface WalkEntry {
  /** Absolute path. */
  path: string;
  dir: boolean;
  size: number;
}

export interface WalkResult {
  root: string;
  exists: boolean;
  isDir: boolean;
  files: number;
  dirs: number;
  bytes: number;
  /** The first entries met (breadth first, so the top of the tree comes first), without `.git` internals. */
  listed: WalkEntry[];
  /** Folders holding a `.git` (whole repositories would go). */
  repos: string[];
  /** Stopped early: `time` (limit), `max` (maxWalk entries). */
  stopped?: 'time' | 'max';
  unreadable: number;
}

const CONCURRENCY = 32;

export async function walk(root: string, budget: Budget, opts: { maxListed: number; maxWalk: number }): Promise<WalkResult> {
  const r: WalkResult = { root, exists: false, isDir: false, files: 0, dirs: 0, bytes: 0, listed: [], repos: [], unreadable: 0 };
  let st: Stats;
  try {
    st = await fsp.lstat(root);
  } catch {
    return r;
  }
  r.exists = true;
  if (!st.isDirectory()) {
    r.files = 1;
    r.bytes = st.size;
    r.listed.push({ path: root, dir: false, size: st.size });
    return r;
  }
  r.isDir = true;
  r.dirs = 1;
  let queue: { dir: string; inGit: boolean }[] = [{ dir: root, inGit: false }];
  let seen = 0;
  const list = (e: WalkEntry, inGit: boolean) => {
    if (!inGit && r.listed.length < opts.maxListed) r.listed.push(e);
  };
  while (queue.length) {
    if (budget.expired) {
      r.stopped = 'time';
      return r;
    }
    const next: { dir: string; inGit: boolean }[] = [];
    for (let i = 0; i < queue.length; i += CONCURRENCY) {
      if (budget.expired) {
        r.stopped = 'time';
        return r;
      }
      await Promise.all(
        queue.slice(i, i + CONCURRENCY).map(async ({ dir, inGit }) => {
          let names: string[];
          try {
            names = await fsp.readdir(dir);
          } catch {
            r.unreadable++;
            return;
          }
          names.sort();
          if (!inGit && names.includes('.git')) r.repos.push(dir);
          for (let k = 0; k < names.length; k += CONCURRENCY) {
            if (budget.expired) return;
            const chunk = names.slice(k, k + CONCURRENCY);
            const stats = await Promise.all(chunk.map((n) => fsp.lstat(path.join(dir, n)).catch(() => undefined)));
            chunk.forEach((n, j) => {
              const s = stats[j];
              const p = path.join(dir, n);
              seen++;
              if (!s) {
                r.unreadable++;
                return;
              }
              const childInGit = inGit || n === '.git';
              if (s.isDirectory()) {
                r.dirs++;
                list({ path: p, dir: true, size: 0 }, childInGit);
                next.push({ dir: p, inGit: childInGit });
              } else {
                r.files++;
                r.bytes += s.size;
                list({ path: p, dir: false, size: s.size }, childInGit);
              }
            });
          }
        }),
      );
      if (seen >= opts.maxWalk) {
        r.stopped = 'max';
        return r;
      }
    }
    if (budget.expired) {
      r.stopped = 'time';
      return r;
    }
    queue = next;
  }
  return r;
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let v = n / 1024;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v >= 100 ? v.toFixed(0) : v.toFixed(1)} ${units[u]}`;
}

export function plural(n: number, one: string, many = one + 's'): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
}
