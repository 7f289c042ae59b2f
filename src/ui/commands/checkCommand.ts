import * as os from 'node:os';
import * as vscode from 'vscode';
import type { TwoKeyCommand } from './types';

/** `TwoKey: Check a Command…`: what the engine would decide about a line (nothing runs). */
export const checkCommand: TwoKeyCommand = (d) =>
  vscode.commands.registerCommand('twokey.checkCommand', async () => {
    const command = await vscode.window.showInputBox({ title: 'TwoKey: check a command', prompt: 'A command line to classify (nothing runs)' });
    if (!command) return;
    const v = d.engine.check({ command, cwd: d.workspace, env: process.env, workspaceRoot: d.workspace, home: os.homedir(), source: 'editor' });
    const text = `${v.decision.toUpperCase()} · ${v.risk} risk · ${v.environment}${v.rules.length ? ' · ' + v.rules.join(', ') : ''}`;
    void vscode.window.showInformationMessage(`TwoKey: ${text}`, { modal: false, detail: v.reason });
    d.log.info(`[check] ${command} → ${text}`);
  });
