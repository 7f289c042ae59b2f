/**
 * Observation and tasks in a real VS Code: a destructive command in a terminal no gate
 * reaches is recorded as `observed`; a destructive process task is stopped as early as VS Code
 * allows and recorded. Whether the task's `rm` had already run is measured, not assumed.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { api as apiOf, records, ws, waitFor } from './helpers';

const api = () => apiOf<Api>();

interface Api {
  auditFile: string | undefined;
  engine: { check(req: { command: string; cwd?: string; workspaceRoot?: string; home?: string; env?: Record<string, string | undefined> }): { decision: string } };
}

function victim(name: string): string {
  const dir = path.join(ws(), `${name}-${Date.now()}-${Math.floor(Math.random() * 1e6)}`);
  fs.mkdirSync(path.join(dir, 'sub'), { recursive: true });
  for (let i = 0; i < 20; i++) fs.writeFileSync(path.join(dir, 'sub', `f${i}.txt`), 'data\n');
  return dir;
}

/** Measurements for the report: one JSON line each, in the temp folder. */
const MEASURE = path.join(os.tmpdir(), 'twokey-observe-measurements.jsonl');

describe('observation and tasks', function () {
  this.timeout(120_000);

  it('records an `observed` destructive command from a terminal no gate reaches', async function () {
    if (typeof vscode.window.onDidStartTerminalShellExecution !== 'function') this.skip();
    const a = await api();
    const dir = victim('observe-victim');
    assert.notEqual(a.engine.check({ command: `rm -rf ${dir}`, cwd: ws(), workspaceRoot: ws(), home: os.homedir(), env: process.env }).decision, 'allow');
    // A shell without a gate: the gates are switched off (a machine setting), so new
    // terminals start without them; shell integration still reports what runs.
    await vscode.workspace.getConfiguration('twokey').update('gate.enabled', false, vscode.ConfigurationTarget.Global);
    await new Promise((r) => setTimeout(r, 500));
    const t = vscode.window.createTerminal({ name: 'twokey-ungated', shellPath: '/bin/bash', cwd: ws() });
    const seen: string[] = [];
    const subs = [
      vscode.window.onDidStartTerminalShellExecution((e) => e.terminal === t && seen.push(`start ${e.execution.commandLine.value}`)),
      vscode.window.onDidEndTerminalShellExecution((e) => e.terminal === t && seen.push(`end ${e.exitCode}`)),
    ];
    try {
      await waitFor('shell integration in the ungated terminal', () => t.shellIntegration !== undefined, 20_000);
      const before = records(a).length;
      t.sendText(`rm -rf ${dir}`);
      const rec = await waitFor(() => `an observed record (events: ${seen.join(' | ') || 'none'}; dir exists: ${fs.existsSync(dir)})`, () =>
        records(a)
          .slice(before)
          .find((r) => r.decision === 'observed' && String(r.command).includes(dir)),
      );
      assert.equal(rec.source, 'terminal');
      assert.equal(rec.decidedBy, 'policy');
      assert.ok(Array.isArray(rec.rules) && (rec.rules as string[]).length > 0, 'the rules are recorded');
      assert.ok(typeof rec.environment === 'string');
      assert.equal(fs.existsSync(dir), false, 'it ran: observation does not stop anything');
      fs.appendFileSync(MEASURE, JSON.stringify({ case: 'terminal', observed: true, reason: rec.reason }) + '\n');
    } finally {
      for (const s of subs) s.dispose();
      t.dispose();
      fs.rmSync(dir, { recursive: true, force: true });
      await vscode.workspace.getConfiguration('twokey').update('gate.enabled', undefined, vscode.ConfigurationTarget.Global);
      await new Promise((r) => setTimeout(r, 500));
    }
  });

  it('raises no `observed` alarm for a command the gate decided (terminal and shell task)', async function () {
    if (typeof vscode.window.onDidStartTerminalShellExecution !== 'function') this.skip();
    const a = await api();
    const dir = victim('gated-victim');
    const dir2 = victim('gated-task-victim');
    const t = vscode.window.createTerminal({ name: 'twokey-gated', shellPath: '/bin/bash', cwd: ws() });
    const ended: number[] = [];
    const sub = vscode.window.onDidEndTerminalShellExecution((e) => e.terminal === t && e.execution.commandLine.value.includes(dir) && ended.push(e.exitCode ?? -1));
    try {
      await waitFor('shell integration in the gated terminal', () => t.shellIntegration !== undefined, 20_000);
      const before = records(a).length;
      t.sendText(`rm -rf ${dir}`);
      // The test host cannot show the prompt: the gate refuses and records it.
      const refused = await waitFor('the gate decision', () => records(a).slice(before).find((r) => String(r.command).includes(dir)));
      assert.notEqual(refused.decision, 'observed');
      await waitFor('the end of the refused command', () => ended.length > 0, 20_000);
      const task = new vscode.Task(
        { type: 'twokey-test' },
        vscode.TaskScope.Workspace,
        'gated-shell-wipe',
        'test',
        new vscode.ShellExecution(`rm -rf ${dir2}`, { executable: '/bin/bash', shellArgs: ['-c'] }),
      );
      const done = new Promise<void>((resolve) => {
        const s = vscode.tasks.onDidEndTaskProcess((e) => {
          if (e.execution.task.name === 'gated-shell-wipe') {
            s.dispose();
            resolve();
          }
        });
      });
      await vscode.tasks.executeTask(task);
      await Promise.race([done, new Promise((r) => setTimeout(r, 20_000))]);
      await waitFor('the shell task gate decision', () => records(a).slice(before).find((r) => String(r.command).includes(dir2)));
      await new Promise((r) => setTimeout(r, 1_500));
      const observed = records(a)
        .slice(before)
        .filter((r) => r.decision === 'observed');
      assert.deepEqual(observed, [], 'no observed record for gated commands');
      assert.ok(fs.existsSync(dir) && fs.existsSync(dir2), 'the gate kept both folders');
    } finally {
      sub.dispose();
      t.dispose();
      fs.rmSync(dir, { recursive: true, force: true });
      fs.rmSync(dir2, { recursive: true, force: true });
    }
  });

  it('stops a destructive process task that nobody decided, and records it (measuring whether rm ran first)', async () => {
    const a = await api();
    const runs: Array<{ ranBeforeTerminate: boolean; reason: string; msToRecord: number }> = [];
    for (let i = 0; i < 5; i++) {
      const dir = victim('task-victim');
      const before = records(a).length;
      const task = new vscode.Task({ type: 'twokey-test' }, vscode.TaskScope.Workspace, `wipe-${i}`, 'test', new vscode.ProcessExecution('rm', ['-rf', dir]));
      const started = Date.now();
      await vscode.tasks.executeTask(task);
      const rec = await waitFor('a record of the task', () =>
        records(a)
          .slice(before)
          .find((r) => r.source === 'task' && String(r.command).includes(dir)),
      );
      assert.equal(rec.decision, 'observed');
      assert.equal(rec.decidedBy, 'policy');
      assert.match(String(rec.reason), /terminate\(\)/);
      // Give a process that survived terminate() time to finish, then look.
      await new Promise((r) => setTimeout(r, 3_000));
      runs.push({ ranBeforeTerminate: !fs.existsSync(dir), reason: String(rec.reason), msToRecord: Date.now() - started });
      fs.rmSync(dir, { recursive: true, force: true });
    }
    fs.appendFileSync(MEASURE, JSON.stringify({ case: 'process-task', runs }) + '\n');
  });

  it('makes a destructive process task of tasks.json a shell task that the gate then stops before it runs', async () => {
    const a = await api();
    const dir = victim('process-to-shell');
    const file = path.join(ws(), '.vscode', 'tasks.json');
    const label = `itest-wipe-${Date.now()}`;
    fs.writeFileSync(
      file,
      `{\n  // the project's own tasks\n  "version": "2.0.0",\n  "tasks": [\n    { "label": "${label}", "type": "process", "command": "rm", "args": ["-rf", ${JSON.stringify(dir)}], "problemMatcher": [] }\n  ]\n}\n`,
    );
    try {
      await waitFor('VS Code to read the task', async () => (await vscode.tasks.fetchTasks()).some((t) => t.name === label));
      const before = records(a).length;
      const lines = (await vscode.commands.executeCommand<string[]>('twokey.makeProcessTasksAsk')) ?? [];
      assert.deepEqual(lines, [`rm -rf ${dir}`]);
      const text = fs.readFileSync(file, 'utf8');
      assert.match(text, /\/\/ the project's own tasks/, 'comments are kept');
      assert.match(text, /"type": "shell"/);
      const conversion = records(a).slice(before).find((r) => (r.rules as string[]).includes('guard.task.process-to-shell'));
      assert.ok(conversion, 'the change to tasks.json is on record');
      const task = await waitFor('the converted task', async () =>
        (await vscode.tasks.fetchTasks()).find((t) => t.name === label && t.execution instanceof vscode.ShellExecution),
      );
      const ended = new Promise<number | undefined>((resolve) => {
        const sub = vscode.tasks.onDidEndTaskProcess((e) => {
          if (e.execution.task.name === label) {
            sub.dispose();
            resolve(e.exitCode);
          }
        });
      });
      await vscode.tasks.executeTask(task);
      // The test host cannot show the prompt: the shell gate refuses, before rm runs.
      const exitCode = await Promise.race([ended, new Promise<undefined>((r) => setTimeout(() => r(undefined), 30_000))]);
      const rec = await waitFor('the gate decision', () => records(a).slice(before).find((r) => r.source === 'task' && String(r.command).includes(dir)));
      assert.equal(rec.decision, 'denied');
      assert.notEqual(exitCode, 0, 'the task failed');
      assert.ok(fs.existsSync(path.join(dir, 'sub', 'f0.txt')), 'the folder is still there: nothing raced');
    } finally {
      fs.rmSync(file, { force: true });
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
