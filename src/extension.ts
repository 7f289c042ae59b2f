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
import { defaultStateDir, exportToFile, forwardOptions, openAuditLog, reconcileKey, watchKeyFile, writeForwardConfig, type AuditLog } from './core/audit';
import { Protection } from './core/protection';
import type { EnvironmentResolution } from './core/types';
import { Logger } from './logger';
import { Broker } from './intercept/broker';
import { ensurePrivateDir, socketPathFor, writeRegistration } from './intercept/protocol';
import { TamperWatch } from './intercept/tamper';
import { followPolicyReloads, gateHandler, installGateEnvironment } from './intercept/terminalGate';
import { HeartbeatWatch } from './intercept/heartbeat';
import { TerminalCoverage } from './intercept/terminalCoverage';
import { commandWords } from './core/grants';
import { createCallClassifier } from './core/hooks/classify';
import { doctorFinding, registerAgentHooks } from './ui/agentHooks';
import { readRecord, statusAll } from './core/hooks/workspaceHooks';
import { ApprovalPrompt } from './ui/approval';
import { registerPreviewProvider } from './ui/preview';
import { openWalkthroughOnFirstRun } from './ui/walkthrough';
import type { Surface } from './ui/statusBar';
import { EnvironmentController } from './ui/environmentController';
import { AuditView } from './ui/auditView';
import { Settings } from './settings';

