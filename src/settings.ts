/**
 * Typed access to `twokey.*` settings. Security settings are `machine` scoped in the
 * manifest, so a repository's .vscode/settings.json cannot loosen them.
 */
import * as vscode from 'vscode';
import { checkPolicyInput, type PolicyInput } from './core/policy';

export const SECTION = 'twokey';

export class Settings {
  private get cfg(): vscode.WorkspaceConfiguration {
    return vscode.workspace.getConfiguration(SECTION);
  }
  get decisionTimeoutSeconds(): number {
    const v = this.cfg.get<number>('decisionTimeoutSeconds', 120);
    return Number.isFinite(v) && v >= 5 ? v : 120;
  }
  /** How long the approval panel counts what would be lost (seconds, 1–60). */
  get previewTimeLimitSeconds(): number {
    const v = this.cfg.get<number>('preview.timeLimitSeconds', 3);
    return Number.isFinite(v) ? Math.min(60, Math.max(1, v)) : 3;
  }
  get gateEnabled(): boolean {
    return this.cfg.get<boolean>('gate.enabled', true);
  }
  /**
   * High-risk tools that get a PATH shim in VS Code terminals (empty: no shims); undefined
   * when the setting holds no list, and the shims' own default list applies.
   */
  get shims(): string[] | undefined {
    const v = this.cfg.get<unknown>('shims');
    return Array.isArray(v) ? v.filter((n): n is string => typeof n === 'string') : undefined;
  }
  /**
   * The user's own policy layer (`twokey.policy`, machine scope): between the built-in
   * defaults and the workspace file. An invalid value is ignored (the defaults stay).
   */
  get policy(): PolicyInput | undefined {
    const raw = this.cfg.get<unknown>('policy', undefined);
    if (raw === undefined || raw === null) return undefined;
    const { input } = checkPolicyInput(raw);
    return input;
  }
  get auditGitignore(): boolean {
    return this.cfg.get<boolean>('audit.gitignore', true);
  }
  get auditMaxBytes(): number {
    const v = this.cfg.get<number>('audit.maxBytes', 10 * 1024 * 1024);
    return Number.isFinite(v) && v >= 0 ? v : 10 * 1024 * 1024;
  }
  /** Where else each audit record goes (a file, a local HTTP endpoint, syslog), if anywhere. */
  get auditForward(): { file?: string; http?: string; syslog?: boolean | string } | undefined {
    const file = this.cfg.get<string>('audit.forward.file', '') || undefined;
    const http = this.cfg.get<string>('audit.forward.http', '') || undefined;
    const syslog = this.cfg.get<string>('audit.forward.syslogTarget', '') || this.cfg.get<boolean>('audit.forward.syslog', false) || undefined;
    return file || http || syslog ? { file, http, syslog } : undefined;
  }
  /** No event means everything changed (first render and updates go through one path). */
  changed(e?: vscode.ConfigurationChangeEvent): boolean {
    return !e || e.affectsConfiguration(SECTION);
  }
}
