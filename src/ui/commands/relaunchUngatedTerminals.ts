import * as vscode from 'vscode';
import type { TwoKeyCommand } from './types';

/** `TwoKey: Relaunch Terminals Without a Gate`: new shells that get the gate. */
export const relaunchUngatedTerminals: TwoKeyCommand = (d) =>
  vscode.commands.registerCommand('twokey.relaunchUngatedTerminals', async () => {
    const n = await d.coverage.relaunchUngated();
    if (n === 0) void vscode.window.showInformationMessage('TwoKey: every terminal that a relaunch can gate is gated already.');
  });
