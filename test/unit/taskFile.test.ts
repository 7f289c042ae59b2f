/**
 * Turning a process task into a shell task (src/core/taskFile.ts): the file keeps its
 * comments and other tasks, the new command line gives a real bash exactly the old argv
 * (spaces, quotes, `$`, `~` and `${workspaceFolder}` stay literal words), and what cannot be
 * carried over exactly is left alone.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { parse } from 'jsonc-parser';
import { convertProcessTaskToShell } from '../../src/core/taskFile';

const FILE = `{
  // the project's tasks
  "version": "2.0.0",
  "tasks": [
    { "label": "build", "type": "shell", "command": "make" },
    {
      "label": "wipe",
      "type": "process",
      "command": "rm",
      "args": ["-rf", "dist dir", "it's", "$HOME", "~/x", { "value": "quoted arg", "quoting": "strong" }],
      "problemMatcher": [] // none
    },
  ]
}
`;

test('a process task becomes a shell task with the same argv; the rest of the file is kept', () => {
  const r = convertProcessTaskToShell(FILE, 'wipe');
  assert.ok(r);
  assert.match(r.text, /\/\/ the project's tasks/);
  assert.match(r.text, /"problemMatcher": \[\] \/\/ none/);
  const doc = parse(r.text) as { tasks: Array<Record<string, unknown>> };
  assert.deepEqual(doc.tasks[0], { label: 'build', type: 'shell', command: 'make' });
  assert.equal(doc.tasks[1].type, 'shell');
  assert.equal(doc.tasks[1].command, r.commandLine);
  assert.equal(doc.tasks[1].args, undefined);
  assert.equal(doc.tasks[1].options, undefined, 'no shell named unless asked');
  // A real bash sees exactly the old argv.
  const out = spawnSync('bash', ['-c', `printf '<%s>' ${r.commandLine.replace(/^rm /, '')}`], { encoding: 'utf8', env: { HOME: '/home/someone', PATH: process.env.PATH } });
  assert.equal(out.stdout, "<-rf><dist dir><it's><$HOME><~/x><quoted arg>");
});

test('with a shell, the task names it (for a default shell that has no gate)', () => {
  const r = convertProcessTaskToShell(FILE, 'wipe', '/bin/bash');
  const doc = parse(r!.text) as { tasks: Array<{ options?: unknown }> };
  assert.deepEqual(doc.tasks[1].options, { shell: { executable: '/bin/bash', args: ['-c'] } });
});

test('variables VS Code substitutes stay substitutable and become one word', () => {
  const text = JSON.stringify({ version: '2.0.0', tasks: [{ label: 'w', type: 'process', command: 'rm', args: ['-rf', '${workspaceFolder}/build'] }] });
  const r = convertProcessTaskToShell(text, 'w');
  assert.equal(r?.commandLine, "rm -rf '${workspaceFolder}/build'");
});

test('nothing to convert: no such label, a shell task, no command, an argument that is not a plain value', () => {
  assert.equal(convertProcessTaskToShell(FILE, 'nope'), undefined);
  assert.equal(convertProcessTaskToShell(FILE, 'build'), undefined);
  assert.equal(convertProcessTaskToShell('{ "tasks": [{ "label": "x", "type": "process" }] }', 'x'), undefined);
  assert.equal(convertProcessTaskToShell('{ "tasks": [{ "label": "x", "type": "process", "command": "rm", "args": [{ "value": ["a", "b"] }] }] }', 'x'), undefined);
  assert.equal(convertProcessTaskToShell('not json at all', 'x'), undefined);
});
