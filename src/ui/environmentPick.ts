/**
 * What clicking the badge shows: the evidence for this window's environment, the state of
 * each protected surface, today's counts, and the actions (each one a TwoKey command).
 */
import * as vscode from 'vscode';
import type { Protection } from '../core/protection';
import type { TerminalCoverage } from '../intercept/terminalCoverage';
import type { EnvironmentController } from './environmentController';

type Item = vscode.QuickPickItem & { run?: () => unknown };

const command = (id: string) => () => vscode.commands.executeCommand(id);

export async function showEnvironmentPick(env: EnvironmentController, protection: Protection, coverage: TerminalCoverage): Promise<void> {
  const s = env.badge.state;
  const items: Item[] = [{ label: 'Evidence', kind: vscode.QuickPickItemKind.Separator }];
  const ev = env.environment.evidence;
  if (ev.length === 0) items.push({ label: '$(question) unknown', description: 'no signal places this workspace; treated as production' });
  for (const e of ev) items.push({ label: `$(info) ${e.environment}`, description: `${e.signal} = ${e.value}` });
  items.push({ label: 'Protection', kind: vscode.QuickPickItemKind.Separator });
  for (const x of s?.surfaces ?? []) items.push({ label: `${x.state === 'on' ? '$(pass)' : '$(warning)'} ${x.name}: ${x.state}`, description: x.detail });
  if (s) items.push({ label: `$(history) Today: ${s.counts.allowed} allowed, ${s.counts.denied} denied, ${s.counts.asked} asked` });
  items.push({ label: 'Actions', kind: vscode.QuickPickItemKind.Separator });
  items.push({ label: '$(file-code) Open Policy', run: command('twokey.createPolicy') });
  items.push({ label: '$(tag) Mark This Workspace As…', description: 'development, staging or production, recorded in the policy', run: command('twokey.markWorkspace') });
  items.push({ label: '$(list-flat) Show Audit Log', run: command('twokey.showAuditLog') });
  items.push({ label: '$(terminal) Check a Command…', run: command('twokey.checkCommand') });
  if (coverage.ungated().some((u) => u.coverage.state === 'no-gate')) {
    items.push({ label: '$(debug-restart) Relaunch Terminals Without a Gate', run: command('twokey.relaunchUngatedTerminals') });
  }
  items.push(
    protection.paused()
      ? { label: '$(debug-start) Resume Protection', run: command('twokey.resumeProtection') }
      : { label: '$(debug-pause) Pause Protection…', run: command('twokey.pauseProtection') },
  );
  const pick = await vscode.window.showQuickPick(items, { title: `TwoKey: ${env.environment.environment}`, matchOnDescription: true });
  await pick?.run?.();
}
