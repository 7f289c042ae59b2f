/** The git config file of the folder's repository (a worktree's or submodule's `gitdir:` followed). */
import * as path from 'node:path';
import type { SignalContext } from './context';

export function findGitConfig(ctx: SignalContext): string | undefined {
  let dir = ctx.cwd ?? ctx.root;
  for (let i = 0; dir && i < 40; i++) {
    const dotgit = path.join(dir, '.git');
    const st = ctx.files.stat(dotgit);
    if (st?.isDirectory) return path.join(dotgit, 'config');
    if (st?.isFile) {
      // a worktree or submodule: "gitdir: <path>"
      const gitdir = ctx.files.parsed(dotgit, 'gitfile', (t) => /^gitdir:\s*(.+)$/m.exec(t)?.[1]?.trim());
      if (!gitdir) return undefined;
      const abs = path.resolve(dir, gitdir);
      const common = ctx.files.parsed(path.join(abs, 'commondir'), 'text', (t) => t.trim() || undefined);
      return path.join(common ? path.resolve(abs, common) : abs, 'config');
    }
    if (ctx.root && dir === ctx.root) return undefined;
    const up = path.dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
  return undefined;
}
