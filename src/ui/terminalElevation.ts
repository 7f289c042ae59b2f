/**
 * `TwoKey: Elevate Terminal…`: one new terminal gets the variables the policy keeps out of
 * terminals, for a time box a person picks and confirms by typing; it closes when the time
 * is up. Each step is recorded; the badge hears of it through `onDidChange`.
 */
import * as os from 'node:os';
import * as vscode from 'vscode';
import type { AuditEntry } from '../core/audit';
import { DisposableStore, Emitter } from '../core/events';
import type { Logger } from '../logger';
import type { MaskedVariables } from './maskedContent';
import type { Prompt } from './prompt';

export interface ElevationDeps {
  root: string | undefined;
  masks: MaskedVariables;
  prompt: Prompt;
  log: Logger;
  /** Writes one record (the file watch's source and folder are added). */
  record: (e: Omit<AuditEntry, 'source'>) => Promise<void>;
}

const BOXES: Record<string, number> = { '5 minutes': 5 * 60_000, '15 minutes': 15 * 60_000, '1 hour': 60 * 60_000 };

export class TerminalElevation implements vscode.Disposable {
  private readonly changed = new Emitter<string | undefined>();
  /** A note for the badge while a terminal is elevated; undefined when it ends. */
  readonly onDidChange = this.changed.event;
  private readonly disposables = new DisposableStore();
  private elevated: { terminal: vscode.Terminal; timer: NodeJS.Timeout; until: number } | undefined;

  constructor(private readonly d: ElevationDeps) {
    this.disposables.add(
      vscode.window.onDidCloseTerminal((t) => {
        if (this.elevated?.terminal === t) this.end('the terminal was closed');
      }),
    );
    this.disposables.add(this.changed);
  }

  async elevate(): Promise<void> {
    const masked = this.d.masks.names();
    if (!masked.length) {
      void vscode.window.showInformationMessage('TwoKey: no variable is kept out of terminals (the policy\'s "maskedVariables" is empty), so there is nothing to elevate.');
      return;
    }
    const choice = await this.d.prompt.pick('TwoKey: elevate a terminal for', Object.keys(BOXES), `Gives one new terminal ${masked.join(', ')}; it closes when the time is up.`);
    if (!choice || !BOXES[choice]) return;
    const typed = await this.d.prompt.input('TwoKey: typed confirmation', `Type "elevate" to open a terminal with ${masked.join(', ')} for ${choice}.`, 'elevate');
    const by = os.userInfo().username;
    if (typed?.trim() !== 'elevate') {
      await this.d.record({ command: 'TwoKey: Elevate Terminal', decision: 'denied', decidedBy: 'human', risk: 'high', rules: ['credentials.elevate'], reason: 'The typed confirmation did not match; no terminal was elevated.' });
      return;
    }
    this.end('replaced by a new elevation');
    const until = Date.now() + BOXES[choice];
    const hhmm = new Date(until).toTimeString().slice(0, 5);
    const names = this.d.masks.names();
    // The collection applies to every terminal created after it changes: lift the masks for
    // this one terminal's creation only, and put them back once its process has started.
    this.d.masks.lift();
    let terminal: vscode.Terminal;
    try {
      terminal = vscode.window.createTerminal({ name: `TwoKey elevated (until ${hhmm})`, cwd: this.d.root });
      await Promise.race([terminal.processId, new Promise((r) => setTimeout(r, 5000))]);
    } finally {
      this.d.masks.apply();
    }
    terminal.show();
    const timer = setTimeout(() => this.end('time is up'), BOXES[choice]);
    this.elevated = { terminal, timer, until };
    this.changed.fire(`elevated terminal until ${hhmm}: ${names.join(', ')}`);
    this.d.log.warn(`[credentials] terminal elevated by ${by} until ${new Date(until).toISOString()} with ${names.join(', ')}`);
    await this.d.record({ command: `TwoKey: Elevate Terminal (${choice})`, decision: 'allowed', decidedBy: 'human', risk: 'high', rules: ['credentials.elevate'], reason: `A terminal was given ${names.join(', ')} by ${by} until ${new Date(until).toISOString()}.` });
  }

  private end(why: string): void {
    const e = this.elevated;
    if (!e) return;
    this.elevated = undefined;
    clearTimeout(e.timer);
    e.terminal.dispose();
    this.changed.fire(undefined);
    void this.d.record({ command: 'TwoKey: Elevate Terminal ended', decision: 'observed', decidedBy: 'policy', risk: 'low', rules: ['credentials.elevate'], reason: `The elevated terminal was closed: ${why}.` });
  }

  dispose(): void {
    if (this.elevated) clearTimeout(this.elevated.timer);
    this.disposables.dispose();
  }
}
