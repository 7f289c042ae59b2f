/**
 * A process task runs its program directly: no shell, so no shell gate, and VS Code gives an
 * extension no way to stop it before it starts (terminate() after the start event is a race).
 * The remedy TwoKey offers is to turn such a task in `.vscode/tasks.json` into a shell task
 * that runs exactly the same argv, so the bash or zsh gate asks before it runs. Comments and
 * formatting of the file are kept (jsonc-parser edits). Pure: text in, text out.
 */
import { applyEdits, modify, parse, type FormattingOptions, type ParseError } from 'jsonc-parser';
import { argvToLine } from './argv';

export interface ShellTaskConversion {
  text: string;
  /** The shell command line the task now runs. */
  commandLine: string;
}

type Arg = string | { value?: string | string[] };

interface TaskJson {
  label?: string;
  taskName?: string;
  type?: string;
  command?: string;
  args?: Arg[];
  options?: { shell?: unknown };
}

function argValue(a: Arg): string | undefined {
  if (typeof a === 'string') return a;
  if (typeof a?.value === 'string') return a.value;
  return undefined;
}

/**
 * Rewrites the process task labelled `label` as a shell task running the same argv. With
 * `shell` (a path such as /bin/bash), the task also names that shell, for machines whose
 * default shell has no gate. Undefined when there is no such task or its args cannot be
 * carried over exactly.
 */
export function convertProcessTaskToShell(text: string, label: string, shell?: string): ShellTaskConversion | undefined {
  const errors: ParseError[] = [];
  const doc = parse(text, errors, { allowTrailingComma: true }) as { tasks?: TaskJson[] } | undefined;
  if (!doc || !Array.isArray(doc.tasks)) return undefined;
  const index = doc.tasks.findIndex((t) => (t?.label ?? t?.taskName) === label && t?.type === 'process');
  if (index < 0) return undefined;
  const task = doc.tasks[index];
  if (typeof task.command !== 'string' || !task.command) return undefined;
  const args = (task.args ?? []).map(argValue);
  if (args.some((a) => a === undefined)) return undefined;
  const commandLine = argvToLine([task.command, ...(args as string[])]);
  const formatting: FormattingOptions = { insertSpaces: !/^\t/m.test(text), tabSize: 2, eol: text.includes('\r\n') ? '\r\n' : '\n' };
  let out = text;
  const set = (p: (string | number)[], value: unknown) => {
    out = applyEdits(out, modify(out, ['tasks', index, ...p], value, { formattingOptions: formatting }));
  };
  set(['type'], 'shell');
  set(['command'], commandLine);
  if (task.args !== undefined) set(['args'], undefined);
  if (shell && task.options?.shell === undefined) set(['options', 'shell'], { executable: shell, args: ['-c'] });
  return { text: out, commandLine };
}
