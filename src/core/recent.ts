/**
 * Which command lines got a decision lately. Observation asks it whether a destructive line
 * that shell integration or a task reported went through a door (gate, shim, hook) first.
 * Pure: no `vscode`, the clock is passed in.
 */

export const RECENT_WINDOW_MS = 2 * 60_000;
const MAX_ENTRIES = 500;

/** Whitespace-insensitive form of a command line: the gate and shell integration differ in spacing. */
export function normalizeCommand(command: string): string {
  return command.replace(/\s+/g, ' ').trim();
}

/** The simple commands of a line, split at control operators (whole segments only: `ls` is no part of `rm -rf tools`). */
export function segments(line: string): string[] {
  return line
    .split(/&&|\|\||[;&|\n()`]|\$\(/)
    .map((s) => normalizeCommand(s))
    .filter((s) => s.length > 0);
}

export class RecentDecisions {
  /** Normalized command line → when it was last decided (ms). Insertion order is age order. */
  private readonly seen = new Map<string, number>();

  constructor(private readonly windowMs = RECENT_WINDOW_MS) {}

  note(command: string, now = Date.now()): void {
    const key = normalizeCommand(command);
    if (!key) return;
    this.seen.delete(key);
    this.seen.set(key, now);
    this.prune(now);
  }

  /**
   * Was this line (or a part of it, or a line containing it) decided within the window?
   * Parts count because bash's gate checks each simple command when the line is not in its
   * history, and a gate may report a longer line than shell integration does.
   */
  has(command: string, now = Date.now()): boolean {
    const key = normalizeCommand(command);
    if (!key) return false;
    this.prune(now);
    const at = this.seen.get(key);
    if (at !== undefined) return true;
    const parts = new Set(segments(key));
    for (const k of this.seen.keys()) {
      if (parts.has(k) || segments(k).includes(key)) return true;
    }
    return false;
  }

  get size(): number {
    return this.seen.size;
  }

  private prune(now: number): void {
    for (const [k, at] of this.seen) {
      if (now - at <= this.windowMs && this.seen.size <= MAX_ENTRIES) break;
      this.seen.delete(k);
    }
  }
}