export interface TwoKeyApi {
  /** For tests and other extensions: the broker socket, the audit log, the engine. */
  socketPath: string;
  auditFile: string | undefined;
  engine: Engine;
  environment(): EnvironmentResolution;
  badge(): { text: string; tooltip: string };
  refreshEnvironment(): void;
  protection: Protection;
  /** Terminals no gate reaches, as the badge names them (for tests). */
  ungatedTerminals(): Array<{ name: string; state: string; reason: string }>;
  /** Looks at one terminal's shell now. */
  checkTerminal(t: vscode.Terminal): Promise<string | undefined>;
  /** Where the audit chain key is kept ('keychain and file', 'file only', 'none'). */
  auditKeyKept: string;
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
    user: settings.policy,
    homeDir: os.homedir(),
    hostEnv: process.env,
    wasmDir: context.asAbsolutePath('dist'),
  });
  const engine = ws.engine;
  // The policy gate goes in before the broker or anything else decides (see credentialWatch).
  const { installPolicyGate, registerCredentialWatch } = await import('./ui/credentialWatch');
  const policyGate = installPolicyGate(ws, context.globalStorageUri.fsPath);

  // The chain head lives outside the workspace, in the per-user state folder that the CLI
  // and agent hooks use too, so every writer of this log agrees on it.
  // The chain key: the keychain's copy wins over the state folder's file (put back when it
  // was deleted or replaced); the forwarding settings go to the state folder for the CLI.
  const auditDir = workspace ? path.join(workspace, '.twokey') : undefined;
  const keyring = await reconcileKey(context.secrets, defaultStateDir());
  for (const n of keyring.notes) log.warn(`[audit] ${n}`);
  const shareForwarding = () => {
    try {
      writeForwardConfig(defaultStateDir(), settings.auditForward);
    } catch (err) {
      log.warn(`[audit] could not write the forwarding settings for the CLI: ${String(err)}`);
    }
  };
  shareForwarding();
  context.subscriptions.push(vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration('twokey.audit.forward') && shareForwarding()));
  const audit = auditDir
    ? openAuditLog(auditDir, {
        key: keyring.key,
        gitignore: settings.auditGitignore,
        maxBytes: settings.auditMaxBytes,
        forward: forwardOptions(settings.auditForward),
        onError: (e) => log.warn(`[audit] ${String(e)}`),
      })
    : undefined;
  if (audit) context.subscriptions.push({ dispose: () => audit.dispose() });
  const keyTampered = (reason: string) => {
    log.warn(`[audit] ${reason}`);
    void audit?.append({ source: 'editor', command: 'twokey audit key', cwd: workspace, decision: 'tamper', risk: 'critical', rules: ['audit.key-replaced'], reason });
  };
  if (keyring.tamper) keyTampered(keyring.tamper);
  if (keyring.kept === 'keychain and file') context.subscriptions.push(watchKeyFile(context.secrets, defaultStateDir(), keyTampered, (m) => log.warn(m)));

  const protection = new Protection();
  context.subscriptions.push(protection);
  const previews = registerPreviewProvider(context);
  void openWalkthroughOnFirstRun(context);
  let onPending: (n: number) => void = () => undefined;
  const approvals = new ApprovalPrompt(() => settings.decisionTimeoutSeconds * 1000, previews, (n) => onPending(n));
  const decisions = new DecisionService(
    () => engine,
    approvals,
    () => audit,
    (msg) => log.warn(msg),
    protection,
  );

  const socketPath = socketPathFor(stateDir);
  // A new secret at every start; the gates read it from this file at every request.
  const gateDir = path.join(stateDir, 'gate');
  const { secret, keyFile } = newSecret(gateDir);
  const classifyHookCall = createCallClassifier(ws, { home: os.homedir(), workspaceRoot: root, env: process.env, platform: process.platform });
  let refreshBadge = () => {};
  const tamper = new TamperWatch({ audit: () => audit, log, onChange: () => refreshBadge(), warn: (m) => void vscode.window.showWarningMessage(m) });
  // Terminals whose gate stopped beating at the prompt; the gates' protected variables follow policy reloads.
  const heartbeat = new HeartbeatWatch({ dir: path.join(gateDir, 'beat'), tamper, log });
  followPolicyReloads(ws, gateDir, log);
  const broker = new Broker(
    socketPath,
    secret,
    gateHandler(decisions, root, classifyHookCall, (command, cwd) => commandWords(engine, { command, cwd, env: process.env, home: os.homedir(), source: 'terminal' }), {
      tamper,
      check: (r) => engine.check({ ...r, home: os.homedir() }),
    }),
    log,
  );
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
  registerAgentHooks(context, {
    workspaceRoot: root,
    log,
    onDoctor: () => refreshBadge(),
  });
  await broker.start();
  context.subscriptions.push(broker);
  // Agent hooks run outside this window's terminals: tell them where the broker is.
  for (const f of vscode.workspace.workspaceFolders ?? []) {
    const file = writeRegistration({ root: f.uri.fsPath, socketPath, secret, pid: process.pid });
    context.subscriptions.push({ dispose: () => fs.rmSync(file, { force: true }) });
  }

  // The gates go into the environment of every new terminal; turning them off (a machine
  // setting) takes them out of new terminals at once, and the badge shows it.
  const applyGates = () => {
    if (settings.gateEnabled) {
      installGateEnvironment(context.environmentVariableCollection, {
        socketPath,
        keyFile,
        gateHelper: context.asAbsolutePath(path.join('dist', 'gate.js')),
        deadlineSeconds: settings.decisionTimeoutSeconds,
        mediaGate: context.asAbsolutePath(path.join('media', 'gate')),
        gateDir,
        protectedVariables: ws.policy().policy.protectedVariables,
        shims: { dir: path.join(stateDir, 'shims'), names: settings.shims },
      });
    } else {
      context.environmentVariableCollection.clear();
    }
  };
  applyGates();

  // Which terminals are really gated, read from their shell processes (not assumed).
  const coverage = new TerminalCoverage(() => socketPath, () => settings.gateEnabled, () => refreshBadge());
  context.subscriptions.push(coverage);
  const surfaces = (): Surface[] => [
    { name: 'Terminal gates (bash, zsh)', state: settings.gateEnabled ? 'on' : 'off', detail: settings.gateEnabled ? undefined : 'twokey.gate.enabled is off' },
    { name: 'Broker', state: 'on', detail: socketPath },
    ...coverage.ungated().map((u) => ({ name: `Terminal '${u.name}' has no gate`, state: 'degraded' as const, detail: u.coverage.reason })),
    ...tamper.compromised().map((c) => ({ name: `Terminal '${c.terminal ?? `shell ${c.shellPid}`}' was tampered with`, state: 'compromised' as const, detail: c.what.join('; ') })),
    ...agentHookSurfaces(workspace),
    ...(elevation ? [{ name: 'Elevated terminal', state: 'degraded' as const, detail: elevation }] : []),
  ];
  let elevation: string | undefined;
  const env = new EnvironmentController({ ws, root: workspace, audit, protection, log, surfaces, userPolicy: () => settings.policy });
  context.subscriptions.push(env);
  refreshBadge = () => env.refresh();
  onPending = (n) => env.setPending(n);
  // Observation and tasks: what ran with no decision (a shell without a gate, a process task).
  {
    const { RecentDecisions, normalizeCommand, RECENT_WINDOW_MS } = await import('./core/recent');
    const { registerObservation } = await import('./intercept/observe');
    const { registerTaskChecks } = await import('./intercept/tasks');
    const recent = new RecentDecisions();
    // Lines refused lately (and not allowed since): observation reports one that runs anyway.
    const deniedAt = new Map<string, number>();
    decisions.onDecided = (command, decision) => {
      recent.note(command);
      if (decision === 'deny') deniedAt.set(normalizeCommand(command), Date.now());
      else deniedAt.delete(normalizeCommand(command));
    };
    const recentDenial = (c: string) => Date.now() - (deniedAt.get(normalizeCommand(c)) ?? 0) < RECENT_WINDOW_MS;
    const watchDeps = { engine: { check: (r: Parameters<Engine['check']>[0]) => engine.check(r) }, audit, log, workspaceRoot: root, recentDecision: (c: string) => recent.has(c), recentDenial };
    registerObservation(context, { ...watchDeps, tamper, heartbeat, settleMs: (settings.decisionTimeoutSeconds + 5) * 1000 });
    registerTaskChecks(context, { ...watchDeps, paused: () => !!protection.paused() });
  }
  // Credential and guard files (keep or revert, a loosened policy waits for a person) and
  // variables kept out of terminals. Imported here so this wiring stays one block.
  registerCredentialWatch(context, {
    root: workspace,
    storageDir: context.globalStorageUri.fsPath,
    policyGate,
    audit,
    log,
    ws,
    applyPolicy: () => env.applyPolicy(),
    collection: context.environmentVariableCollection,
    onElevation: (note) => {
      elevation = note;
      env.refresh();
    },
  });

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
    vscode.commands.registerCommand('twokey.exportAuditLog', async () => {
      if (!audit || !auditDir) return vscode.window.showInformationMessage('TwoKey: there is no audit log without a workspace folder.');
      const pick = await vscode.window.showQuickPick(['csv', 'json'], { title: 'TwoKey: export the audit log as' });
      if (!pick) return;
      const target = await vscode.window.showSaveDialog({
        defaultUri: vscode.Uri.file(path.join(workspace!, `twokey-audit.${pick}`)),
        filters: { [pick.toUpperCase()]: [pick] },
      });
      if (!target) return;
      const n = exportToFile(auditDir, pick as 'csv' | 'json', target.fsPath);
      void vscode.window.showInformationMessage(`TwoKey: exported ${n} audit record(s) to ${target.fsPath}.`);
    }),
    vscode.commands.registerCommand('twokey.showEnvironment', () => showEnvironmentPick(env, protection, coverage)),
    vscode.commands.registerCommand('twokey.createPolicy', () => env.createPolicy()),
    vscode.commands.registerCommand('twokey.markWorkspace', () => env.markWorkspace()),
    vscode.commands.registerCommand('twokey.relaunchUngatedTerminals', async () => {
      const n = await coverage.relaunchUngated();
      if (n === 0) void vscode.window.showInformationMessage('TwoKey: every terminal that a relaunch can gate is gated already.');
    }),
    vscode.commands.registerCommand('twokey.checkCommand', async () => {
      const command = await vscode.window.showInputBox({ title: 'TwoKey: check a command', prompt: 'A command line to classify (nothing runs)' });
      if (!command) return;
      const v = engine.check({ command, cwd: workspace, env: process.env, workspaceRoot: workspace, home: os.homedir(), source: 'editor' });
      const text = `${v.decision.toUpperCase()} · ${v.risk} risk · ${v.environment}${v.rules.length ? ' · ' + v.rules.join(', ') : ''}`;
      void vscode.window.showInformationMessage(`TwoKey: ${text}`, { modal: false, detail: v.reason });
      log.info(`[check] ${command} → ${text}`);
    }),
    vscode.commands.registerCommand('twokey.pauseProtection', () => pauseProtection(protection, audit, log)),
    vscode.commands.registerCommand('twokey.resumeProtection', async () => {
      protection.resume();
      await audit?.append({ source: 'editor', command: 'TwoKey: Resume Protection', decision: 'allowed', decidedBy: 'human', risk: 'none', rules: ['guard.resume'] });
    }),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('twokey.gate.enabled') || e.affectsConfiguration('twokey.shims') || e.affectsConfiguration('twokey.decisionTimeoutSeconds')) {
        applyGates();
        env.refresh();
      }
      if (e.affectsConfiguration('twokey.policy')) env.applyPolicy();
      else if (settings.changed(e)) env.refresh();
    }),
    vscode.workspace.onDidGrantWorkspaceTrust(() => env.applyPolicy()),
  );

  if (audit) {
    // Tampering since the last session is detected at start-up, warned about and recorded.
    setTimeout(() => {
      void audit.verifyAndRecord().then((r) => {
        if (!r.ok && r.firstBroken) {
          const b = r.firstBroken;
          log.warn(`[audit] the audit log was changed outside TwoKey: ${path.basename(b.file)} line ${b.line}: ${b.reason}`);
          void vscode.window.showWarningMessage(`TwoKey: the audit log was changed outside TwoKey (${path.basename(b.file)} line ${b.line}: ${b.reason}).`);
        }
      });
    }, 1000);
  }

  log.info(`[activate] TwoKey is guarding ${workspace ?? 'this window'}; environment ${env.environment.environment}`);
  return {
    socketPath,
    auditFile: audit ? path.join(workspace!, '.twokey', 'audit.jsonl') : undefined,
    engine,
    environment: () => env.environment,
    badge: () => ({ text: env.badge.text, tooltip: env.badge.tooltipText }),
    refreshEnvironment: () => env.refresh(),
    protection,
    ungatedTerminals: () => coverage.ungated().map((u) => ({ name: u.name, state: u.coverage.state, reason: u.coverage.reason })),
    checkTerminal: async (t) => (await coverage.check(t))?.state,
    auditKeyKept: keyring.kept,
  };
}

