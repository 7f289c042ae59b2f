/**
 * Every command `activate` registers, in one list. The agent hook commands are registered by
 * their feature (agentHooks.ts), which owns the diff documents they show.
 */
import type * as vscode from 'vscode';
import { checkCommand } from './checkCommand';
import { createPolicy } from './createPolicy';
import { elevateTerminal } from './elevateTerminal';
import { exportAuditLog } from './exportAuditLog';
import { markWorkspace } from './markWorkspace';
import { pauseProtection } from './pauseProtection';
import { relaunchUngatedTerminals } from './relaunchUngatedTerminals';
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
];

export function registerCommands(d: CommandDeps): vscode.Disposable[] {
  return COMMANDS.map((register) => register(d));
}
