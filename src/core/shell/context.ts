/**
 * The state a walk over one command line carries: known variables, aliases, the folder,
 * what was written, what is being followed, and the hooks (walker, unwrapper) that
 * analyse.ts wires together. Shared by every module of the shell analysis.
 */
import { posix } from 'node:path';
import type { BashParser, SyntaxNode } from '../lang/treesitter';
import { DYN, type ParsedLine, type SimpleCommand, type Stdin } from './model';
import type { FileSource } from './files';

export class BudgetExceeded extends Error {}

export interface WalkContext {
  parser: BashParser;
  vars: Map<string, string>;
  aliases: Map<string, string>;
  env?: Record<string, string | undefined>;
  /** `env` holds every variable the shell expands (see CheckRequest.envComplete). */
  envComplete?: boolean;
  home?: string;
  cwd?: string;
  /**
   * The folders the shell may be in when `cwd` is unknown because a `cd` may have failed
   * (`cd .twokey; rm x`): the one before and the one after. Commands are judged in each.
   */
  cwdMaybe?: string[];
  depth: number;
  via: string[];
  out: ParsedLine;
  deadline: number;
  maxDepth: number;
  /** Where followed files are read from; without it scripts and package files are not followed. */
  files?: FileSource;
  workspaceRoot?: string;
  /** Files written earlier on the line (absolute path): their text when known. */
  written: Map<string, { text?: string; by: string }>;
  /** Files and scripts being followed (loop guard). */
  following: Set<string>;
  /** The file being walked, when following one: commands cite `file line N`. */
  origin?: { file: string; base: number };
  /** Citation given to commands nested inside a followed file's command (`bash -c` in x.sh). */
  fixedOrigin?: string;
  currentOrigin?: string;
  /** The last `cd` emitted (index in out.commands, 1-based), to judge whether it certainly happened. */
  lastCd?: { at: number };
  /** `set -e` seen: a failing cd stops the script. */
  errexit?: boolean;
  /** Set while walking a script that runs as another user (`su -c`, `runuser -c`). */
  elevated?: boolean;
  /** The walker and the unwrapper, handed in by analyse.ts so these modules do not import each other. */
  hooks: WalkHooks;
}

export interface WalkHooks {
  /** Walks a syntax node (a substitution found inside a word). */
  walk(node: SyntaxNode, ctx: WalkContext, stdin?: Stdin): void;
  /** Parses text as nested shell code under a wrapper label. */
  parseNested(text: string, ctx: WalkContext, label: string, stdin?: Stdin): void;
  /** Looks through wrappers to what really runs, and emits it. */
  unwrap(cmd: SimpleCommand, ctx: WalkContext): void;
}

const MAX_NESTED = 8;

export function createContext(
  parser: BashParser,
  opts: { env?: Record<string, string | undefined>; envComplete?: boolean; home?: string; cwd?: string; deadline: number; files?: FileSource; workspaceRoot?: string },
  hooks: WalkHooks,
): WalkContext {
  return {
    hooks,
    files: opts.files,
    workspaceRoot: opts.workspaceRoot,
    written: new Map(),
    following: new Set(),
    parser,
    vars: new Map(),
    aliases: new Map(),
    env: opts.env,
    envComplete: opts.envComplete,
    home: opts.home,
    cwd: opts.cwd,
    depth: 0,
    via: [],
    out: { commands: [], unanalysable: [] },
    deadline: opts.deadline,
    maxDepth: MAX_NESTED,
  };
}

export function checkBudget(ctx: WalkContext): void {
  if (performance.now() > ctx.deadline) throw new BudgetExceeded();
}

export function resolvePath(p: string, cwd: string | undefined, home: string | undefined): string {
  let v = p;
  if (v === '~' || v.startsWith('~/')) v = (home ?? '~') + v.slice(1);
  if (v.startsWith('/')) return posix.normalize(v);
  if (!cwd) return v;
  if (cwd.includes(DYN)) return DYN;
  return posix.normalize(posix.join(cwd, v));
}

