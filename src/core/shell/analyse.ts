/**
 * The shell analysis, assembled: a context whose hooks join the walker (extract.ts), word
 * resolution (words.ts) and the unwrappers (unwrap.ts, wrappers/), so none of those
 * modules imports another in a circle. The engine and the preview start here.
 */
import type { BashParser } from '../lang/treesitter';
import type { FileSource } from './files';
import { createContext, type WalkContext } from './context';
import { parseNested, parseScript as walkLine, walk } from './extract';
import { resolveLinks } from './links';
import { DYN, type Stdin } from './model';
import { unwrapCommand } from './unwrap';

export { BudgetExceeded, type WalkContext } from './context';
export { wrapperWords } from './unwrap';

export function newContext(
  parser: BashParser,
  opts: { env?: Record<string, string | undefined>; envComplete?: boolean; home?: string; cwd?: string; deadline: number; files?: FileSource; workspaceRoot?: string },
): WalkContext {
  return createContext(parser, opts, { walk, parseNested, unwrap: unwrapCommand });
}

/**
 * Analyses a command line into the simple commands it runs (ctx.out), then resolves the links
 * in what those commands delete or overwrite (links.ts).
 */
export function parseScript(text: string, ctx: WalkContext, stdin?: Stdin): void {
  const cwd = ctx.cwd === undefined || ctx.cwd.includes(DYN) ? undefined : ctx.cwd;
  try {
    walkLine(text, ctx, stdin);
  } finally {
    resolveLinks(ctx.out, ctx.files, { cwd, home: ctx.home, workspaceRoot: ctx.workspaceRoot });
  }
}
