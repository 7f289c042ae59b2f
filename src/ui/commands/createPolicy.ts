import * as vscode from 'vscode';
import type { TwoKeyCommand } from './types';

/** `TwoKey: Create Policy`: opens the workspace policy, writing a commented starter first if there is none. */
export const createPolicy: TwoKeyCommand = (d) => vscode.commands.registerCommand('twokey.createPolicy', () => d.environment.createPolicy());
