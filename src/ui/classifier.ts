/**
 * Shell lines from gates and agents' hooks are classified in a worker thread that judges with
 * this window's policy (a burst of requests then does not stall the editor); what the worker
 * cannot answer, the window's own engine does.
 */
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { WorkspaceEngine } from '../core/workspaceEngine';
import { OffThreadCheck, brokerPreclassify } from '../intercept/classifyWorker';
import type { GateRequest } from '../intercept/protocol';
import type { Verdict } from '../core/types';
import type { Settings } from '../settings';

export function startClassifier(
  context: vscode.ExtensionContext,
  o: { ws: WorkspaceEngine; workspace: string | undefined; settings: Settings; log: { warn(msg: string): void } },
): (req: GateRequest) => Promise<Verdict> {
  const off = new OffThreadCheck({
    script: context.asAbsolutePath(path.join('dist', 'classify-worker.js')),
    worker: { workspaceRoot: o.workspace, trusted: vscode.workspace.isTrusted, user: o.settings.policy, homeDir: os.homedir(), wasmDir: context.asAbsolutePath('dist'), hostEnv: process.env },
    policy: o.ws.policy(),
    fallback: (r) => o.ws.engine.check(r),
    log: o.log,
  });
  context.subscriptions.push(o.ws.onDidReload((loaded) => off.reload({ loaded })), { dispose: () => void off.dispose() });
  return brokerPreclassify(off, () => o.workspace, os.homedir());
}
