import * as vscode from 'vscode';
import { AuditView } from '../auditView';
import type { TwoKeyCommand } from './types';

/** `TwoKey: Show Audit Log`: the records of this workspace in a view. */
export const showAuditLog: TwoKeyCommand = (d) =>
  vscode.commands.registerCommand('twokey.showAuditLog', () => {
    if (!d.audit) return vscode.window.showInformationMessage('TwoKey: open a folder to keep an audit log; there is none without a workspace.');
    AuditView.show(d.context, d.audit);
    return undefined;
  });
