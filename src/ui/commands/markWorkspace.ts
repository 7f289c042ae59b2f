import * as vscode from 'vscode';
import type { TwoKeyCommand } from './types';

/** `TwoKey: Mark This Workspace As…`: development, staging or production, in the policy file. */
export const markWorkspace: TwoKeyCommand = (d) => vscode.commands.registerCommand('twokey.markWorkspace', () => d.environment.markWorkspace());
