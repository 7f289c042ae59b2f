import * as vscode from 'vscode';
import type { TwoKeyCommand } from './types';

/** `TwoKey: Remove Agent Hooks`: TwoKey's entries taken out of the hook files, after a diff and a question. */
export const removeAgentHooks: TwoKeyCommand = (d) => vscode.commands.registerCommand('twokey.removeAgentHooks', () => d.agentHooks.remove());
