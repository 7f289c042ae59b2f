/**
 * The gates' heartbeat: every gated interactive shell writes the count of its prompts into a
 * file named by its pid (gate files' `beat/` folder) at every prompt. Shell integration
 * reports each command that ends; each is followed by a prompt, so the count must keep up
 * with the commands. A terminal whose count stops while its commands go on has a gate that
 * no longer runs (hooks removed, another shell exec'd in its place): it is reported as
 * tampered with (recorded, marked compromised in the badge).
 *
 * Only shells whose gate beat at least once are judged: a terminal that never had a gate is
 * the coverage check's business. Pure Node: no `vscode` import.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { TamperReport } from './tamper';

export interface HeartbeatDeps {
  /** The gate files' beat folder. */
  dir: string;
  tamper: { report(r: TamperReport): Promise<void> };
  /** How long a prompt may take to beat after its command ended (ms); default 5 s. */
  graceMs?: number;
  log?: { info(msg: string): void };
}

interface Shell {
  /**
   * Prompts counted when the first command was judged, less the commands seen by then and
   * one more: end events may trail the shell by a command, so one missing prompt is
   * tolerated (a gate that stopped is reported at the end of the next command after it).
   */
  base: number;
  /** Commands that ended since. */
  ended: number;
  /** Reported already: once per shell. */
  reported: boolean;
  /** Checks run one after the other, in the order the commands ended. */
  queue: Promise<void>;
}

export class HeartbeatWatch {
  private readonly shells = new Map<number, Shell>();

  constructor(private readonly deps: HeartbeatDeps) {}

  /** The prompt count this shell's gate wrote last, or undefined when it never beat. */
  beats(pid: number): number | undefined {
    try {
      const n = Number.parseInt(fs.readFileSync(path.join(this.deps.dir, String(pid)), 'utf8'), 10);
      return Number.isFinite(n) ? n : undefined;
    } catch {
      return undefined;
    }
  }

  /**
   * A command of shell `pid` ended (shell integration said so). Resolves once judged: true
   * when the gate beat at the prompt after it (or cannot be judged yet), false when it did
   * not and the terminal was reported.
   */
  ended(pid: number | undefined, o: { terminal?: string; command: string; cwd?: string }): Promise<boolean> {
    if (!pid) return Promise.resolve(true);
    let s = this.shells.get(pid);
    if (!s) {
      s = { base: NaN, ended: 0, reported: false, queue: Promise.resolve() };
      this.shells.set(pid, s);
    }
    const shell = s;
    const n = ++shell.ended;
    let verdict = true;
    const run = async () => {
      verdict = await this.judge(pid, shell, n, o);
    };
    shell.queue = shell.queue.then(run, run);
    return shell.queue.then(() => verdict);
  }

  private async judge(pid: number, s: Shell, n: number, o: { terminal?: string; command: string; cwd?: string }): Promise<boolean> {
    const grace = this.deps.graceMs ?? 5000;
    if (Number.isNaN(s.base)) {
      // The first command seen: its prompt may not have beaten yet; wait a moment, then count.
      await sleep(Math.min(300, grace));
      const b = this.beats(pid);
      if (b === undefined) {
        // Never beat: no gate here (coverage shows it), or not yet; ask again next time.
        return true;
      }
      s.base = b - s.ended - 1;
      return true;
    }
    const want = s.base + n;
    const end = Date.now() + grace;
    for (;;) {
      const b = this.beats(pid);
      if (b !== undefined && b >= want) return true;
      if (Date.now() >= end) break;
      await sleep(100);
    }
    if (s.reported) return false;
    s.reported = true;
    const shown = o.command.replace(/\s*\n\s*/g, ' ⏎ ').slice(0, 120);
    this.deps.log?.info(`[heartbeat] shell ${pid}: no prompt counted after \`${shown}\` (want ${want}, have ${this.beats(pid) ?? 'none'})`);
    await this.deps.tamper.report({
      shellPid: pid,
      terminal: o.terminal,
      what: `the gate stopped running: no heartbeat at the prompt after \`${shown}\` (its hooks were removed, or another shell took its place)`,
      cwd: o.cwd,
      source: 'terminal',
      gone: true,
    });
    return false;
  }

  /** The terminal closed. */
  forget(pid: number | undefined): void {
    if (!pid) return;
    this.shells.delete(pid);
    try {
      fs.rmSync(path.join(this.deps.dir, String(pid)), { force: true });
    } catch {
      /* already gone */
    }
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
