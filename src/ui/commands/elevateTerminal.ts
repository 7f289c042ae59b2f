import * as vscode from 'vscode';
import type { TwoKeyCommand } from './types';

/** `TwoKey: Elevate Terminal…`: one terminal with the masked variables, for a time box. */
export const elevateTerminal: TwoKeyCommand = (d) => vscode.commands.registerCommand('twokey.elevateTerminal', () => d.credentials.elevation.elevate());
