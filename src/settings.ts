/**
 * Typed access to `twokey.*` settings. Security settings are `machine` scoped in the
 * manifest, so a repository's .vscode/settings.json cannot loosen them.
 */
import * as vscode from 'vscode';

export const SECTION = 'twokey';

export class Settings {
  private get cfg(): vscode.WorkspaceConfiguration {
    return vscode.workspace.getConfiguration(SECTION);
  }
  get decisionTimeoutSeconds(): number {
    const v = this.cfg.get<number>('decisionTimeoutSeconds', 120);
    return Number.isFinite(v) && v >= 5 ? v : 120;
  }
  get gateEnabled(): boolean {
    return this.cfg.get<boolean>('gate.enabled', true);
  }
  /** No event means everything changed (first render and updates go through one path). */
  changed(e?: vscode.ConfigurationChangeEvent): boolean {
    return !e || e.affectsConfiguration(SECTION);
  }
}
