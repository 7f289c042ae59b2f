import * as path from 'node:path';
import * as vscode from 'vscode';
import { exportToFile } from '../../core/audit';
import type { TwoKeyCommand } from './types';

/** `TwoKey: Export Audit Log`: every record as CSV or JSON, to a file the person picks. */
export const exportAuditLog: TwoKeyCommand = (d) =>
  vscode.commands.registerCommand('twokey.exportAuditLog', async () => {
    if (!d.audit || !d.auditDir || !d.workspace) return vscode.window.showInformationMessage('TwoKey: there is no audit log without a workspace folder.');
    const pick = await vscode.window.showQuickPick(['csv', 'json'], { title: 'TwoKey: export the audit log as' });
    if (!pick) return undefined;
    const target = await vscode.window.showSaveDialog({
      defaultUri: vscode.Uri.file(path.join(d.workspace, `twokey-audit.${pick}`)),
      filters: { [pick.toUpperCase()]: [pick] },
    });
    if (!target) return undefined;
    const n = exportToFile(d.auditDir, pick as 'csv' | 'json', target.fsPath);
    void vscode.window.showInformationMessage(`TwoKey: exported ${n} audit record(s) to ${target.fsPath}.`);
    return undefined;
  });
