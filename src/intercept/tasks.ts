/**
 * Tasks: their definitions are checked when they are fetched (activation) and whenever
 * `.vscode/tasks.json` changes; a destructive one is named in a warning (once per change)
 * and in the log. When a task starts, a destructive *process* task that got no decision is
 * stopped with `terminate()` at once. That is a race, not a gate: VS Code starts the spawn
 * before it tells us (the process-start event came ~210 ms later in our measurements), so a
 * fast command may already have done its damage. The record therefore says `observed`
 * (never `denied`, which would claim it did not run) and whether the process had started.
 * Shell tasks are not stopped here: BASH_ENV and zsh's `.zshenv` gate them in the shell.
 */
import * as os from 'node:os';
import * as vscode from 'vscode';
import type { CheckRequest, Verdict } from '../core/types';
import type { AuditEntry } from '../core/audit';
import { whatItDoes } from '../core/decisions';
import { handledTaskExecutions, recordObserved, taskCommandLine } from './observe';

export interface TaskCheckDeps {
  engine: { check(req: CheckRequest): Verdict };
  audit: { append(entry: AuditEntry): Promise<unknown> } | undefined;
  log: { info(msg: string): void; warn(msg: string): void };
  workspaceRoot: () => string | undefined;
  recentDecision: (command: string) => boolean;
  /** Protection paused by a person: tasks are not stopped (the gates allow too). */
  paused?: () => boolean;
  warn?: (message: string) => void;
}

export function registerTaskChecks(context: vscode.ExtensionContext, deps: TaskCheckDeps): void {
  const warn = deps.warn ?? ((m: string) => void vscode.window.showWarningMessage(m));
  const classify = (task: vscode.Task) => {
    const line = taskCommandLine(task);
    if (!line) return undefined;
    const root = deps.workspaceRoot();
    try {
      const verdict = deps.engine.check({ command: line.command, cwd: line.cwd ?? root, env: line.env, workspaceRoot: root, home: os.homedir(), source: 'task' });
      return { line, verdict };
    } catch (err) {
      deps.log.warn(`[tasks] could not classify task '${task.name}': ${String(err)}`);
      return undefined;
    }
  };

  // Definitions: at activation and when tasks.json changes; one warning per distinct set.
  let lastWarned = '';
  let timer: NodeJS.Timeout | undefined;
  const checkDefinitions = async () => {
    let tasks: vscode.Task[];
    try {
      tasks = await vscode.tasks.fetchTasks();
    } catch (err) {
      deps.log.warn(`[tasks] could not fetch tasks: ${String(err)}`);
      return;
    }
    const risky: string[] = [];
    for (const t of tasks) {
      const c = classify(t);
      if (!c || c.verdict.decision === 'allow') continue;
      const rules = c.verdict.rules.join(', ') || 'no rule';
      deps.log.warn(`[tasks] task '${t.name}' (${t.source}) runs \`${c.line.command}\`: ${c.verdict.decision}, ${c.verdict.risk} risk, ${rules}`);
      risky.push(`'${t.name}' (${c.line.command.slice(0, 80)})`);
    }
    const key = risky.sort().join('\n');
    if (key && key !== lastWarned) {
      warn(
        `TwoKey: ${risky.length === 1 ? 'a task runs' : `${risky.length} tasks run`} something destructive: ${risky.join('; ')}. ` +
          'Shell tasks ask first; a process task that runs it without a decision is stopped as soon as VS Code allows.',
      );
    }
    lastWarned = key;
  };
  const schedule = () => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => void checkDefinitions(), 500);
  };
  const watcher = vscode.workspace.createFileSystemWatcher('**/.vscode/tasks.json');
  context.subscriptions.push(watcher, watcher.onDidChange(schedule), watcher.onDidCreate(schedule), watcher.onDidDelete(schedule), {
    dispose: () => timer && clearTimeout(timer),
  });
  schedule();

  // Before they run, where possible: stop a destructive process task that nobody decided.
  const processStarted = new Map<vscode.TaskExecution, (pid: number) => void>();
  context.subscriptions.push(
    vscode.tasks.onDidStartTaskProcess((e) => processStarted.get(e.execution)?.(e.processId)),
    vscode.tasks.onDidStartTask((e) => {
      const task = e.execution.task;
      if (!(task.execution instanceof vscode.ProcessExecution)) return;
      const c = classify(task);
      if (!c || c.verdict.decision === 'allow' || deps.recentDecision(c.line.command) || deps.paused?.()) return;
      const startedAt = Date.now();
      // Listen before terminating: the process-start event may already be on its way.
      const started = new Promise<{ pid: number | undefined; afterMs: number } | undefined>((resolve) => {
        const t = setTimeout(() => resolve(undefined), 2_000);
        processStarted.set(e.execution, (pid) => {
          clearTimeout(t);
          resolve({ pid, afterMs: Date.now() - startedAt });
        });
      });
      handledTaskExecutions.add(e.execution);
      e.execution.terminate();
      const stoppedMs = Date.now() - startedAt;
      void started.then(async (proc) => {
        processStarted.delete(e.execution);
        const v = c.verdict;
        const rules = v.rules.join(', ') || 'no rule';
        const pid = proc?.pid;
        const fate =
          proc === undefined
            ? 'no process start was reported within 2 s'
            : pid === undefined
              ? `VS Code reported a process start without a pid ${proc.afterMs} ms after the task started`
              : `its process (pid ${pid}) was started anyway ${proc.afterMs} ms after the task started, so it may have run in part or in full`;
        const reason =
          `Process task '${task.name}' runs \`${c.line.command}\` with no decision; TwoKey called terminate() ${stoppedMs} ms after the task started: ${fate}. ` +
          `terminate() is a race, not a gate. What it does: ${whatItDoes(v)}.`;
        deps.log.warn(`[tasks] ${reason}`);
        warn(
          `TwoKey: stopped task '${task.name}' (${rules}, ${v.risk} risk, ${v.environment}): it runs \`${c.line.command.slice(0, 120)}\` and nobody decided. ` +
            (pid === undefined ? 'It was stopped as it started.' : 'Its process had already started: check what it did.'),
        );
        await recordObserved(deps, { source: 'task', command: c.line.command, cwd: c.line.cwd, reason, terminal: task.name }, v);
      });
    }),
  );
}
