/** Every TwoKey command, in one list: `activate` registers them all. */
import type * as vscode from 'vscode';
import { addCopilotAutoApproveRules } from './addCopilotAutoApproveRules';
import { checkAgentHooks } from './checkAgentHooks';
import { checkCommand } from './checkCommand';
import { createPolicy } from './createPolicy';
import { elevateTerminal } from './elevateTerminal';
import { exportAuditLog } from './exportAuditLog';
import { installAgentHooks } from './installAgentHooks';
import { markWorkspace } from './markWorkspace';
import { pauseProtection } from './pauseProtection';
import { relaunchUngatedTerminals } from './relaunchUngatedTerminals';
import { removeAgentHooks } from './removeAgentHooks';
import { resumeProtection } from './resumeProtection';
import { reviewFileChanges } from './reviewFileChanges';
import { showAuditLog } from './showAuditLog';
import { showEnvironment } from './showEnvironment';
import type { CommandDeps, TwoKeyCommand } from './types';
import { verifyAuditLog } from './verifyAuditLog';

export type { CommandDeps } from './types';

export const COMMANDS: readonly TwoKeyCommand[] = [
  showAuditLog,
  verifyAuditLog,
  exportAuditLog,
  showEnvironment,
  createPolicy,
  markWorkspace,
  relaunchUngatedTerminals,
  checkCommand,
  pauseProtection,
  resumeProtection,
  elevateTerminal,
  reviewFileChanges,
  installAgentHooks,
  checkAgentHooks,
  removeAgentHooks,
  addCopilotAutoApproveRules,
];

export function registerCommands(d: CommandDeps): vscode.Disposable[] {
  return COMMANDS.map((register) => register(d));
}
