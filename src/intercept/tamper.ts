/**
 * Terminals whose gate found itself changed (a hook, trap, option or function of the gate
 * removed or replaced by a line that ran): each such report is recorded (`tamper`), marks
 * the terminal compromised (the badge turns red) and makes the next command from that
 * terminal wait for a person, whatever the engine thinks of it. A terminal stays marked
 * until it closes. Pure: no `vscode` import.
 */
import type { AuditEntry } from '../core/audit';
import type { Source } from '../core/types';

export interface TamperReport {
  shellPid?: number;
  terminal?: string;
  /** What the gate found changed, in a few words. */
  what: string;
  cwd?: string;
  source: Source;
  /**
   * The gate is gone, not restored (it stopped beating, or a refused line ran anyway): the
   * shell can no longer hold a command, so the person is told to close the terminal.
   */
  gone?: boolean;
}

export interface Compromised {
  shellPid?: number;
  terminal?: string;
  what: string[];
  at: number;
  /** The next command from it waits for a person. */
  mustAsk: boolean;
}

export interface TamperDeps {
  audit: () => { append(entry: AuditEntry): Promise<unknown> } | undefined;
  log: { warn(msg: string): void };
  /** The badge and anything else that shows the state. */
  onChange: () => void;
  /** A warning for the person (the window's notification by default in the extension). */
  warn?: (message: string) => void;
}

export class TamperWatch {
  private readonly byKey = new Map<string, Compromised>();

  constructor(private readonly deps: TamperDeps) {}

  private key(pid: number | undefined, terminal: string | undefined): string {
    return pid ? `pid:${pid}` : `name:${terminal ?? '?'}`;
  }

  async report(r: TamperReport): Promise<void> {
    const k = this.key(r.shellPid, r.terminal);
    const c = this.byKey.get(k) ?? { shellPid: r.shellPid, terminal: r.terminal, what: [], at: Date.now(), mustAsk: true };
    const what = r.what.slice(0, 300);
    if (!c.what.includes(what)) c.what.push(what);
    c.mustAsk = true;
    c.terminal ??= r.terminal;
    this.byKey.set(k, c);
    const where = r.terminal ? `terminal '${r.terminal}'` : `shell ${r.shellPid ?? '?'}`;
    const reason = r.gone
      ? `The TwoKey gate of ${where}${r.shellPid ? ` (shell pid ${r.shellPid})` : ''} does not hold: ${what}. The terminal is marked compromised; what it runs is no longer checked by its shell (a request that still reaches TwoKey from it waits for a person). Close it and open a new one.`
      : `The TwoKey gate of ${where}${r.shellPid ? ` (shell pid ${r.shellPid})` : ''} was tampered with: ${what}. The gate restored itself; the terminal is marked compromised and its next command waits for a person.`;
    this.deps.log.warn(`[tamper] ${reason}`);
    this.deps.warn?.(
      r.gone
        ? `TwoKey: the gate of ${where} does not hold (${what}). Its commands are no longer checked: close that terminal and open a new one.`
        : `TwoKey: the gate of ${where} was tampered with (${what}). It was restored; the next command from it waits for you.`,
    );
    this.deps.onChange();
    try {
      await this.deps.audit()?.append({
        source: r.source,
        command: what,
        cwd: r.cwd,
        risk: 'critical',
        rules: ['guard.tamper'],
        decision: 'tamper',
        decidedBy: 'policy',
        reason,
        terminal: r.terminal,
      });
    } catch (err) {
      this.deps.log.warn(`[audit] could not record tampering: ${String(err)}`);
    }
  }

  /** What was changed, when the next command from this shell must wait for a person. */
  mustAsk(shellPid: number | undefined, terminal?: string): string | undefined {
    const c = this.byKey.get(this.key(shellPid, terminal));
    return c?.mustAsk ? c.what.join('; ') : undefined;
  }

  /** A person answered for this terminal's next command. */
  asked(shellPid: number | undefined, terminal?: string): void {
    const c = this.byKey.get(this.key(shellPid, terminal));
    if (c) c.mustAsk = false;
  }

  compromised(): Compromised[] {
    return [...this.byKey.values()];
  }

  /** The terminal closed. */
  forget(shellPid: number | undefined): void {
    if (shellPid && this.byKey.delete(this.key(shellPid, undefined))) this.deps.onChange();
  }
}