/**
 * Each agent's hook: installed, or missing / changed since TwoKey installed it (degraded).
 * A hook never installed is only "off": not every workspace uses every agent.
 */
function agentHookSurfaces(root: string | undefined): Surface[] {
  if (!root) return [];
  try {
    const installed = readRecord(root).agents;
    return statusAll(root).map((h): Surface => {
      const d = doctorFinding(h.agent);
      if (h.state === 'installed' && d && d.state !== 'ok') return { name: `Agent hook (${h.agent})`, state: 'degraded', detail: `${d.state.replace(/-/g, ' ')}: ${d.detail}` };
      return {
        name: `Agent hook (${h.agent})`,
        state: h.state === 'installed' ? 'on' : installed[h.agent] ? h.state : 'off',
        detail: h.state === 'installed' ? h.file : installed[h.agent] ? `${h.detail}` : 'not installed: TwoKey: Install Agent Hooks',
      };
    });
  } catch {
    return [];
  }
}

async function showEnvironmentPick(env: EnvironmentController, protection: Protection, coverage: TerminalCoverage): Promise<void> {
  const s = env.badge.state;
  type Item = vscode.QuickPickItem & { run?: () => unknown };
  const items: Item[] = [{ label: 'Evidence', kind: vscode.QuickPickItemKind.Separator }];
  const ev = env.environment.evidence;
  if (ev.length === 0) items.push({ label: '$(question) unknown', description: 'no signal places this workspace; treated as production' });
  for (const e of ev) items.push({ label: `$(info) ${e.environment}`, description: `${e.signal} = ${e.value}` });
  items.push({ label: 'Protection', kind: vscode.QuickPickItemKind.Separator });
  for (const x of s?.surfaces ?? []) items.push({ label: `${x.state === 'on' ? '$(pass)' : '$(warning)'} ${x.name}: ${x.state}`, description: x.detail });
  if (s) items.push({ label: `$(history) Today: ${s.counts.allowed} allowed, ${s.counts.denied} denied, ${s.counts.asked} asked` });
  items.push({ label: 'Actions', kind: vscode.QuickPickItemKind.Separator });
  items.push({ label: '$(file-code) Open Policy', run: () => vscode.commands.executeCommand('twokey.createPolicy') });
  items.push({ label: '$(tag) Mark This Workspace As…', description: 'development, staging or production, recorded in the policy', run: () => vscode.commands.executeCommand('twokey.markWorkspace') });
  items.push({ label: '$(list-flat) Show Audit Log', run: () => vscode.commands.executeCommand('twokey.showAuditLog') });
  items.push({ label: '$(terminal) Check a Command…', run: () => vscode.commands.executeCommand('twokey.checkCommand') });
  if (coverage.ungated().some((u) => u.coverage.state === 'no-gate')) {
    items.push({ label: '$(debug-restart) Relaunch Terminals Without a Gate', run: () => vscode.commands.executeCommand('twokey.relaunchUngatedTerminals') });
  }
  items.push(
    protection.paused()
      ? { label: '$(debug-start) Resume Protection', run: () => vscode.commands.executeCommand('twokey.resumeProtection') }
      : { label: '$(debug-pause) Pause Protection…', run: () => vscode.commands.executeCommand('twokey.pauseProtection') },
  );
  const pick = await vscode.window.showQuickPick(items, { title: `TwoKey: ${env.environment.environment}`, matchOnDescription: true });
  await pick?.run?.();
}

