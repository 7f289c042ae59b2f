/**
 * Which terminals are really gated, in a real VS Code: a bash terminal is (even one created
 * with `strictEnv`: VS Code applies extensions' environment collections to it too); one
 * started while the gates were off and a dash terminal are named in the badge; `TwoKey: Relaunch Terminals Without a Gate` gives the one started while the gates
 * were off a gated shell, and the badge stops naming it. A task's process is not a terminal
 * a person types in and is never named.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { api as apiOf, waitFor, ws } from './helpers';

interface Api {
  badge(): { text: string; tooltip: string };
  ungatedTerminals(): Array<{ name: string; state: string; reason: string }>;
  checkTerminal(t: vscode.Terminal): Promise<string | undefined>;
}
const api = () => apiOf<Api>();

async function shellReady(t: vscode.Terminal): Promise<number> {
  const pid = await waitFor('the shell to start', async () => (await t.processId) ?? undefined, 20_000);
  await new Promise((r) => setTimeout(r, 800));
  return pid;
}

describe('terminal coverage', function () {
  this.timeout(120_000);
  const opened: vscode.Terminal[] = [];
  afterEach(() => {
    for (const t of opened.splice(0)) t.dispose();
  });
  after(async () => {
    await vscode.workspace.getConfiguration('twokey').update('gate.enabled', undefined, vscode.ConfigurationTarget.Global);
  });

  it('bash terminals are gated, strictEnv ones too; a dash terminal is named in the badge', async () => {
    const a = await api();
    const gated = vscode.window.createTerminal({ name: 'cov-bash', shellPath: '/bin/bash', cwd: ws() });
    const strict = vscode.window.createTerminal({ name: 'cov-strict', shellPath: '/bin/bash', cwd: ws(), strictEnv: true, env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp' } });
    const dash = vscode.window.createTerminal({ name: 'cov-dash', shellPath: '/bin/sh', cwd: ws() });
    opened.push(gated, strict, dash);
    await Promise.all([gated, strict, dash].map(shellReady));
    assert.equal(await a.checkTerminal(gated), 'gated');
    assert.equal(await a.checkTerminal(strict), 'gated');
    assert.equal(await a.checkTerminal(dash), 'unsupported');
    const named = await waitFor('the badge to name the dash terminal', () => {
      const u = a.ungatedTerminals();
      return u.some((x) => x.name === 'cov-dash') ? u : undefined;
    });
    assert.deepEqual(named.filter((x) => x.name.startsWith('cov-')).map((x) => x.name), ['cov-dash'], 'only the dash terminal is named');
    assert.match(a.badge().tooltip, /cov-dash.*dash has no TwoKey gate/);
    strict.dispose();
    dash.dispose();
    await waitFor('closed terminals to leave the badge', () => !a.ungatedTerminals().some((x) => x.name.startsWith('cov-')));
  });

  it('a terminal started while the gates were off is named, and the relaunch command gates it', async () => {
    const a = await api();
    const cfg = () => vscode.workspace.getConfiguration('twokey');
    await cfg().update('gate.enabled', false, vscode.ConfigurationTarget.Global);
    await new Promise((r) => setTimeout(r, 500));
    const t = vscode.window.createTerminal({ name: 'cov-before', shellPath: '/bin/bash', cwd: ws() });
    opened.push(t);
    const firstPid = await shellReady(t);
    // Input keeps VS Code from relaunching it by itself when the environment changes.
    t.sendText('true');
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(await a.checkTerminal(t), 'no-gate');
    assert.deepEqual(a.ungatedTerminals(), [], 'with the gates off, no terminal is expected to have one');
    await cfg().update('gate.enabled', true, vscode.ConfigurationTarget.Global);
    await waitFor('the badge to name it once the gates are on', () => a.ungatedTerminals().some((x) => x.name === 'cov-before' && x.state === 'no-gate'));
    await vscode.commands.executeCommand('twokey.relaunchUngatedTerminals');
    const pid = await waitFor('a new shell in the terminal', async () => {
      const p = await t.processId;
      return p && p !== firstPid ? p : undefined;
    }, 20_000);
    assert.notEqual(pid, firstPid);
    await waitFor('the relaunched shell to be gated', async () => (await a.checkTerminal(t)) === 'gated', 20_000);
    await waitFor('the badge to stop naming it', () => !a.ungatedTerminals().some((x) => x.name === 'cov-before'));
  });

  it("a task's process is never named", async () => {
    const a = await api();
    const task = new vscode.Task({ type: 'twokey-test' }, vscode.TaskScope.Workspace, 'cov-task', 'test', new vscode.ProcessExecution('/bin/sleep', ['4']));
    const started = new Promise<void>((resolve) => {
      const s = vscode.tasks.onDidStartTaskProcess((e) => {
        if (e.execution.task.name === 'cov-task') {
          s.dispose();
          resolve();
        }
      });
    });
    const exec = await vscode.tasks.executeTask(task);
    await started;
    await new Promise((r) => setTimeout(r, 2_500));
    assert.ok(!a.ungatedTerminals().some((x) => /cov-task/.test(x.name)), JSON.stringify(a.ungatedTerminals()));
    exec.terminate();
  });
});
