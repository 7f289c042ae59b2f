/** What the TwoKey commands act on, built once in `activate`. */
import type * as vscode from 'vscode';
import type { AuditLog } from '../../core/audit';
import type { Engine } from '../../core/engine';
import type { Protection } from '../../core/protection';
import type { TerminalCoverage } from '../../intercept/terminalCoverage';
import type { Logger } from '../../logger';
import type { AgentHooks } from '../agentHooks';
import type { CredentialWatch } from '../credentialWatch';
import type { EnvironmentController } from '../environmentController';

export interface CommandDeps {
  context: vscode.ExtensionContext;
  workspace: string | undefined;
  audit: AuditLog | undefined;
  /** `<workspace>/.twokey`, when there is a workspace. */
  auditDir: string | undefined;
  engine: Engine;
  log: Logger;
  environment: EnvironmentController;
  protection: Protection;
  coverage: TerminalCoverage;
  credentials: CredentialWatch;
  agentHooks: AgentHooks;
}

/** One command: registers itself (its id written at the call, where the manifest test finds it). */
export type TwoKeyCommand = (d: CommandDeps) => vscode.Disposable;
