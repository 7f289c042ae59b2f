/** The simple commands a line runs, from the engine's own parser (read-only use of src/core/shell). */
import * as path from 'node:path';
import { loadBashParser } from '../lang/treesitter';
import { newContext, parseScript } from '../shell/analyse';
import { DYN, type SimpleCommand } from '../shell/model';
import type { PreviewRequest } from './types';

export async function parseCommands(req: PreviewRequest, deadline: number): Promise<SimpleCommand[]> {
  const parser = await loadBashParser();
  const ctx = newContext(parser, { env: req.env, home: req.home ?? req.env?.HOME, cwd: req.cwd, deadline: Math.max(deadline, performance.now() + 50) });
  try {
    parseScript(req.command, ctx);
  } catch {
    /* budget: what was parsed so far */
  }
  return ctx.out.commands;
}

export interface GitInvocation {
  /** Folder git runs in (after `cd …` and `-C`); undefined when only known at run time. */
  cwd?: string;
  sub: string;
  /** Arguments after the subcommand, values as the engine resolved them. */
  args: string[];
}

const GLOBAL_WITH_VALUE = new Set(['-C', '-c', '--git-dir', '--work-tree', '--namespace', '--exec-path', '--config-env']);

export function gitInvocations(cmds: SimpleCommand[], req: PreviewRequest): GitInvocation[] {
  const out: GitInvocation[] = [];
  for (const c of cmds) {
    if (c.name !== 'git') continue;
    const a = c.args.map((w) => w.value);
    let cwd: string | undefined = c.cwd ?? req.cwd ?? req.workspaceRoot;
    if (cwd?.includes(DYN)) cwd = undefined;
    let i = 0;
    while (i < a.length && a[i].startsWith('-')) {
      const v = a[i];
      if (v === '-C' && cwd !== undefined) {
        const d = a[i + 1] ?? '';
        cwd = d.includes(DYN) ? undefined : path.resolve(cwd, d);
      }
      if (v === '--git-dir' || v === '--work-tree' || v.startsWith('--git-dir=') || v.startsWith('--work-tree=')) {
        // Not followed: the preview would look at the wrong repository.
        cwd = undefined;
      }
      i += GLOBAL_WITH_VALUE.has(v) ? 2 : 1;
    }
    if (i >= a.length) continue;
    out.push({ cwd, sub: a[i], args: a.slice(i + 1).map((x) => x.split(DYN).join('…')) });
  }
  return out;
}
