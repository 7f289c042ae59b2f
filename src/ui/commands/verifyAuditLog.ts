import * as path from 'node:path';
import * as vscode from 'vscode';
import type { TwoKeyCommand } from './types';

/** `TwoKey: Verify Audit Log`: checks the hash chain and records the result. */
export const verifyAuditLog: TwoKeyCommand = (d) =>
  vscode.commands.registerCommand('twokey.verifyAuditLog', async () => {
    if (!d.audit) return vscode.window.showInformationMessage('TwoKey: there is no audit log without a workspace folder.');
    const r = await d.audit.verifyAndRecord();
    if (r.ok) return vscode.window.showInformationMessage(`TwoKey: the audit log is intact (${r.records} records).`);
    const b = r.firstBroken;
    d.log.warn(`[audit] verification failed at ${b?.file}:${b?.line}: ${b?.reason}`);
    return vscode.window.showWarningMessage(`TwoKey: the audit log is broken at ${path.basename(b?.file ?? '')} line ${b?.line}: ${b?.reason}`);
  });
