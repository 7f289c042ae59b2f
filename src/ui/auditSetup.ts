/**
 * The workspace's audit log, opened with the chain key. The chain head lives outside the
 * workspace, in the per-user state folder that the CLI and agent hooks use too, so every
 * writer of this log agrees on it. The keychain's copy of the key wins over the state
 * folder's file (put back when it was deleted or replaced, and the replacement recorded);
 * the forwarding settings go to the state folder for the CLI.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { defaultStateDir, forwardOptions, openAuditLog, reconcileKey, watchKeyFile, writeForwardConfig, type AuditLog } from '../core/audit';
import type { Logger } from '../logger';
import type { Settings } from '../settings';

export interface WorkspaceAudit {
  audit: AuditLog | undefined;
  /** `<workspace>/.twokey`, when there is a workspace. */
  dir: string | undefined;
  /** Where the chain key is kept ('keychain and file', 'file only', 'none'). */
  keyKept: string;
}

export async function openWorkspaceAudit(context: vscode.ExtensionContext, settings: Settings, log: Logger, workspace: string | undefined): Promise<WorkspaceAudit> {
  const dir = workspace ? path.join(workspace, '.twokey') : undefined;
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
  const audit = dir
    ? openAuditLog(dir, {
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
  return { audit, dir, keyKept: keyring.kept };
}
