import * as vscode from 'vscode';
import type { TwoKeyCommand } from './types';

/** `TwoKey: Check Agent Hooks`: runs each installed hook through its agent's real entry. */
export const checkAgentHooks: TwoKeyCommand = (d) => vscode.commands.registerCommand('twokey.checkAgentHooks', () => d.agentHooks.runDoctor(true));
