/**
 * The zsh gate, the BASH_ENV gate and the PATH shims as a person sees them: the packaged
 * VSIX in a real VS Code server whose default terminal profile is zsh, with the user's own
 * zsh config (in ZDOTDIR) that must keep working. `rm -rf victim` is held by the modal and
 * Deny keeps the folder; so is a shell task (zsh and bash) and a psql call from a script.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { PROJECT, VERSIONS, tmpDir, type Server } from '../support/vscode';
import {
  answerInputBox,
  clickDialogButton,
  newTerminal,
  openPackaged,
  refusedWithBrokerDown,
  runCommand,
  statusBadge,
  terminalText,
  typeInTerminal,
  waitForDialog,
  waitUntil,
} from './workbench';


const TASKS = {
  version: '2.0.0',
  tasks: [
    { label: 'wipe-zsh', type: 'shell', command: 'rm -rf victim', problemMatcher: [] },
    { label: 'wipe-bash', type: 'shell', command: 'rm -rf victim', options: { shell: { executable: '/bin/bash', args: ['-c'] } }, problemMatcher: [] },
    { label: 'wipe-process', type: 'process', command: 'rm', args: ['-rf', 'victim'], problemMatcher: [] },
  ],
};

/** Tasks: Run Task, then the task by its label (rows are clicked: Enter takes the top row). */
async function runTask(page: Page, label: string): Promise<void> {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible', timeout: 15_000 });
  await input.fill('>Tasks: Run Task');
  await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Tasks: Run Task' }).first().click();
  await page.locator('.quick-input-list .monaco-list-row', { hasText: label }).first().click({ timeout: 15_000 });
}

/** A new terminal, then a line whose effect shows that the shell reads its input. */
async function readyTerminal(page: Page, probe: () => boolean): Promise<void> {
  await newTerminal(page);
  for (let i = 0; i < 10 && !probe(); i++) {
    await typeInTerminal(page, 'echo ready > ready.txt');
    await page.waitForTimeout(1000);
  }
}

