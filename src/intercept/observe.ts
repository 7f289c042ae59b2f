/**
 * Observation: what ran anyway. Every command line shell integration reports, and every
 * task process that starts, is checked afterwards; a destructive one that got no decision
 * from any door (a shell without a gate, a path around it) raises a warning and an audit
 * record with decision `observed`. Nothing here can stop a command: VS Code only tells.
 *
 * Timing: the start event arrives while a gated command may still be waiting for a person,
 * so the judgement waits for the end of the execution (or `settleMs`, for a command that
 * keeps running) and only then asks whether a decision was made.
 */
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { CheckRequest, Source, Verdict } from '../core/types';
import type { AuditEntry } from '../core/audit';
import { whatItDoes } from '../core/decisions';
import { argvToLine } from '../core/argv';
import type { TamperReport } from './tamper';

export interface ObservationDeps {
  engine: { check(req: CheckRequest): Verdict };
  audit: { append(entry: AuditEntry): Promise<unknown> } | undefined;
  log: { info(msg: string): void; warn(msg: string): void };
  workspaceRoot: () => string | undefined;
  /** Did any door decide this command line lately (DecisionService → RecentDecisions)? */
  recentDecision: (command: string) => boolean;
  /** Was this command line refused lately? Then it must not have run: a normal exit means it did. */
  recentDenial?: (command: string) => boolean;
  /** How long to wait for a still-running command before judging it (ms); default 60 s. */
  settleMs?: number;
  /** Where warnings go; the window by default. */
  warn?: (message: string) => void;
  /**
   * Terminals whose gate did not hold: a refused line that ran anyway is reported here
   * (recorded as `tamper`, the terminal marked compromised).
   */
  tamper?: { report(r: TamperReport): Promise<void> };
  /** The gates' heartbeat: told of every command shell integration saw end. */
  heartbeat?: { ended(pid: number | undefined, o: { terminal?: string; command: string; cwd?: string }): Promise<boolean> };
}

/** Task executions already dealt with by the task checks (stopped and recorded there). */
export const handledTaskExecutions = new WeakSet<vscode.TaskExecution>();

export function registerObservation(context: vscode.ExtensionContext, deps: ObservationDeps): void {
  const settleMs = deps.settleMs ?? 60_000;
  const warn = deps.warn ?? ((m: string) => void vscode.window.showWarningMessage(m));
  const ended = new Map<unknown, (exit: number | undefined) => void>();
  const waitForEnd = (key: unknown): Promise<number | undefined> =>
    new Promise((resolve) => {
      const timer = setTimeout(() => done(undefined), settleMs);
      const done = (exit: number | undefined) => {
        clearTimeout(timer);
        ended.delete(key);
        resolve(exit);
      };
      ended.set(key, done);
    });

  const judge = async (o: { command: string; cwd?: string; env?: Record<string, string | undefined>; source: Source; where: string; terminal?: string; shellPid?: PromiseLike<number | undefined>; key: unknown }) => {
    const command = o.command.trim();
    if (!command) return;
    const root = deps.workspaceRoot();
    let verdict: Verdict;
    try {
      verdict = deps.engine.check({ command, cwd: o.cwd ?? root, env: o.env ?? process.env, workspaceRoot: root, home: os.homedir(), source: o.source });
    } catch (err) {
      deps.log.warn(`[observe] could not classify ${command}: ${String(err)}`);
      return;
    }
    if (verdict.decision === 'allow') return;
    const denied = () => o.source === 'terminal' && !!deps.recentDenial?.(command);
    if (deps.recentDecision(command) && !denied()) return;
    const exit = await waitForEnd(o.key);
    if (denied()) {
      // A refused line ends interrupted (bash 130) or abandoned (zsh 126); any other exit
      // means it ran after all (a gate switched off, a path around it).
      if (exit === undefined || exit === 126 || exit === 130) return;
      await report(deps, warn, { ...o, command, cwd: o.cwd ?? root, afterDeny: true }, verdict, exit);
      const shown = command.replace(/\s*\n\s*/g, ' ⏎ ').slice(0, 120);
      await deps.tamper?.report({
        shellPid: await o.shellPid,
        terminal: o.terminal,
        what: `\`${shown}\` ran (exit code ${exit}) although TwoKey refused it`,
        cwd: o.cwd ?? root,
        source: 'terminal',
        gone: true,
      });
      return;
    }
    if (deps.recentDecision(command)) return;
    await report(deps, warn, { ...o, command, cwd: o.cwd ?? root }, verdict, exit);
  };

  const win = vscode.window as typeof vscode.window & Partial<Pick<typeof vscode.window, 'onDidStartTerminalShellExecution' | 'onDidEndTerminalShellExecution'>>;
  if (typeof win.onDidStartTerminalShellExecution === 'function' && typeof win.onDidEndTerminalShellExecution === 'function') {
    context.subscriptions.push(
      win.onDidEndTerminalShellExecution((e) => {
        ended.get(e.execution)?.(e.exitCode);
        if (deps.heartbeat) {
          const heartbeat = deps.heartbeat;
          void Promise.resolve(e.terminal.processId).then((pid) =>
            heartbeat.ended(pid, { terminal: e.terminal.name, command: e.execution.commandLine.value, cwd: e.execution.cwd?.fsPath }),
          );
        }
      }),
      win.onDidStartTerminalShellExecution((e) => {
        const opts = e.terminal.creationOptions as vscode.TerminalOptions;
        const env = opts?.strictEnv ? { ...(opts.env ?? {}) } : { ...process.env, ...(opts?.env ?? {}) };
        void judge({
          command: e.execution.commandLine.value,
          cwd: e.execution.cwd?.fsPath ?? (typeof opts?.cwd === 'string' ? opts.cwd : opts?.cwd?.fsPath),
          env: env as Record<string, string | undefined>,
          source: 'terminal',
          where: `terminal '${e.terminal.name}'`,
          terminal: e.terminal.name,
          shellPid: e.terminal.processId,
          key: e.execution,
        });
      }),
    );
  } else {
    deps.log.info('[observe] this editor has no shell-execution events (VS Code 1.93+): terminal commands are not observed');
  }

  context.subscriptions.push(
    vscode.tasks.onDidEndTaskProcess((e) => ended.get(e.execution)?.(e.exitCode)),
    vscode.tasks.onDidStartTaskProcess((e) => {
      if (handledTaskExecutions.has(e.execution)) return;
      const line = taskCommandLine(e.execution.task);
      if (!line) return;
      void judge({ command: line.command, cwd: line.cwd, env: line.env, source: 'task', where: `task '${e.execution.task.name}'`, key: e.execution });
    }),
  );
}

