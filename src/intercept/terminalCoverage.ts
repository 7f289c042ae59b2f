/**
 * Which terminals of this window are really gated. Each terminal's shell process is
 * inspected (coverage.ts) when it opens, when its shell integration starts and after a
 * relaunch; the ones that are not gated (opened before TwoKey was active or while the gates
 * were off, or a shell TwoKey has no gate for) are named in the badge, with a
 * relaunch for those a relaunch can fix. Task processes are not terminals a person types in:
 * they are left to the task checks.
 */
import * as vscode from 'vscode';
import { shellCoverage, type Coverage } from './coverage';

export interface UngatedTerminal {
  terminal: vscode.Terminal;
  name: string;
  coverage: Exclude<Coverage, { state: 'gated' } | { state: 'unknown' }>;
}

export class TerminalCoverage implements vscode.Disposable {
  private readonly states = new Map<vscode.Terminal, Coverage>();
  /** Running task processes: not terminals a person types in. */
  private readonly taskPids = new Map<vscode.TaskExecution, number>();
  private readonly disposables: vscode.Disposable[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(
    private readonly socketPath: () => string,
    private readonly gatesOn: () => boolean,
    private readonly onChange: () => void,
    /** How long after a terminal opens its shell is looked at (tasks report their pid first). */
    private readonly settleMs = 1500,
  ) {
    this.disposables.push(
      vscode.window.onDidOpenTerminal((t) => this.later(t, this.settleMs)),
      vscode.window.onDidCloseTerminal((t) => {
        if (this.states.delete(t)) this.onChange();
      }),
      vscode.tasks.onDidStartTaskProcess((e) => {
        if (e.processId) this.taskPids.set(e.execution, e.processId);
      }),
      // Pids are reused: a later shell with an old task's pid must still be looked at.
      vscode.tasks.onDidEndTaskProcess((e) => this.taskPids.delete(e.execution)),
    );
    // A relaunched shell (new process, same terminal) shows itself through shell integration.
    if (typeof vscode.window.onDidChangeTerminalShellIntegration === 'function') {
      this.disposables.push(vscode.window.onDidChangeTerminalShellIntegration((e) => this.later(e.terminal, 200)));
    }
    for (const t of vscode.window.terminals) void this.check(t);
  }

  /** Terminals a person may type in that no TwoKey gate reaches. */
  ungated(): UngatedTerminal[] {
    if (!this.gatesOn()) return [];
    const out: UngatedTerminal[] = [];
    for (const [terminal, c] of this.states) {
      if (c.state === 'no-gate' || c.state === 'unsupported') out.push({ terminal, name: terminal.name, coverage: c });
    }
    return out;
  }

  /** Looks at a terminal's shell now; resolves to what was found. */
  async check(t: vscode.Terminal): Promise<Coverage | undefined> {
    let pid: number | undefined;
    try {
      pid = await t.processId;
    } catch {
      pid = undefined;
    }
    if (!pid || [...this.taskPids.values()].includes(pid) || t.exitStatus) {
      if (this.states.delete(t)) this.onChange();
      return undefined;
    }
    const c = await shellCoverage(pid, this.socketPath());
    // Closed while it was being looked at: nothing to name.
    if (!vscode.window.terminals.includes(t)) {
      if (this.states.delete(t)) this.onChange();
      return undefined;
    }
    const before = this.states.get(t);
    if (c.state === 'unknown') this.states.delete(t);
    else this.states.set(t, c);
    if (JSON.stringify(before) !== JSON.stringify(this.states.get(t))) this.onChange();
    return c;
  }

  /** Relaunches the terminals a relaunch can fix (no gate in their environment). */
  async relaunchUngated(): Promise<number> {
    let n = 0;
    for (const u of this.ungated()) {
      if (u.coverage.state !== 'no-gate') continue;
      u.terminal.show();
      await vscode.commands.executeCommand('workbench.action.terminal.relaunch');
      this.later(u.terminal, this.settleMs);
      n++;
    }
    return n;
  }

  private later(t: vscode.Terminal, ms: number): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      void this.check(t);
    }, ms);
    this.timers.add(timer);
  }

  dispose(): void {
    for (const t of this.timers) clearTimeout(t);
    for (const d of this.disposables) d.dispose();
  }
}
