/**
 * The shell analysis, assembled: a context whose hooks join the walker (extract.ts), word
 * resolution (words.ts) and the unwrappers (unwrap.ts, wrappers.ts), so none of those
 * modules imports another in a circle. The engine and the preview start here.
 */
import type { BashParser } from './treesitter';
import type { FileSource } from './files';
import { createContext, type WalkContext } from './context';
import { parseNested, walk } from './extract';
import { unwrapCommand } from './unwrap';

export { BudgetExceeded, type WalkContext } from './context';
export { parseScript } from './extract';
export { wrapperWords } from './unwrap';

export function newContext(
  parser: BashParser,
  opts: { env?: Record<string, string | undefined>; envComplete?: boolean; home?: string; cwd?: string; deadline: number; files?: FileSource; workspaceRoot?: string },
): WalkContext {
  return createContext(parser, opts, { walk, parseNested, unwrap: unwrapCommand });
}
