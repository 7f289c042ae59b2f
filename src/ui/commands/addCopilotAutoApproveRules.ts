import * as vscode from 'vscode';
import type { TwoKeyCommand } from './types';

/** `TwoKey: Add Copilot Auto-Approve Rules`: Copilot always asks before risky command words. */
export const addCopilotAutoApproveRules: TwoKeyCommand = (d) => vscode.commands.registerCommand('twokey.addCopilotAutoApproveRules', () => d.agentHooks.addCopilotRules());
