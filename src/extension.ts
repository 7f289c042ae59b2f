/**
 * Wiring only: build the logger, settings, engine, audit log and UI; start the broker;
 * put the gate into terminals; register commands. Every disposable has an owner.
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Engine } from './core/engine';
import { createWorkspaceEngine } from './core/workspaceEngine';
import { DecisionService } from './core/decisions';
import { AuditLog, FileHeadStore, defaultStateDir } from './core/audit';
import { Logger } from './logger';
import { Broker } from './intercept/broker';
import { socketPathFor, writeRegistration } from './intercept/protocol';
import { gateHandler, installGateEnvironment } from './intercept/terminalGate';
import { ApprovalPrompt } from './ui/approval';
import { EnvironmentBadge } from './ui/statusBar';
import { AuditView } from './ui/auditView';
import { Settings } from './settings';

export interface TwoKeyApi {
  /** For tests and other extensions: the path of the broker socket and the audit log. */
  socketPath: string;
  auditFile: string | undefined;
  engine: Engine;
}

export async function activate(context: vscode.ExtensionContext): Promise<TwoKeyApi> {
  const channel = vscode.window.createOutputChannel('TwoKey', { log: true });
  context.subscriptions.push(channel);
  const log = new Logger(channel);
  const settings = new Settings();

  const root = () => vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  const stateDir = (context.storageUri ?? context.globalStorageUri).fsPath;
  fs.mkdirSync(stateDir, { recursive: true, mode: 0o700 });

  const workspace = root();
  const ws = await createWorkspaceEngine({
    workspaceRoot: workspace,
    trusted: vscode.workspace.isTrusted,
    homeDir: os.homedir(),
    hostEnv: process.env,
    wasmDir: context.asAbsolutePath('dist'),
  });
  const engine = ws.engine;

  // The chain head lives outside the workspace, in the per-user state folder that the CLI
  // and agent hooks use too, so every writer of this log agrees on it.
  const auditDir = workspace ? path.join(workspace, '.twokey') : undefined;
  const audit = auditDir
    ? new AuditLog({ dir: auditDir, headStore: FileHeadStore.forLog(defaultStateDir(), auditDir), onError: (e) => log.warn(`[audit] ${String(e)}`) })
    : undefined;
  if (audit) context.subscriptions.push({ dispose: () => audit.dispose() });

  const approvals = new ApprovalPrompt(() => settings.decisionTimeoutSeconds * 1000);
  const decisions = new DecisionService(
    () => engine,
    approvals,
    () => audit,
    (msg) => log.warn(msg),
  );

  const badge = new EnvironmentBadge();
  context.subscriptions.push(badge);
  const refreshBadge = () =>
    badge.update(engine.check({ command: 'true', cwd: workspace, env: process.env, workspaceRoot: workspace, home: os.homedir() }));
  refreshBadge();

  const socketPath = socketPathFor(stateDir);
  const secret = loadSecret(stateDir);
  const broker = new Broker(socketPath, secret, gateHandler(decisions, root), log);
  await broker.start();
  context.subscriptions.push(broker);
  // Agent hooks run outside this window's terminals: tell them where the broker is.
  for (const f of vscode.workspace.workspaceFolders ?? []) {
    const file = writeRegistration({ root: f.uri.fsPath, socketPath, secret, pid: process.pid });
    context.subscriptions.push({ dispose: () => fs.rmSync(file, { force: true }) });
  }

  if (settings.gateEnabled) {
    installGateEnvironment(context.environmentVariableCollection, {
      socketPath,
      secret,
      gateScript: context.asAbsolutePath(path.join('media', 'gate', 'bash-gate.sh')),
      gateHelper: context.asAbsolutePath(path.join('dist', 'gate.js')),
      deadlineSeconds: settings.decisionTimeoutSeconds,
    });
  } else {
    context.environmentVariableCollection.clear();
  }

  context.subscriptions.push(
    vscode.commands.registerCommand('twokey.showAuditLog', () => {
      if (!audit) return vscode.window.showInformationMessage('TwoKey: open a folder to keep an audit log; there is none without a workspace.');
      AuditView.show(context, audit);
    }),
    vscode.commands.registerCommand('twokey.verifyAuditLog', async () => {
      if (!audit) return vscode.window.showInformationMessage('TwoKey: there is no audit log without a workspace folder.');
      const r = await audit.verifyAndRecord();
      if (r.ok) return vscode.window.showInformationMessage(`TwoKey: the audit log is intact (${r.records} records).`);
      const b = r.firstBroken;
      log.warn(`[audit] verification failed at ${b?.file}:${b?.line}: ${b?.reason}`);
      return vscode.window.showWarningMessage(`TwoKey: the audit log is broken at ${path.basename(b?.file ?? '')} line ${b?.line}: ${b?.reason}`);
    }),
    vscode.commands.registerCommand('twokey.showEnvironment', async () => {
      const res = engine.check({ command: 'true', cwd: workspace, env: process.env, workspaceRoot: workspace, home: os.homedir() });
      const items = res.evidence.map((e) => ({ label: `${e.environment}`, description: `${e.signal} = ${e.value}` }));
      await vscode.window.showQuickPick(items.length ? items : [{ label: 'unknown', description: 'no signal places this workspace; treated as production' }], {
        title: `TwoKey environment: ${res.environment}`,
      });
    }),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (settings.changed(e)) refreshBadge();
    }),
  );

  log.info(`[activate] TwoKey is guarding ${workspace ?? 'this window'}; environment ${badgeText(engine, workspace)}`);
  return { socketPath, auditFile: audit ? path.join(workspace!, '.twokey', 'audit.jsonl') : undefined, engine };
}

function badgeText(engine: Engine, cwd: string | undefined): string {
  return engine.check({ command: 'true', cwd, env: process.env, workspaceRoot: cwd }).environment;
}

/** A per-window secret that stays the same across reloads, kept 0600 in the window's storage. */
function loadSecret(stateDir: string): string {
  const file = path.join(stateDir, 'gate-secret');
  try {
    const s = fs.readFileSync(file, 'utf8').trim();
    if (s.length >= 32) return s;
  } catch {
    /* first run */
  }
  const s = crypto.randomBytes(32).toString('hex');
  fs.writeFileSync(file, s, { mode: 0o600 });
  return s;
}

export function deactivate(): void {
  /* disposables are owned by context.subscriptions */
}
