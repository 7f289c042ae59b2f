/**
 * Puts the shell gate into every new VS Code terminal through the extension's
 * environmentVariableCollection, and answers the gate's requests through the broker.
 */
import * as vscode from 'vscode';
import type { GateRequest, GateResponse } from './protocol';
import type { DecisionService } from '../core/decisions';

export interface GateWiring {
  socketPath: string;
  secret: string;
  gateScript: string;
  gateHelper: string;
  deadlineSeconds: number;
}

export function installGateEnvironment(collection: vscode.GlobalEnvironmentVariableCollection, w: GateWiring): void {
  collection.description = 'TwoKey: asks before destructive commands run in this terminal';
  // Bash evaluates PROMPT_COMMAND at every prompt; VS Code's shell integration keeps it.
  collection.prepend('PROMPT_COMMAND', `source ${shQuote(w.gateScript)}; `);
  collection.replace('TWOKEY_SOCKET', w.socketPath);
  collection.replace('TWOKEY_SECRET', w.secret);
  collection.replace('TWOKEY_GATE_JS', w.gateHelper);
  collection.replace('TWOKEY_NODE', process.execPath);
  collection.replace('TWOKEY_DEADLINE_SECONDS', String(w.deadlineSeconds));
}

export function shQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** Finds the terminal whose shell has this pid. */
export async function terminalForPid(pid: number | undefined): Promise<vscode.Terminal | undefined> {
  if (!pid) return undefined;
  for (const t of vscode.window.terminals) {
    if ((await t.processId) === pid) return t;
  }
  return undefined;
}

export function gateHandler(
  decisions: DecisionService,
  workspaceRoot: () => string | undefined,
): (req: GateRequest, signal: AbortSignal) => Promise<GateResponse> {
  return async (req, signal) => {
    const term = await terminalForPid(req.shellPid);
    const origin =
      req.source === 'terminal'
        ? `terminal '${term?.name ?? 'unknown'}'${req.shellPid ? ` (shell pid ${req.shellPid})` : ''}`
        : req.source;
    const r = await decisions.decide({
      command: req.command,
      cwd: req.cwd,
      env: req.env,
      source: req.source,
      origin,
      terminal: term?.name,
      session: req.session,
      workspaceRoot: workspaceRoot(),
      signal,
    });
    return { decision: r.decision, message: r.message, outcome: r.outcome };
  };
}