/** `TwoKey: Pause Protection…`: a time box, a typed confirmation, and a record. */
async function pauseProtection(protection: Protection, audit: AuditLog | undefined, log: Logger): Promise<void> {
  const picked = await vscode.window.showQuickPick(
    [
      { label: '5 minutes', ms: 5 * 60_000 },
      { label: '15 minutes', ms: 15 * 60_000 },
      { label: '1 hour', ms: 60 * 60_000 },
      { label: 'Other…', ms: 0 },
    ],
    { title: 'TwoKey: pause protection for', placeHolder: 'Commands still run through TwoKey and are recorded; nobody is asked.' },
  );
  if (!picked) return;
  let choice = picked;
  if (picked.ms === 0) {
    const minutes = await vscode.window.showInputBox({
      title: 'TwoKey: pause for how many minutes?',
      prompt: 'Between 0.1 and 480 minutes',
      validateInput: (v) => (Number(v) >= 0.1 && Number(v) <= 480 ? undefined : 'a number of minutes between 0.1 and 480'),
    });
    if (!minutes) return;
    choice = { label: `${Number(minutes)} minutes`, ms: Math.round(Number(minutes) * 60_000) };
  }
  const typed = await vscode.window.showInputBox({
    title: 'TwoKey: typed confirmation',
    prompt: `Type "pause" to stop asking before destructive commands for ${choice.label}.`,
    placeHolder: 'pause',
    ignoreFocusOut: true,
  });
  if (typed?.trim() !== 'pause') {
    void vscode.window.showInformationMessage('TwoKey: protection stays on.');
    return;
  }
  const by = os.userInfo().username;
  const p = protection.pauseFor(choice.ms, by);
  log.warn(`[protection] paused by ${by} until ${new Date(p.until).toISOString()}`);
  await audit?.append({
    source: 'editor',
    command: `TwoKey: Pause Protection (${choice.label})`,
    decision: 'allowed',
    decidedBy: 'human',
    risk: 'high',
    rules: ['guard.pause'],
    reason: `Protection paused by ${by} until ${new Date(p.until).toISOString()}`,
  });
}

/**
 * A new per-window secret at every start, kept 0600 in the window's private gate folder:
 * terminals revived after a reload read the new one from the same file.
 */
function newSecret(gateDir: string): { secret: string; keyFile: string } {
  ensurePrivateDir(gateDir);
  const keyFile = path.join(gateDir, 'key');
  const secret = crypto.randomBytes(32).toString('hex');
  const tmp = `${keyFile}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, secret, { mode: 0o600 });
  fs.renameSync(tmp, keyFile);
  fs.rmSync(path.join(path.dirname(gateDir), 'gate-secret'), { force: true });
  return { secret, keyFile };
}

export function deactivate(): void {
  /* disposables are owned by context.subscriptions */
}
