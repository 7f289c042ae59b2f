/**
 * `TwoKey: Install Agent Hooks` / `TwoKey: Remove Agent Hooks`: show what would change in each
 * agent's hook file as a diff, then apply only when the person says so. And Copilot's own
 * terminal approval list: add TwoKey's "always ask" rules, and warn when a setting loosens them.
 * The planning is in src/core/hooks (no `vscode`); this file only shows and asks.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { Emitter } from '../core/events';
import { detectAgents } from '../core/hooks/detect';
import { doctor, type DoctorResult } from '../core/hooks/doctor';
import type { Agent } from '../core/hooks/types';
import { AGENTS, agentLabel } from '../core/hooks/types';
import { hookCommandLine, HookFileError, type HookExecutable } from '../core/hooks/install';
import { writeLauncher } from '../core/hooks/launcher';
import { defaultStateDir } from '../core/audit';
import { applyInstall, applyUninstall, planInstallAll, planUninstallAll, statusAll } from '../core/hooks/workspaceHooks';
import { AUTO_APPROVE_SETTING, GLOBAL_AUTO_APPROVE_SETTINGS, findLoosening, mergeAutoApprove, riskyCommandWords } from '../core/hooks/copilotRules';

export interface AgentHooksDeps {
  workspaceRoot: () => string | undefined;
  log: { info(msg: string): void; warn(msg: string): void };
}

const SCHEME = 'twokey-hooks';
const RULES_ADDED_KEY = 'twokey.copilotRulesAdded';

/** Read-only documents holding proposed file contents, for the right side of vscode.diff. */
class ProposedContent implements vscode.TextDocumentContentProvider {
  private readonly docs = new Map<string, string>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  set(uri: vscode.Uri, text: string): void {
    this.docs.set(uri.toString(), text);
    this.changed.fire(uri);
  }
  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.docs.get(uri.toString()) ?? '';
  }
  dispose(): void {
    this.changed.dispose();
  }
}

/**
 * The CLI inside this extension, started by the editor's own binary as Node, so agents need
 * no other Node; through a launcher in the state folder that survives updates of both.
 */
function executable(context: vscode.ExtensionContext): HookExecutable {
  const exe: HookExecutable = { node: process.execPath, cli: context.asAbsolutePath(path.join('dist', 'cli.js')), electron: !!process.versions.electron };
  return { ...exe, launcher: writeLauncher(defaultStateDir(), exe) };
}

function listDir(d: string): string[] {
  try {
    return fs.readdirSync(d);
  } catch {
    return [];
  }
}

/** The agents found on this machine (detect.ts), with what showed each. */
function found(): Map<Agent, string> {
  return new Map(detectAgents({ home: os.homedir(), pathEnv: process.env.PATH, exists: fs.existsSync, list: listDir }).map((f) => [f.agent, f.evidence]));
}

async function pickAgents(root: string, title: string, install: boolean): Promise<Agent[] | undefined> {
  const states = new Map(statusAll(root).map((s) => [s.agent, s]));
  const here = found();
  // Installing: the agents found on the machine (and those already hooked) first and picked.
  const chosen = (a: Agent) => !install || here.has(a) || states.get(a)?.state !== 'missing' || a === 'copilot';
  const order = install ? [...AGENTS].sort((a, b) => Number(chosen(b)) - Number(chosen(a))) : [...AGENTS];
  const picks = await vscode.window.showQuickPick(
    order.map((a) => ({
      label: agentLabel(a),
      description: [states.get(a)?.state, here.has(a) ? `found: ${here.get(a)}` : undefined].filter(Boolean).join(' · '),
      detail: states.get(a)?.detail,
      agent: a,
      picked: chosen(a),
    })),
    { title, canPickMany: true, ignoreFocusOut: true },
  );
  return picks?.length ? picks.map((p) => p.agent) : undefined;
}

async function showDiffs(content: ProposedContent, changes: { file: string; before: string | undefined; after: string | undefined }[], verb: string): Promise<void> {
  for (const c of changes) {
    if (c.before === c.after) continue;
    const left = vscode.Uri.from({ scheme: SCHEME, path: `/current/${c.file}` });
    const right = vscode.Uri.from({ scheme: SCHEME, path: `/proposed/${c.file}` });
    content.set(left, c.before ?? '');
    content.set(right, c.after ?? '');
    await vscode.commands.executeCommand('vscode.diff', left, right, `TwoKey: ${verb} ${c.file}${c.before === undefined ? ' (new file)' : c.after === undefined ? ' (deleted)' : ''}`, { preview: false });
  }
}

