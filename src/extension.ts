/**
 * Wiring only: build the logger, settings, engine, audit log and UI; start the broker;
 * put the gate into terminals; register commands. Every disposable has an owner.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { Emitter } from './core/events';
import { createWorkspaceEngine } from './core/workspaceEngine';
import { DecisionService } from './core/decisions';
import { Protection } from './core/protection';
import { Logger } from './logger';
import { Broker } from './intercept/broker';
import { startWarmHooks } from './cli/hookWarm';
import { defaultStateDir } from './core/audit';
import { socketPathFor, writeRegistration } from './intercept/protocol';
import { TamperWatch } from './intercept/tamper';
import { followPolicyReloads, gateHandler } from './intercept/terminalGate';
import { HeartbeatWatch } from './intercept/heartbeat';
import { TerminalCoverage } from './intercept/terminalCoverage';
import { commandWords } from './core/grants';
import { createCallClassifier } from './core/hooks/classify';
import { registerAgentHooks } from './ui/agentHooks';
import { startClassifier } from './ui/classifier';
import { twoKeyApi, type TwoKeyApi } from './ui/api';
import { ApprovalPrompt } from './ui/approval';
import { openWorkspaceAudit } from './ui/auditSetup';
import { registerCommands } from './ui/commands';
import { installPolicyGate, registerCredentialWatch } from './ui/credentialWatch';
import { EnvironmentController } from './ui/environmentController';
import { newGateSecret } from './ui/gateSecret';
import { registerObservationAndTasks } from './ui/observation';
import { registerPreviewProvider } from './ui/preview';
import { verifyAuditAtStartup } from './ui/startupVerification';
import { protectionSurfaces } from './ui/surfaces';
import { applyTerminalGates } from './ui/terminalGates';
import { openWalkthroughOnFirstRun } from './ui/walkthrough';
import { Settings } from './settings';

export type { TwoKeyApi } from './ui/api';

export async function activate(context: vscode.ExtensionContext): Promise<TwoKeyApi> {
  const channel = vscode.window.createOutputChannel('TwoKey', { log: true });
  const log = new Logger(channel);
  const settings = new Settings();
  // Who needs the badge redrawn, and how many requests wait for a person: heard by the badge once it exists.
  const badgeStale = new Emitter<void>();
  const pendingCount = new Emitter<number>();
  context.subscriptions.push(channel, badgeStale, pendingCount);

  const root = () => vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  const stateDir = (context.storageUri ?? context.globalStorageUri).fsPath;
  fs.mkdirSync(stateDir, { recursive: true, mode: 0o700 });
  const workspace = root();
  const ws = await createWorkspaceEngine({ workspaceRoot: workspace, trusted: vscode.workspace.isTrusted, user: settings.policy, homeDir: os.homedir(), hostEnv: process.env, wasmDir: context.asAbsolutePath('dist') });
  const engine = ws.engine;
  // The policy gate goes in before the broker or anything else decides (see credentialWatch).
  const policyGate = installPolicyGate(ws, context.globalStorageUri.fsPath);
  const { audit, dir: auditDir, keyKept } = await openWorkspaceAudit(context, settings, log, workspace);

  const protection = new Protection();
  context.subscriptions.push(protection);
  const previews = registerPreviewProvider(context);
  void openWalkthroughOnFirstRun(context);
  const approvals = new ApprovalPrompt(() => settings.decisionTimeoutSeconds * 1000, previews, (n) => pendingCount.fire(n), () => settings.previewTimeLimitSeconds * 1000);
  const decisions = new DecisionService(() => engine, approvals, () => audit, (msg) => log.warn(msg), protection);

  const socketPath = socketPathFor(stateDir);
  // A new secret at every start; the gates read it from this file at every request.
  const gateDir = path.join(stateDir, 'gate');
  const { secret, keyFile } = newGateSecret(gateDir);
  const classifyHookCall = createCallClassifier(ws, { home: os.homedir(), workspaceRoot: root, env: process.env, platform: process.platform });
  const tamper = new TamperWatch({ audit: () => audit, log, onChange: () => badgeStale.fire(), warn: (m) => void vscode.window.showWarningMessage(m) });
  // Terminals whose gate stopped beating at the prompt; the gates' protected variables follow policy reloads.
  const heartbeat = new HeartbeatWatch({ dir: path.join(gateDir, 'beat'), tamper, log });
  context.subscriptions.push(followPolicyReloads(ws, gateDir, log));
  const words = (command: string, cwd: string | undefined) => commandWords(engine, { command, cwd, env: process.env, home: os.homedir(), source: 'terminal' });
  const broker = new Broker(socketPath, secret, gateHandler(decisions, root, classifyHookCall, words, { tamper, check: (r) => engine.check({ ...r, home: os.homedir() }) }), log, {
    preclassify: startClassifier(context, { ws, workspace, settings, log }),
  });
  context.subscriptions.push(
    vscode.window.onDidCloseTerminal((t) =>
      void Promise.resolve(t.processId).then((pid) => {
        if (!pid) return;
        tamper.forget(pid);
        heartbeat.forget(pid);
        broker.forgetShell(pid);
      }),
    ),
  );
  const agentHooks = registerAgentHooks(context, { workspaceRoot: root, log });
  context.subscriptions.push(agentHooks.onDidCheck(() => badgeStale.fire()));
  await broker.start();
  context.subscriptions.push(broker);
  // Agents' hooks on this machine ask the editor first (no Node start for a harmless call).
  context.subscriptions.push(await startWarmHooks(defaultStateDir(), log));
  // Agent hooks run outside this window's terminals: tell them where the broker is.
  for (const f of vscode.workspace.workspaceFolders ?? []) {
    const file = writeRegistration({ root: f.uri.fsPath, socketPath, secret, pid: process.pid });
    context.subscriptions.push({ dispose: () => fs.rmSync(file, { force: true }) });
  }

  const applyGates = () => applyTerminalGates(context, settings, ws, { socketPath, keyFile, gateDir, stateDir });
  applyGates();

  // Which terminals are really gated, read from their shell processes (not assumed).
  const coverage = new TerminalCoverage(() => socketPath, () => settings.gateEnabled, () => badgeStale.fire());
  context.subscriptions.push(coverage);
  let elevation: string | undefined;
  const surfaces = () => protectionSurfaces({ gateEnabled: () => settings.gateEnabled, socketPath, coverage, tamper, workspace, agentHooks, elevation: () => elevation });
  const environment = new EnvironmentController({ ws, root: workspace, audit, protection, log, surfaces, userPolicy: () => settings.policy });
  context.subscriptions.push(environment, badgeStale.event(() => environment.refresh()), pendingCount.event((n) => environment.setPending(n)));
  registerObservationAndTasks(context, { decisions, engine, audit, log, workspaceRoot: root, protection, tamper, heartbeat, decisionTimeoutSeconds: settings.decisionTimeoutSeconds });
  // Credential and guard files (keep or revert, a loosened policy waits for a person) and
  // variables kept out of terminals unless one terminal is elevated.
  const credentials = registerCredentialWatch(context, { root: workspace, storageDir: context.globalStorageUri.fsPath, policyGate, audit, log, ws, applyPolicy: () => environment.applyPolicy(), collection: context.environmentVariableCollection });
  context.subscriptions.push(
    credentials.elevation.onDidChange((note) => {
      elevation = note;
      environment.refresh();
    }),
  );

  context.subscriptions.push(
    ...registerCommands({ context, workspace, audit, auditDir, engine, log, environment, protection, coverage, credentials, agentHooks }),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('twokey.gate.enabled') || e.affectsConfiguration('twokey.shims') || e.affectsConfiguration('twokey.decisionTimeoutSeconds')) {
        applyGates();
        environment.refresh();
      }
      if (e.affectsConfiguration('twokey.policy')) environment.applyPolicy();
      else if (settings.changed(e)) environment.refresh();
    }),
    vscode.workspace.onDidGrantWorkspaceTrust(() => environment.applyPolicy()),
  );
  if (audit) context.subscriptions.push(verifyAuditAtStartup(audit, log));

  log.info(`[activate] TwoKey is guarding ${workspace ?? 'this window'}; environment ${environment.environment.environment}`);
  return twoKeyApi({ socketPath, audit, auditDir, engine, environment, protection, coverage, auditKeyKept: keyKept });
}

export function deactivate(): void {
  /* disposables are owned by context.subscriptions */
}
