/**
 * Tasks: their definitions are checked when they are fetched (activation) and whenever
 * `.vscode/tasks.json` changes; a destructive one is named in a warning (once per change)
 * and in the log. When a task starts, a destructive *process* task that got no decision is
 * stopped with `terminate()` at once. That is a race, not a gate: VS Code starts the spawn
 * before it tells us (the process-start event came ~210 ms later in our measurements), so a
 * fast command may already have done its damage. The record therefore says `observed`
 * (never `denied`, which would claim it did not run) and whether the process had started.
 * Shell tasks are not stopped here: BASH_ENV and zsh's `.zshenv` gate them in the shell.
 * So the remedy offered for a destructive process task of `tasks.json` is to make it a shell
 * task running the same argv (with a person's click): from then on the gate asks first.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { CheckRequest, Verdict } from '../core/types';
import type { AuditEntry } from '../core/audit';
import { whatItDoes } from '../core/decisions';
import { handledTaskExecutions, recordObserved, taskCommandLine } from './observe';
import { convertProcessTaskToShell } from '../core/taskFile';

const MAKE_SHELL_TASKS = 'Make It Ask First (Shell Task)';

/** A destructive process task defined in a folder's tasks.json: convertible to a shell task. */
interface Convertible {
  name: string;
  folder: string;
}

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

/** The shell to name in a converted task: none when the default shell has a gate. */
function gatedShellFor(defaultShell: string): string | undefined {
  if (/(^|\/)(bash|zsh)$/.test(defaultShell)) return undefined;
  return fs.existsSync('/bin/bash') ? '/bin/bash' : undefined;
}

function convertible(task: vscode.Task): Convertible | undefined {
  if (process.platform === 'win32' || !(task.execution instanceof vscode.ProcessExecution)) return undefined;
  if (task.source !== 'Workspace' || typeof task.scope !== 'object') return undefined;
  return { name: task.name, folder: (task.scope as vscode.WorkspaceFolder).uri.fsPath };
}

/**
 * Rewrites these process tasks in their tasks.json as shell tasks (same argv, comments kept)
 * and records it. Returns the command lines the converted tasks now run.
 */
export async function makeShellTasks(tasks: readonly Convertible[], audit: TaskCheckDeps['audit'], log: TaskCheckDeps['log']): Promise<string[]> {
  const done: string[] = [];
  const shell = gatedShellFor(vscode.env.shell);
  for (const folder of new Set(tasks.map((t) => t.folder))) {
    const file = path.join(folder, '.vscode', 'tasks.json');
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (err) {
      log.warn(`[tasks] cannot read ${file}: ${String(err)}`);
      continue;
    }
    const converted: Array<{ name: string; line: string }> = [];
    for (const t of tasks.filter((x) => x.folder === folder)) {
      const r = convertProcessTaskToShell(text, t.name, shell);
      if (!r) {
        log.warn(`[tasks] task '${t.name}' in ${file} could not be made a shell task (not found, or arguments that cannot be carried over exactly)`);
        continue;
      }
      text = r.text;
      converted.push({ name: t.name, line: r.commandLine });
    }
    if (!converted.length) continue;
    // Atomically: VS Code, another editor or a task runner reading it never sees it half written.
    const tmp = `${file}.twokey-${process.pid}.tmp`;
    fs.writeFileSync(tmp, text, { mode: fs.statSync(file).mode & 0o777 });
    fs.renameSync(tmp, file);
    for (const c of converted) {
      log.info(`[tasks] task '${c.name}' in ${file} is now a shell task: ${c.line}`);
      done.push(c.line);
      await audit?.append({
        source: 'editor',
        command: `TwoKey: make task '${c.name}' a shell task (${c.line})`,
        cwd: folder,
        decision: 'allowed',
        decidedBy: 'human',
        risk: 'none',
        rules: ['guard.task.process-to-shell'],
        reason: `The process task '${c.name}' could not be stopped before it ran; as a shell task, the shell gate asks first.`,
      });
    }
  }
  return done;
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

  const convertAndTell = async (found: readonly Convertible[]): Promise<string[]> => {
    const lines = found.length ? await makeShellTasks(found, deps.audit, deps.log) : [];
    void vscode.window.showInformationMessage(
      lines.length
        ? `TwoKey: ${lines.length === 1 ? 'the task now runs' : `${lines.length} tasks now run`} in a gated shell, which asks first: ${lines.join('; ')}.`
        : 'TwoKey: no destructive process task in tasks.json could be made a shell task.',
    );
    return lines;
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
    const toConvert: Convertible[] = [];
    for (const t of tasks) {
      const c = classify(t);
      if (!c || c.verdict.decision === 'allow') continue;
      const conv = convertible(t);
      if (conv) toConvert.push(conv);
      const rules = c.verdict.rules.join(', ') || 'no rule';
      deps.log.warn(`[tasks] task '${t.name}' (${t.source}) runs \`${c.line.command}\`: ${c.verdict.decision}, ${c.verdict.risk} risk, ${rules}`);
      risky.push(`'${t.name}' (${c.line.command.slice(0, 80)})`);
    }
    const key = risky.sort().join('\n');
    if (key && key !== lastWarned) {
      const message =
        `TwoKey: ${risky.length === 1 ? 'a task runs' : `${risky.length} tasks run`} something destructive: ${risky.join('; ')}. ` +
        (toConvert.length
          ? `Shell tasks ask first. ${toConvert.length === 1 ? 'A process task' : `${toConvert.length} process tasks`} (${toConvert.map((t) => `'${t.name}'`).join(', ')}) cannot be stopped before they run: make them shell tasks with the same arguments, and they ask first too.`
          : 'Shell tasks ask first; a process task that runs it without a decision is stopped as soon as VS Code allows.');
      if (toConvert.length && !deps.warn) {
        void vscode.window.showWarningMessage(message, MAKE_SHELL_TASKS).then((pick) => (pick === MAKE_SHELL_TASKS ? convertAndTell(toConvert) : []));
      } else {
        warn(message);
      }
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
  context.subscriptions.push(
    vscode.commands.registerCommand('twokey.makeProcessTasksAsk', async () => {
      const found: Convertible[] = [];
      for (const t of await vscode.tasks.fetchTasks()) {
        const c = classify(t);
        const conv = c && c.verdict.decision !== 'allow' ? convertible(t) : undefined;
        if (conv) found.push(conv);
      }
      return convertAndTell(found);
    }),
  );

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
