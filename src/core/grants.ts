/**
 * A person's `Allow once` covers what the approved line itself goes on to run. When a
 * terminal line such as `bash -c "rm -rf build"` or `terraform destroy` is approved, the
 * child bash's own gate (BASH_ENV) and the `terraform` PATH shim would otherwise ask about
 * the very same command a second time. A grant remembers the approved line's simple
 * commands (as words, after unwrapping) for the shell that asked; a later request is
 * covered only if it comes from a process below that shell, within a few seconds, and every
 * command it runs is one of the approved ones, each used at most as often as the line has
 * it. Anything else is asked as usual. Pure: the clock and the process tree are passed in.
 */

import type { Engine } from './engine';
import type { CheckRequest } from './types';

export const GRANT_WINDOW_MS = 15_000;

/**
 * A line's simple commands as words after unwrapping (a word known only at run time shows
 * its source text, so it matches nothing a child runs); none when a part cannot be analysed.
 */
export function commandWords(engine: Pick<Engine, 'explain'>, req: CheckRequest): string[][] {
  try {
    const e = engine.explain(req);
    if (e.unanalysable.length) return [];
    return e.commands.map((c) => [c.name, ...c.args]);
  } catch {
    return [];
  }
}

interface Grant {
  pid: number;
  line: string;
  at: number;
  /** Approved commands not yet used, as word lists (name first). */
  left: string[][];
}

const same = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((w, i) => w === b[i]);

export class ApprovalGrants {
  private grants: Grant[] = [];

  constructor(private readonly windowMs = GRANT_WINDOW_MS) {}

  /** A person approved `line`, asked by the shell `pid`; `commands` are its simple commands. */
  note(pid: number, line: string, commands: readonly (readonly string[])[], now = Date.now()): void {
    this.prune(now);
    const left = commands.filter((c) => c.length > 0).map((c) => [...c]);
    if (left.length) this.grants.push({ pid, line, at: now, left });
  }

  /** Whether any grant could still cover something (callers skip the process-tree walk otherwise). */
  active(now = Date.now()): boolean {
    this.prune(now);
    return this.grants.length > 0;
  }

  /**
   * The approved line that covers a request whose process has these `ancestors` (nearest
   * first, the asking process itself excluded) and runs these `commands`; the covered
   * commands are used up. Undefined when nothing covers it.
   */
  take(ancestors: readonly number[], commands: readonly (readonly string[])[], now = Date.now()): string | undefined {
    this.prune(now);
    if (!commands.length || commands.some((c) => c.length === 0)) return undefined;
    for (let i = this.grants.length - 1; i >= 0; i--) {
      const g = this.grants[i];
      if (!ancestors.includes(g.pid)) continue;
      const left = [...g.left];
      let ok = true;
      for (const c of commands) {
        const k = left.findIndex((l) => same(l, c));
        if (k < 0) {
          ok = false;
          break;
        }
        left.splice(k, 1);
      }
      if (!ok) continue;
      g.left = left;
      if (!left.length) this.grants.splice(i, 1);
      return g.line;
    }
    return undefined;
  }

  private prune(now: number): void {
    this.grants = this.grants.filter((g) => now - g.at <= this.windowMs && g.left.length > 0);
  }
}
