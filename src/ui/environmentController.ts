/**
 * Keeps the badge true: resolves this window's environment, watches every signal source
 * and the policy file (the badge follows within a second), shows policy errors in the file,
 * counts today's decisions, and offers the actions behind the badge.
 */
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { AuditLog, AuditRecord } from '../core/audit';
import { watchedSignalFiles } from '../core/environment';
import { createStarterPolicy, markWorkspaceText, POLICY_FILE, type PolicyInput } from '../core/policy';
import * as fs from 'node:fs';
import type { Protection } from '../core/protection';
import type { EnvironmentResolution } from '../core/types';
import type { WorkspaceEngine } from '../core/workspaceEngine';
import type { Logger } from '../logger';
import { watchFiles } from './fileWatchers';
import { EnvironmentBadge, type Counts, type Surface } from './statusBar';

export interface ControllerDeps {
  ws: WorkspaceEngine;
  root: string | undefined;
  audit: AuditLog | undefined;
  protection: Protection;
  log: Logger;
  /** The state of each protected surface (gate, broker, agent hooks…), asked at each refresh. */
  surfaces: () => Surface[];
  userPolicy: () => PolicyInput | undefined;
}

export class EnvironmentController implements vscode.Disposable {
  readonly badge = new EnvironmentBadge();
  private readonly disposables: vscode.Disposable[] = [this.badge];
  private readonly diagnostics = vscode.languages.createDiagnosticCollection('twokey-policy');
  private watchers: vscode.Disposable[] = [];
  private timer: NodeJS.Timeout | undefined;
  private counts: Counts = { allowed: 0, denied: 0, asked: 0 };
  private countsDay = '';
  private resolution: EnvironmentResolution = { environment: 'unknown', evidence: [] };
  private policyWarned = false;
  private pending = 0;

  constructor(private readonly d: ControllerDeps) {
    this.disposables.push(this.diagnostics);
    this.loadCounts();
    if (d.audit) this.disposables.push(d.audit.onDidAppend((r) => this.count(r)));
    this.disposables.push(d.protection.onDidChange(() => this.refresh()));
    this.applyPolicy();
    this.watchSignals();
    this.refresh();
  }

  get environment(): EnvironmentResolution {
    return this.resolution;
  }

  /** How many requests wait for a person; redraws at once. */
  setPending(n: number): void {
    this.pending = n;
    this.refresh();
  }

  /** Re-resolve and redraw now (also called by watchers, debounced). */
  refresh(): void {
    const root = this.d.root;
    this.resolution = this.d.ws.resolver({ cwd: root, env: process.env, targets: [], workspaceRoot: root, home: os.homedir() });
    if (this.countsDay !== today()) this.loadCounts();
    this.badge.update({ resolution: this.resolution, surfaces: this.d.surfaces(), counts: this.counts, paused: this.d.protection.paused(), pending: this.pending });
  }

