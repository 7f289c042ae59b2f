/**
 * The `twokey.environment` badge (contract): which environment this window's terminals touch,
 * the evidence in its tooltip, red for production and unknown, yellow for staging.
 */
import * as vscode from 'vscode';
import type { EnvironmentResolution } from '../core/types';

export const STATUS_ITEM_ID = 'twokey.environment';

export class EnvironmentBadge implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;
  private notes: string[] = [];
  private last: EnvironmentResolution | undefined;

  constructor() {
    this.item = vscode.window.createStatusBarItem(STATUS_ITEM_ID, vscode.StatusBarAlignment.Left, 100);
    this.item.name = 'TwoKey Environment';
    this.item.command = 'twokey.showEnvironment';
    this.item.text = '$(shield) TwoKey';
    this.item.show();
  }

  /** Extra lines shown in the tooltip (pending requests, degraded terminals, a pause). */
  setNotes(notes: string[]): void {
    this.notes = notes;
    if (this.last) this.update(this.last);
  }

  update(res: EnvironmentResolution): void {
    this.last = res;
    const env = res.environment;
    const label = env === 'unknown' ? 'unknown (as production)' : env;
    this.item.text = `$(shield) ${env === 'unknown' ? 'unknown' : env}`;
    this.item.backgroundColor =
      env === 'production' || env === 'unknown'
        ? new vscode.ThemeColor('statusBarItem.errorBackground')
        : env === 'staging'
          ? new vscode.ThemeColor('statusBarItem.warningBackground')
          : undefined;
    const tip = new vscode.MarkdownString(undefined, true);
    tip.appendMarkdown(`**TwoKey** guards this window. Environment: **${label}**\n\n`);
    if (res.evidence.length === 0) tip.appendMarkdown('No signal places this workspace; unknown counts as production.\n\n');
    for (const e of res.evidence) tip.appendMarkdown(`- \`${e.signal}\` = \`${e.value}\` → ${e.environment}\n`);
    for (const n of this.notes) tip.appendMarkdown(`\n${n}\n`);
    this.item.tooltip = tip;
    this.item.accessibilityInformation = { label: `TwoKey environment: ${label}`, role: 'button' };
  }

  dispose(): void {
    this.item.dispose();
  }
}
