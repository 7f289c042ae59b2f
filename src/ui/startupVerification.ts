/** Tampering with the audit log since the editor last ran is found at start-up, warned about and recorded. */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { AuditLog } from '../core/audit';
import type { Logger } from '../logger';

/** Verifies the chain a second after start-up (the verification records its own result). */
export function verifyAuditAtStartup(audit: AuditLog, log: Logger): vscode.Disposable {
  const timer = setTimeout(() => {
    void audit.verifyAndRecord().then((r) => {
      if (!r.ok && r.firstBroken) {
        const b = r.firstBroken;
        log.warn(`[audit] the audit log was changed outside TwoKey: ${path.basename(b.file)} line ${b.line}: ${b.reason}`);
        void vscode.window.showWarningMessage(`TwoKey: the audit log was changed outside TwoKey (${path.basename(b.file)} line ${b.line}: ${b.reason}).`);
      }
    });
  }, 1000);
  return { dispose: () => clearTimeout(timer) };
}