async function report(
  deps: ObservationDeps,
  warn: (m: string) => void,
  o: { command: string; cwd?: string; source: Source; where: string; terminal?: string; afterDeny?: boolean },
  v: Verdict,
  exit: number | undefined,
): Promise<void> {
  const rules = v.rules.length ? v.rules.join(', ') : 'no rule';
  const shown = o.command.replace(/\s*\n\s*/g, ' ⏎ ').slice(0, 160);
  const ran = exit === undefined ? 'ran (still running or its end was not reported)' : `ran (exit code ${exit})`;
  const reason = o.afterDeny
    ? `${shown} ${ran} in ${o.where} although TwoKey refused it: the gate of that terminal did not stop it (switched off or gone around). What it does: ${whatItDoes(v)}.`
    : `${shown} ${ran} in ${o.where} without a TwoKey decision: no gate saw it (a shell without a gate, or a path around it). What it does: ${whatItDoes(v)}.`;
  if (o.afterDeny) {
    deps.log.warn(`[observe] ${reason}`);
    warn(`TwoKey: \`${shown}\` ran in ${o.where} although it was refused (${rules}, ${v.risk} risk, ${v.environment}). Check what it did; that terminal's gate did not hold.`);
    await recordObserved(deps, { ...o, reason }, v);
    return;
  }
  deps.log.warn(`[observe] ${reason}`);
  warn(
    `TwoKey: \`${shown}\` ran without a decision in ${o.where} (${rules}, ${v.risk} risk, ${v.environment}). ` +
      `Nobody was asked; check what it did. Use a bash or zsh terminal that TwoKey guards.`,
  );
  await recordObserved(deps, { ...o, reason }, v);
}

/** An `observed` record: something destructive ran (or started) with no decision. */
export async function recordObserved(
  deps: Pick<ObservationDeps, 'audit' | 'log'>,
  o: { command: string; cwd?: string; source: Source; terminal?: string; reason: string },
  v: Verdict,
): Promise<void> {
  try {
    await deps.audit?.append({
      source: o.source,
      command: o.command,
      cwd: o.cwd,
      environment: v.environment,
      evidence: v.evidence,
      risk: v.risk,
      rules: v.rules,
      decision: 'observed',
      decidedBy: 'policy',
      reason: o.reason,
      terminal: o.terminal,
    });
  } catch (err) {
    deps.log.warn(`[audit] could not record an observed command: ${String(err)}`);
  }
}

/** A task's command line as the engine should see it, with the common variables resolved. */
export function taskCommandLine(task: vscode.Task): { command: string; cwd?: string; env?: Record<string, string | undefined>; kind: 'process' | 'shell' } | undefined {
  const folder = typeof task.scope === 'object' ? (task.scope as vscode.WorkspaceFolder).uri?.fsPath : vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  const sub = (s: string) => resolveVariables(s, folder);
  const ex = task.execution;
  if (ex instanceof vscode.ProcessExecution) {
    // No shell runs it: `~` and `$X` in its words are literal, so they are quoted too.
    const command = argvToLine([ex.process, ...ex.args].map(sub));
    return { command, cwd: ex.options?.cwd ? sub(ex.options.cwd) : folder, env: { ...process.env, ...(ex.options?.env ?? {}) }, kind: 'process' };
  }
  if (ex instanceof vscode.ShellExecution) {
    const value = (a: string | vscode.ShellQuotedString) => (typeof a === 'string' ? a : a.value);
    const command = ex.commandLine
      ? sub(ex.commandLine)
      : [ex.command ? value(ex.command) : '', ...(ex.args ?? []).map((a) => shellWord(value(a)))].map(sub).join(' ');
    return { command, cwd: ex.options?.cwd ? sub(ex.options.cwd) : folder, env: { ...process.env, ...(ex.options?.env ?? {}) }, kind: 'shell' };
  }
  return undefined;
}

function resolveVariables(s: string, folder: string | undefined): string {
  return s.replace(/\$\{([^}]+)\}/g, (all, name: string) => {
    if (name === 'workspaceFolder' || name === 'workspaceRoot') return folder ?? all;
    if (name === 'workspaceFolderBasename') return folder ? path.basename(folder) : all;
    if (name === 'userHome') return os.homedir();
    if (name === 'pathSeparator') return path.sep;
    if (name.startsWith('env:')) return process.env[name.slice(4)] ?? '';
    return all;
  });
}

/** A shell task's word as the shell will see it: `~` stays unquoted, so it still means home. */
function shellWord(a: string): string {
  return /^[\w@%+=:,./~-]+$/.test(a) ? a : argvToLine([a]);
}
