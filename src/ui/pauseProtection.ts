/** `TwoKey: Pause Protection…`: a time box, a typed confirmation, and a record. */
import * as os from 'node:os';
import * as vscode from 'vscode';
import type { AuditLog } from '../core/audit';
import type { Protection } from '../core/protection';
import type { Logger } from '../logger';

export async function pauseProtection(protection: Protection, audit: AuditLog | undefined, log: Logger): Promise<void> {
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

/** `TwoKey: Resume Protection`: on again at once, and recorded. */
export async function resumeProtection(protection: Protection, audit: AuditLog | undefined): Promise<void> {
  protection.resume();
  await audit?.append({ source: 'editor', command: 'TwoKey: Resume Protection', decision: 'allowed', decidedBy: 'human', risk: 'none', rules: ['guard.resume'] });
}