  private schedule(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.refresh(), 150);
  }

  /** Reads the policy again (file, user settings, trust), shows its problems in the file. */
  applyPolicy(): void {
    const loaded = this.d.ws.reload({ trusted: vscode.workspace.isTrusted, user: this.d.userPolicy() });
    const uri = vscode.Uri.file(loaded.file);
    this.diagnostics.set(
      uri,
      loaded.diagnostics.map((p) => {
        const start = new vscode.Position(p.line, p.column);
        const d = new vscode.Diagnostic(
          new vscode.Range(start, start.translate(0, Math.max(1, p.length))),
          p.message,
          p.severity === 'error' ? vscode.DiagnosticSeverity.Error : vscode.DiagnosticSeverity.Warning,
        );
        d.source = 'TwoKey';
        return d;
      }),
    );
    const errors = loaded.diagnostics.filter((p) => p.severity === 'error');
    if (errors.length) {
      this.d.log.warn(`[policy] ${loaded.file} has ${errors.length} error(s); the strict defaults apply until it is fixed`);
      if (!this.policyWarned) {
        this.policyWarned = true;
        void vscode.window.showWarningMessage(
          `TwoKey: ${POLICY_FILE} has errors (${errors[0].message}); the strict defaults apply until it is fixed.`,
        );
      }
    } else this.policyWarned = false;
    for (const i of loaded.ignored) this.d.log.info(`[policy] not applied in an untrusted workspace: ${i}`);
    this.schedule();
  }

  private watchSignals(): void {
    for (const w of this.watchers) w.dispose();
    this.watchers = [];
    const root = this.d.root;
    const files = watchedSignalFiles({ homeDir: os.homedir(), workspaceRoot: root, env: process.env, policy: this.d.ws.policy().policy });
    this.watchers.push(...watchFiles(files, () => this.schedule()));
    if (root) this.watchers.push(...watchFiles([{ base: root, pattern: POLICY_FILE }], () => this.applyPolicy()));
  }

  private loadCounts(): void {
    this.countsDay = today();
    this.counts = { allowed: 0, denied: 0, asked: 0 };
    if (!this.d.audit) return;
    try {
      for (const r of this.d.audit.read({})) {
        if (r.ts.slice(0, 10) < this.countsDay) break;
        this.add(r);
      }
    } catch (err) {
      this.d.log.warn(`[audit] could not count today's records: ${String(err)}`);
    }
  }

  private count(r: AuditRecord): void {
    if (r.ts.slice(0, 10) !== this.countsDay) this.loadCounts();
    else this.add(r);
    this.schedule();
  }

  private add(r: AuditRecord): void {
    if (r.decision === 'allowed') this.counts.allowed++;
    else if (r.decision === 'denied' || r.decision === 'timed-out') this.counts.denied++;
    if (r.decidedBy === 'human' || r.decidedBy === 'timeout') this.counts.asked++;
  }

  /** `TwoKey: Create Policy`: a commented starter filled from what was detected. */
  async createPolicy(): Promise<void> {
    const root = this.d.root;
    if (!root) {
      void vscode.window.showInformationMessage('TwoKey: open a folder first; the policy lives in its .twokey folder.');
      return;
    }
    const uri = vscode.Uri.file(path.join(root, POLICY_FILE));
    try {
      await vscode.workspace.fs.stat(uri);
    } catch {
      const text = createStarterPolicy(this.resolution, { policy: this.d.ws.policy().policy });
      await vscode.workspace.fs.writeFile(uri, Buffer.from(text, 'utf8'));
    }
    await vscode.window.showTextDocument(uri);
  }

  /**
   * `TwoKey: Mark This Workspace As…`: a person says what this workspace is; it goes into the
   * policy file as `workspaceEnvironment` and on the record. Production evidence still wins
   * over the mark (a production kubeconfig, URL or profile stays production), and a mark
   * below production is a loosening the policy watch asks a person to keep before it applies.
   */
  async markWorkspace(): Promise<void> {
    const root = this.d.root;
    if (!root) {
      void vscode.window.showInformationMessage('TwoKey: open a folder first; the mark lives in its .twokey/policy.json.');
      return;
    }
    const current = this.d.ws.policy().policy.workspaceEnvironment;
    const pick = await vscode.window.showQuickPick(
      [
        { label: 'development', env: 'development' as const, description: 'state changes whose target nothing places run without asking' },
        { label: 'staging', env: 'staging' as const, description: 'only destructive commands ask (unless the policy says otherwise)' },
        { label: 'production', env: 'production' as const, description: 'every state change asks, with its target typed' },
      ].filter((i) => i.env !== current),
      { title: `TwoKey: mark this workspace as… (now ${this.resolution.environment})`, placeHolder: 'Production evidence (a kubeconfig, a database URL, a profile) still wins over the mark.' },
    );
    if (!pick) return;
    const file = path.join(root, POLICY_FILE);
    let before: string | undefined;
    try {
      before = fs.readFileSync(file, 'utf8');
    } catch {
      before = undefined;
    }
    const after = markWorkspaceText(before, pick.env);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, after);
    try {
      await this.d.audit?.append({
        source: 'editor',
        command: `TwoKey: Mark This Workspace As ${pick.env}`,
        cwd: root,
        decision: 'allowed',
        decidedBy: 'human',
        risk: pick.env === 'production' ? 'none' : 'low',
        rules: ['policy.mark-workspace'],
        environment: this.resolution.environment,
        reason: `A person marked the workspace ${pick.env} in ${POLICY_FILE}${current ? ` (was ${current})` : ''}.`,
      });
    } catch (err) {
      this.d.log.warn(`[audit] could not record the workspace mark: ${String(err)}`);
    }
    if (!vscode.workspace.isTrusted && pick.env !== 'production') {
      void vscode.window.showWarningMessage(`TwoKey: this workspace is not trusted, so its policy can only tighten; the mark "${pick.env}" applies once you trust it.`);
    }
    this.applyPolicy();
  }

  dispose(): void {
    clearTimeout(this.timer);
    for (const w of this.watchers) w.dispose();
    for (const d of this.disposables) d.dispose();
  }
}

function today(): string {
  return new Date().toISOString().slice(0, 10);
}
