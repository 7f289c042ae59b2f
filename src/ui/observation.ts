/**
 * What ran with no decision: terminals without a gate are observed, process tasks checked.
 * Both need to know which command lines a door decided lately, and which were refused (a
 * refused line that still exits normally ran anyway); the decision service tells them.
 */
import * as vscode from 'vscode';
import type { AuditLog } from '../core/audit';
import type { DecisionService } from '../core/decisions';
import type { Engine } from '../core/engine';
import type { Protection } from '../core/protection';
import { RecentDecisions, normalizeCommand, RECENT_WINDOW_MS } from '../core/recent';
import { registerObservation } from '../intercept/observe';
import { registerTaskChecks } from '../intercept/tasks';
import type { Logger } from '../logger';
import type { HeartbeatWatch } from '../intercept/heartbeat';
import type { TamperWatch } from '../intercept/tamper';

export interface ObservationWiring {
  decisions: DecisionService;
  engine: Engine;
  audit: AuditLog | undefined;
  log: Logger;
  workspaceRoot: () => string | undefined;
  protection: Protection;
  /** A refused line that ran anyway marks its terminal compromised. */
  tamper: TamperWatch;
  /** Told of every command shell integration saw end (a gate that stopped beating). */
  heartbeat: HeartbeatWatch;
  decisionTimeoutSeconds: number;
}

export function registerObservationAndTasks(context: vscode.ExtensionContext, w: ObservationWiring): void {
  const recent = new RecentDecisions();
  // Lines refused lately (and not allowed since): observation reports one that runs anyway.
  const deniedAt = new Map<string, number>();
  w.decisions.onDecided = (command, decision) => {
    recent.note(command);
    if (decision === 'deny') deniedAt.set(normalizeCommand(command), Date.now());
    else deniedAt.delete(normalizeCommand(command));
  };
  const recentDenial = (c: string) => Date.now() - (deniedAt.get(normalizeCommand(c)) ?? 0) < RECENT_WINDOW_MS;
  const engine = w.engine;
  const watchDeps = { engine: { check: (r: Parameters<Engine['check']>[0]) => engine.check(r) }, audit: w.audit, log: w.log, workspaceRoot: w.workspaceRoot, recentDecision: (c: string) => recent.has(c), recentDenial };
  registerObservation(context, { ...watchDeps, tamper: w.tamper, heartbeat: w.heartbeat, settleMs: (w.decisionTimeoutSeconds + 5) * 1000 });
  registerTaskChecks(context, { ...watchDeps, paused: () => !!w.protection.paused() });
}
