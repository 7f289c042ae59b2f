/** What `activate` returns, for tests and other extensions. */
import * as path from 'node:path';
import type * as vscode from 'vscode';
import type { AuditLog } from '../core/audit';
import type { Engine } from '../core/engine';
import type { Protection } from '../core/protection';
import type { EnvironmentResolution } from '../core/types';
import type { TerminalCoverage } from '../intercept/terminalCoverage';
import type { EnvironmentController } from './environmentController';

export interface TwoKeyApi {
  /** For tests and other extensions: the broker socket, the audit log, the engine. */
  socketPath: string;
  auditFile: string | undefined;
  engine: Engine;
  environment(): EnvironmentResolution;
  badge(): { text: string; tooltip: string };
  refreshEnvironment(): void;
  protection: Protection;
  /** Terminals no gate reaches, as the badge names them (for tests). */
  ungatedTerminals(): Array<{ name: string; state: string; reason: string }>;
  /** Looks at one terminal's shell now. */
  checkTerminal(t: vscode.Terminal): Promise<string | undefined>;
  /** Where the audit chain key is kept ('keychain and file', 'file only', 'none'). */
  auditKeyKept: string;
}

export interface ApiParts {
  socketPath: string;
  audit: AuditLog | undefined;
  auditDir: string | undefined;
  engine: Engine;
  environment: EnvironmentController;
  protection: Protection;
  coverage: TerminalCoverage;
  auditKeyKept: string;
}

export function twoKeyApi(p: ApiParts): TwoKeyApi {
  const { environment: controller, coverage } = p;
  return {
    socketPath: p.socketPath,
    auditFile: p.audit && p.auditDir ? path.join(p.auditDir, 'audit.jsonl') : undefined,
    engine: p.engine,
    environment: () => controller.environment,
    badge: () => ({ text: controller.badge.text, tooltip: controller.badge.tooltipText }),
    refreshEnvironment: () => controller.refresh(),
    protection: p.protection,
    ungatedTerminals: () => coverage.ungated().map((u) => ({ name: u.name, state: u.coverage.state, reason: u.coverage.reason })),
    checkTerminal: async (t) => (await coverage.check(t))?.state,
    auditKeyKept: p.auditKeyKept,
  };
}