for (const version of VERSIONS) {
  describe(`VS Code ${version}: zsh terminals, shell tasks and PATH shims are gated`, () => {
    let server: Server;
    let browser: Browser;
    let page: Page;
    let workspace: string;
    const victim = () => path.join(workspace, 'victim', 'data.txt');
    // undefined until the file exists and has something in it (the shell may still be writing).
    const read = (f: string) => (fs.existsSync(path.join(workspace, f)) ? fs.readFileSync(path.join(workspace, f), 'utf8').trim() || undefined : undefined);

    before(async () => {
      workspace = tmpDir('twokey-e2e-zsh-ws-');
      fs.cpSync(path.join(PROJECT, 'test', 'fixtures', 'workspace'), workspace, { recursive: true });
      fs.writeFileSync(path.join(workspace, '.vscode', 'tasks.json'), JSON.stringify(TASKS, null, 2));
      // zsh as the default profile: read from the workspace here (the server's machine
      // settings did not change the profile in the browser workbench).
      const settingsFile = path.join(workspace, '.vscode', 'settings.json');
      const settings = JSON.parse(fs.readFileSync(settingsFile, 'utf8')) as Record<string, unknown>;
      fs.writeFileSync(settingsFile, JSON.stringify({ ...settings, 'terminal.integrated.defaultProfile.linux': 'zsh' }, null, 2));
      // A fake psql for the shim cases, put on PATH by the user's .zshrc (as people do with
      // their tools; TwoKey's shims still come first): it writes down each call it gets.
      const bin = tmpDir('twokey-e2e-bin-');
      fs.writeFileSync(path.join(bin, 'psql'), `#!/bin/sh\necho "$*" >> '${workspace}/psql-ran.txt'\n`, { mode: 0o755 });
      fs.writeFileSync(path.join(workspace, 'migrate.sh'), '#!/bin/sh\npsql -c "DROP TABLE users"\necho migrated > migrated.txt\n', { mode: 0o755 });
      // The user's own zsh config, which must keep working under the gate.
      const zdot = tmpDir('twokey-e2e-zdot-');
      fs.writeFileSync(
        path.join(zdot, '.zshrc'),
        ['alias ll="echo from-user-alias"', 'export FROM_USER_RC=yes', `export PATH='${bin}':$PATH`, 'twokey_test_precmd() { :; }', 'autoload -Uz add-zsh-hook', 'add-zsh-hook precmd twokey_test_precmd', ''].join('\n'),
      );
      ({ server, browser, page } = await openPackaged(version, workspace, {
        env: { ZDOTDIR: zdot, PATH: `${bin}:${process.env.PATH}` },
        // The machine settings default to bash for the other UI tests: zsh here, in both places.
        machineSettings: { 'terminal.integrated.defaultProfile.linux': 'zsh' },
      }));
      // TwoKey activates on startup finished; a terminal opened before that has no gate (and
      // is named in the badge). The badge shows once the gates are in the environment.
      await statusBadge(page);
    });

    after(async () => {
      await browser?.close();
      await server?.stop();
    });

    it("harmless lines run unprompted and the user's .zshrc is loaded", async () => {
      await readyTerminal(page, () => read('ready.txt') !== undefined);
      await typeInTerminal(page, 'll > ll.txt; echo "$FROM_USER_RC $ZDOTDIR" > u.txt');
      const ll = await waitUntil('the alias to run', () => read('ll.txt'));

      assert.equal(ll, 'from-user-alias');
      assert.match(read('u.txt') ?? '', /^yes .*\/gate\/zsh$/);
      assert.equal(await page.locator('.monaco-dialog-box').count(), 0, 'no modal for harmless commands');
    });

    it('holds rm -rf victim until the modal is answered; Deny keeps the folder and reports 126', async () => {
      await typeInTerminal(page, 'echo before > before.txt && rm -rf victim');
      const text = await waitForDialog(page);
      assert.match(text, /^TwoKey/m);
      assert.match(text, /rm -rf victim/);
      assert.ok(fs.existsSync(victim()));
      await clickDialogButton(page, 'Deny');
      await typeInTerminal(page, 'echo "rc=$?" > rc.txt');
      assert.equal(await waitUntil('the exit code', () => read('rc.txt')), 'rc=126');
      assert.ok(fs.existsSync(victim()), 'Deny leaves the folder in place');
      assert.equal(read('before.txt'), undefined, 'nothing on the refused line ran');
      assert.match((await terminalText(page)).replace(/\n/g, ''), /TwoKey: refused/);
    });

    it('a command hidden in bash -c is held whole, and Deny keeps the folder', async () => {
      await typeInTerminal(page, 'bash -c "rm -rf victim"');
      assert.match(await waitForDialog(page), /rm -rf victim/);
      await clickDialogButton(page, 'Deny');
      await typeInTerminal(page, 'echo "rc=$?" > rc-bashc.txt');
      assert.equal(await waitUntil('the exit code', () => read('rc-bashc.txt')), 'rc=126');
      assert.ok(fs.existsSync(victim()), 'Deny leaves the folder in place');
    });

    it('with the broker out of reach, rm -rf is refused by the gate alone and recorded; harmless lines run', async () => {
      assert.equal(await refusedWithBrokerDown(page, workspace, 'zsh'), 'rc=126');
    });

    it('a destructive psql call from a script is stopped by the PATH shim', async () => {
      await typeInTerminal(page, 'sh ./migrate.sh');
      const text = await waitForDialog(page);
      assert.match(text, /psql/);
      await clickDialogButton(page, 'Deny');
      await new Promise((r) => setTimeout(r, 1500));
      assert.equal(read('psql-ran.txt'), undefined, 'the fake psql never ran');
    });

    it('an approved psql line typed in the terminal is asked about once: its PATH shim does not ask again', async () => {
      await typeInTerminal(page, 'psql -c "DROP TABLE users"');
      assert.match(await waitForDialog(page), /DROP TABLE users/);
      await clickDialogButton(page, 'Allow once');
      await answerInputBox(page, 'production');
      // The shim asked the broker too, and the approval covered it: on record, nobody asked.
      const audit = () => fs.readFileSync(path.join(workspace, '.twokey', 'audit.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
      const shim = await waitUntil('the shim to be let through', () =>
        audit().find((r) => r.source === 'shim' && r.decision === 'allowed' && /^Part of `psql -c "DROP TABLE users"`/.test(String(r.reason))),
      );
      assert.equal(shim.command, "psql -c 'DROP TABLE users'");
      assert.equal(shim.decidedBy, 'human');
      // And the real (fake) psql ran, through the shim, with its arguments intact.
      assert.equal(await waitUntil('the approved psql to run', () => read('psql-ran.txt')), '-c DROP TABLE users');
      await page.waitForTimeout(1000);
      assert.equal(await page.locator('.monaco-dialog-box').count(), 0, 'no second prompt from the shim');
    });

    for (const label of ['wipe-zsh', 'wipe-bash']) {
      it(`a shell task (${label}) running rm -rf victim is held and Deny keeps the folder`, async () => {
        await runTask(page, label);
        const text = await waitForDialog(page);
        assert.match(text, /rm -rf victim/);
        await clickDialogButton(page, 'Deny');
        await new Promise((r) => setTimeout(r, 1500));
        assert.ok(fs.existsSync(victim()), 'Deny leaves the folder in place');
      });
    }

    it('a destructive process task: TwoKey offers to make it a shell task, which is then held and Deny keeps the folder', async () => {
      // A process task has no shell to gate it; the warning about it offers the remedy.
      // Its toast may have been tucked away by now: the notification center lists it.
      await runCommand(page, 'Notifications: Show Notifications');
      const item = page.locator('.notifications-center .notification-list-item', { hasText: 'cannot be stopped before they run' }).first();
      await item.waitFor({ state: 'visible', timeout: 30_000 });
      await item.locator('.monaco-button', { hasText: 'Make It Ask First' }).first().click();
      const tasksFile = path.join(workspace, '.vscode', 'tasks.json');
      const tasksNow = () => {
        try {
          return JSON.parse(fs.readFileSync(tasksFile, 'utf8')) as typeof TASKS;
        } catch {
          return undefined; // being written
        }
      };
      await waitUntil('tasks.json to hold no process task', () => tasksNow()?.tasks.every((t) => t.type !== 'process'));
      const converted = tasksNow()?.tasks.find((t) => t.label === 'wipe-process');
      assert.deepEqual({ type: converted?.type, command: converted?.command, args: 'args' in (converted ?? {}) }, { type: 'shell', command: 'rm -rf victim', args: false });
      await page.waitForTimeout(1000);
      await runTask(page, 'wipe-process');
      const text = await waitForDialog(page);
      assert.match(text, /rm -rf victim/);
      await clickDialogButton(page, 'Deny');
      await new Promise((r) => setTimeout(r, 1500));
      assert.ok(fs.existsSync(victim()), 'Deny leaves the folder in place');
    });

  });
}
