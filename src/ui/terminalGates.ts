/**
 * The gates go into the environment of every new terminal (shell gates, PATH shims);
 * turning them off (a machine setting) takes them out of new terminals at once.
 */
import * as path from 'node:path';
import type * as vscode from 'vscode';
import type { WorkspaceEngine } from '../core/workspaceEngine';
import { DEFAULT_SHIMS, shimNames } from '../core/policy/shims';
import { installGateEnvironment } from '../intercept/terminalGate';
import type { Settings } from '../settings';

export interface GateFiles {
  socketPath: string;
  keyFile: string;
  gateDir: string;
  /** The window's state folder (the shims go in `shims/` under it). */
  stateDir: string;
}

/** Puts the gates in (or takes them out) now, as the settings say. */
export function applyTerminalGates(context: vscode.ExtensionContext, settings: Settings, ws: WorkspaceEngine, f: GateFiles): void {
  if (!settings.gateEnabled) {
    context.environmentVariableCollection.clear();
    return;
  }
  installGateEnvironment(context.environmentVariableCollection, {
    socketPath: f.socketPath,
    keyFile: f.keyFile,
    gateHelper: context.asAbsolutePath(path.join('dist', 'gate.js')),
    deadlineSeconds: settings.decisionTimeoutSeconds,
    mediaGate: context.asAbsolutePath(path.join('media', 'gate')),
    gateDir: f.gateDir,
    protectedVariables: ws.policy().policy.protectedVariables,
    shims: { dir: path.join(f.stateDir, 'shims'), names: shimNames(settings.shims ?? DEFAULT_SHIMS, ws.policy().policy) },
  });
}