/**
 * The agent hooks of this workspace: checked at start (the doctor), installed and removed
 * with a diff and a question, and Copilot's own approval list kept strict. The commands
 * (ui/commands) call the methods.
 */
export class AgentHooks implements vscode.Disposable {
  private readonly content = new ProposedContent();
  /** The doctor's last finding per agent (for the badge). */
  private readonly findings = new Map<Agent, DoctorResult>();
  private readonly checked = new Emitter<string | undefined>();
  /** After each doctor run: what is wrong (undefined when every installed hook works). */
  readonly onDidCheck = this.checked.event;
  private readonly disposables: vscode.Disposable[] = [this.content, this.checked];
  private lastWarning = '';

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly deps: AgentHooksDeps,
  ) {
    this.disposables.push(
      vscode.workspace.registerTextDocumentContentProvider(SCHEME, this.content),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('chat.tools')) this.checkLoosening();
      }),
    );
    // Hooks installed earlier run the launcher: point it at this editor and this TwoKey now.
    executable(context);
  }

  /**
   * Then check that every installed hook still works through the agent's real entry (this
   * start may follow an update of the editor or of TwoKey); and whether Copilot's rules were loosened.
   */
  start(): void {
    void this.runDoctor(false).catch((e: unknown) => this.deps.log.warn(`[hooks] doctor failed: ${e instanceof Error ? e.message : String(e)}`));
    this.checkLoosening();
  }

  finding(agent: Agent): DoctorResult | undefined {
    return this.findings.get(agent);
  }

  /** `TwoKey: Check Agent Hooks`, and the check at start (which tells only of problems). */
  async runDoctor(tell: boolean): Promise<DoctorResult[]> {
    const root = this.deps.workspaceRoot();
    if (!root) return [];
    const results = (await doctor(root, AGENTS)).filter((r) => r.state !== 'not-installed');
    this.findings.clear();
    for (const r of results) this.findings.set(r.agent, r);
    const bad = results.filter((r) => r.state !== 'ok');
    for (const r of results) this.deps.log[r.state === 'ok' ? 'info' : 'warn'](`[hooks] doctor ${r.agent}: ${r.state}: ${r.detail}`);
    this.checked.fire(bad.length ? `${bad.map((r) => `${agentLabel(r.agent)} ${r.state.replace(/-/g, ' ')}`).join(', ')}` : undefined);
    if (bad.length) {
      void vscode.window
        .showWarningMessage(`TwoKey: ${bad.map((r) => `${agentLabel(r.agent)}'s hook ${r.state === 'fails-open' ? 'would let destructive calls run' : r.state === 'removed' ? 'was removed' : 'blocks every call'}`).join('; ')}.`, 'Reinstall Hooks')
        .then((pick) => {
          if (pick) void vscode.commands.executeCommand('twokey.installAgentHooks');
        });
    } else if (tell) {
      void vscode.window.showInformationMessage(results.length ? `TwoKey: ${results.length} agent hook${results.length === 1 ? '' : 's'} checked; all work.` : 'TwoKey: no agent hook is installed in this workspace.');
    }
    return results;
  }

  private needRoot(): string | undefined {
    const root = this.deps.workspaceRoot();
    if (!root) void vscode.window.showInformationMessage('TwoKey: open a folder first; agent hooks are installed per workspace.');
    return root;
  }

  /** `TwoKey: Install Agent Hooks`. */
  async install(): Promise<unknown> {
    const root = this.needRoot();
    if (!root) return undefined;
    const agents = await pickAgents(root, 'TwoKey: install hooks for which agents?', true);
    if (!agents) return undefined;
    try {
      const exe = executable(this.context);
      const plans = planInstallAll(root, agents, (a) => hookCommandLine(a, exe));
      const changing = plans.filter((p) => p.after !== p.before);
      if (!changing.length) return vscode.window.showInformationMessage('TwoKey: the agent hooks are already installed and up to date.');
      await showDiffs(this.content, changing, 'install hook in');
      const ok = await vscode.window.showWarningMessage(
        `TwoKey: add its hook to ${changing.map((p) => p.file).join(', ')}? Your own entries stay; Cursor's fail closed.`,
        { modal: true, detail: `Agents will run: ${hookCommandLine(agents[0], exe).replace(/ hook \S+$/, ' hook <agent>')}` },
        'Install',
      );
      if (ok !== 'Install') return undefined;
      applyInstall(root, plans);
      this.deps.log.info(`[hooks] installed for ${agents.join(', ')} in ${root}`);
      void this.runDoctor(false).catch(() => undefined);
      return vscode.window.showInformationMessage(`TwoKey: hooks installed for ${agents.map(agentLabel).join(', ')}.`);
    } catch (e) {
      if (e instanceof HookFileError) return vscode.window.showErrorMessage(`TwoKey: ${e.message}`);
      throw e;
    }
  }

  /** `TwoKey: Remove Agent Hooks`. */
  async remove(): Promise<unknown> {
    const root = this.needRoot();
    if (!root) return undefined;
    const agents = await pickAgents(root, 'TwoKey: remove the hooks of which agents?', false);
    if (!agents) return undefined;
    try {
      const plans = planUninstallAll(root, agents);
      const changing = plans.filter((p) => p.after !== p.before);
      if (!changing.length) return vscode.window.showInformationMessage('TwoKey: nothing of TwoKey is recorded in those hook files.');
      await showDiffs(this.content, changing, 'remove hook from');
      const kept = plans.reduce((n, p) => n + p.keptChanged, 0);
      const ok = await vscode.window.showWarningMessage(
        `TwoKey: remove its hook from ${changing.map((p) => p.file).join(', ')}? Agents will then run commands without TwoKey's second key.`,
        { modal: true, detail: kept ? `${kept} TwoKey entr${kept === 1 ? 'y was' : 'ies were'} changed since install and stay; remove by hand if wanted.` : undefined },
        'Remove',
      );
      if (ok !== 'Remove') return undefined;
      applyUninstall(root, plans);
      this.deps.log.info(`[hooks] removed for ${agents.join(', ')} in ${root}`);
      return undefined;
    } catch (e) {
      if (e instanceof HookFileError) return vscode.window.showErrorMessage(`TwoKey: ${e.message}`);
      throw e;
    }
  }

  /** `TwoKey: Add Copilot Auto-Approve Rules`: Copilot always asks before the risky command words. */
  async addCopilotRules(): Promise<void> {
    const words = riskyCommandWords();
    const config = vscode.workspace.getConfiguration();
    const current = config.inspect<Record<string, unknown>>(AUTO_APPROVE_SETTING)?.globalValue;
    const ok = await vscode.window.showWarningMessage(
      `TwoKey: make Copilot always ask before ${words.length} risky commands (${words.slice(0, 6).join(', ')}, …)?`,
      { modal: true, detail: `Adds "<command>": false to ${AUTO_APPROVE_SETTING} in your user settings; your other rules stay. Any extension can change this setting, so TwoKey's hooks remain the real gate.` },
      'Add rules',
    );
    if (ok !== 'Add rules') return;
    await config.update(AUTO_APPROVE_SETTING, mergeAutoApprove(current, words), vscode.ConfigurationTarget.Global);
    await this.context.globalState.update(RULES_ADDED_KEY, true);
    this.checkLoosening();
  }

  /** Once TwoKey's rules were added: warn (once per finding) when a setting loosens them. */
  private checkLoosening(): void {
    if (!this.context.globalState.get<boolean>(RULES_ADDED_KEY)) return;
    const config = vscode.workspace.getConfiguration();
    const globals: Record<string, unknown> = {};
    for (const k of GLOBAL_AUTO_APPROVE_SETTINGS) globals[k] = config.get(k);
    const found = findLoosening(config.get(AUTO_APPROVE_SETTING), globals);
    const text = found.map((f) => f.reason).join('; ');
    if (!found.length || text === this.lastWarning) return;
    this.lastWarning = text;
    this.deps.log.warn(`[hooks] Copilot auto-approve loosened: ${text}`);
    void vscode.window.showWarningMessage(`TwoKey: a setting loosens Copilot's "always ask" rules: ${text}.`, 'Restore TwoKey rules').then((pick) => {
      if (pick) void vscode.commands.executeCommand('twokey.addCopilotAutoApproveRules');
    });
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}

export function registerAgentHooks(context: vscode.ExtensionContext, deps: AgentHooksDeps): AgentHooks {
  const hooks = new AgentHooks(context, deps);
  context.subscriptions.push(hooks);
  hooks.start();
  return hooks;
}
