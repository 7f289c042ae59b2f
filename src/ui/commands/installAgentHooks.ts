import * as vscode from 'vscode';
import type { TwoKeyCommand } from './types';

/** `TwoKey: Install Agent Hooks`: each agent's hook file shown as a diff, written when the person says so. */
export const installAgentHooks: TwoKeyCommand = (d) => vscode.commands.registerCommand('twokey.installAgentHooks', () => d.agentHooks.install());
