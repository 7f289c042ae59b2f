/**
 * A VS Code task named by its label (Copilot's `run_vs_code_task`): the command it will run,
 * from the workspace's `.vscode/tasks.json`. Pure: the file's text is given.
 */
import { parse } from 'jsonc-parser';
import type { AgentCall } from './types';
import { taskCommandLine } from './parse';

/** The task's label as the tool names it: `build`, `shell: build`, `npm: test`. */
function matches(task: Record<string, unknown>, id: string): boolean {
  const label = typeof task.label === 'string' ? task.label : typeof task.script === 'string' ? `${task.type}: ${task.script}` : undefined;
  if (!label) return false;
  return id === label || id === `${task.type}: ${label}` || id.endsWith(`: ${label}`);
}

/** The command line of the task the call names, or undefined when tasks.json has no such task. */
export function resolveTaskCommand(call: AgentCall, tasksJson: string | undefined): string | undefined {
  const id = call.input && (typeof call.input.id === 'string' ? call.input.id : typeof call.input.label === 'string' ? call.input.label : typeof call.input.task === 'string' ? call.input.task : undefined);
  if (!id || !tasksJson) return undefined;
  const doc = parse(tasksJson, [], { allowTrailingComma: true }) as { tasks?: unknown } | undefined;
  const tasks = Array.isArray(doc?.tasks) ? (doc.tasks as Record<string, unknown>[]) : [];
  const task = tasks.find((t) => t && typeof t === 'object' && matches(t, id));
  if (!task) return undefined;
  if (task.type === 'npm' && typeof task.script === 'string') return `npm run ${task.script}`;
  return taskCommandLine(task);
}
