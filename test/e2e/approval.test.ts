/**
 * The second key as a person meets it, in a real VS Code with the packaged VSIX: Enter,
 * Escape and closing deny, what would be lost in view without a click (the modal's detail
 * and the panel beside it, which closes with the answer), typed confirmation, queued
 * requests, the deadline, a pause that expires, and a development delete allowed once and
 * asked again.
 */
import { after, afterEach, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { VERSIONS, tmpDir, type Server } from '../support/vscode';
import { findRegistration } from '../../src/intercept/protocol';
import {
  answerInputBox,
  clickDialogButton,
  closeDialogs,
  newTerminal,
  openPackaged,
  runCommand,
  shoot,
  statusBadge,
  terminalText,
  typeInTerminal,
  waitForDialog,
  waitUntil,
} from './workbench';
import { divergedCloneFixture, previewTab, waitForPreviewText } from './preview';

const DEADLINE_SECONDS = 10;

/** Sends a request to the window's broker as an agent hook would, and waits for the answer. */
function askBroker(root: string, command: string): Promise<{ decision: string; message: string; outcome?: string }> {
  const reg = findRegistration(root);
  assert.ok(reg, 'the window registered its broker');
  return new Promise((resolve, reject) => {
    const s = net.createConnection(reg.socketPath);
    let buf = '';
    s.on('connect', () => s.write(JSON.stringify({ v: 1, secret: reg.secret, source: 'cursor', command, cwd: root, session: 'e2e' }) + '\n'));
    s.on('data', (d) => (buf += d));
    s.on('end', () => resolve(JSON.parse(buf)));
    s.on('error', reject);
  });
}

function records(ws: string): { command: string; decision: string; decidedBy: string; source: string }[] {
  const f = path.join(ws, '.twokey', 'audit.jsonl');
  return fs.existsSync(f) ? fs.readFileSync(f, 'utf8').trim().split('\n').map((l) => JSON.parse(l)) : [];
}

for (const version of VERSIONS) {
  describe(`VS Code ${version}: the approval modal`, () => {
    let server: Server;
    let browser: Browser;
    let page: Page;
    let ws: string;
    let dropped: string[];
    /** While this file exists, `git status` of slow1/ hangs (a preview that takes long). */
    let slowGit: string;

    before(async () => {
      ws = tmpDir('twokey-e2e-appr-');
      ({ dropped } = divergedCloneFixture(ws));
      // Work git cannot restore: untracked files in a folder.
      fs.mkdirSync(path.join(ws, 'work', 'draft'), { recursive: true });
      fs.writeFileSync(path.join(ws, 'work', 'notes.md'), '# not committed\n');
      fs.writeFileSync(path.join(ws, 'work', 'draft', 'idea.ts'), 'export {};\n');
      for (const d of ['victim', 'q1', 'p1', 'p2', 'd1', 't1', 'e1', 'c1']) {
        fs.mkdirSync(path.join(ws, d), { recursive: true });
        fs.writeFileSync(path.join(ws, d, 'keep.txt'), d);
      }
      fs.mkdirSync(path.join(ws, '.vscode'), { recursive: true });
      fs.writeFileSync(path.join(ws, '.vscode', 'settings.json'), JSON.stringify({ 'terminal.integrated.gpuAcceleration': 'off' }));
      // A long preview: a tracked file whose clean filter hangs while a marker file exists,
      // touched so that `git status` must read it through the filter. The preview of
      // `rm -rf slow1` then counts until its time limit, long after the modal is up.
      slowGit = path.join(tmpDir('twokey-e2e-slow-'), 'slow');
      fs.mkdirSync(path.join(ws, 'slow1'));
      fs.writeFileSync(path.join(ws, 'slow1', 'tracked.txt'), 'committed\n');
      fs.writeFileSync(path.join(ws, 'slow1', '.gitattributes'), 'tracked.txt filter=slow\n');
      const git = (...args: string[]) =>
        execFileSync('git', args, { cwd: ws, env: { ...process.env, GIT_AUTHOR_NAME: 'T', GIT_AUTHOR_EMAIL: 't@example.invalid', GIT_COMMITTER_NAME: 'T', GIT_COMMITTER_EMAIL: 't@example.invalid' } });
      git('config', 'filter.slow.clean', `[ -e '${slowGit}' ] && sleep 60; cat`);
      git('add', 'slow1');
      git('commit', '-q', '-m', 'a file read through a filter');
      ({ server, browser, page } = await openPackaged(version, ws, { machineSettings: { 'twokey.decisionTimeoutSeconds': DEADLINE_SECONDS, 'twokey.preview.timeLimitSeconds': 20 } }));
      await statusBadge(page);
      await newTerminal(page);
    });

    afterEach(() => closeDialogs(page));

    after(async () => {
      await browser?.close();
      await server?.stop();
    });

    it('Enter denies (Deny has the focus); what would be lost is in view with no click; the panel closes after the answer', async () => {
      await typeInTerminal(page, 'rm -rf work');
      const text = (await waitForDialog(page)).replace(/\s+/g, ' ');
      // The modal's own detail: counts, a file name, the uncommitted work, relative paths.
      assert.match(text, /2 files/);
      assert.match(text, /work\/notes\.md/);
      assert.match(text, /untracked/i);
      assert.ok(!text.includes(ws + '/'), 'paths in the modal are workspace-relative');
      assert.match(text, /From: terminal 'bash'/, "the terminal's own name, not the gate helper's process");
      // The panel beside it, opened without a click.
      await previewTab(page).waitFor({ state: 'visible', timeout: 15_000 });
      const panel = await waitForPreviewText(page, /idea\.ts/);
      assert.match(panel, /untracked/i);
      await shoot(page, 'approval');
      assert.equal(await focusedButton(page), 'Deny', 'the keyboard focus is on Deny');
      await page.keyboard.press('Enter');
      await page.locator('.monaco-dialog-box').waitFor({ state: 'hidden', timeout: 10_000 });
      await waitUntil('the refusal on record', () => records(ws).some((r) => r.command === 'rm -rf work' && r.decision === 'denied'));
      assert.ok(fs.existsSync(path.join(ws, 'work', 'notes.md')), 'Enter deleted nothing');
      await previewTab(page).waitFor({ state: 'detached', timeout: 10_000 });
    });

    it('Escape denies', async () => {
      await typeInTerminal(page, 'rm -rf e1');
      await waitForDialog(page);
      await page.keyboard.press('Escape');
      await page.locator('.monaco-dialog-box').waitFor({ state: 'hidden', timeout: 10_000 });
      await waitUntil('the refusal on record', () => records(ws).some((r) => r.command === 'rm -rf e1' && r.decision === 'denied'));
      assert.ok(fs.existsSync(path.join(ws, 'e1', 'keep.txt')));
      await waitUntil('a sentence for the person in the refusal', async () =>
        /refused `rm -rf e1`.*a person \(not an agent\) types it again in a guarded terminal and chooses Allow once/.test((await terminalText(page)).replace(/\n/g, '')));
      await previewTab(page).waitFor({ state: 'detached', timeout: 10_000 });
    });

    it('closing the dialog denies, and Deny is the only refusal besides the Cancel VS Code adds', async () => {
      await typeInTerminal(page, 'rm -rf c1');
      await waitForDialog(page);
      const labels = (await page.locator('.monaco-dialog-box .monaco-button').allInnerTexts()).map((l) => l.trim()).filter(Boolean);
      // VS Code appends its own Cancel to a modal with no close affordance (README: "Why there
      // is a Cancel"); every other button is Deny, Allow once or a safer alternative.
      assert.deepEqual(labels.filter((l) => !/instead$|^Use /.test(l)).sort(), ['Allow once', 'Cancel', 'Deny'], labels.join(', '));
      assert.ok(!labels.includes('Show details'), 'what would be lost needs no extra button');
      await page.locator('.monaco-dialog-box .dialog-toolbar .action-label').first().click();
      await page.locator('.monaco-dialog-box').waitFor({ state: 'hidden', timeout: 10_000 });
      await waitUntil('the refusal on record', () => records(ws).some((r) => r.command === 'rm -rf c1' && r.decision === 'denied'));
      assert.ok(fs.existsSync(path.join(ws, 'c1', 'keep.txt')));
    });

    it('a long preview shows progress in the panel, and the dialog can be answered before it finishes', async () => {
      fs.writeFileSync(slowGit, '');
      const later = new Date(Date.now() + 60_000);
      fs.utimesSync(path.join(ws, 'slow1', 'tracked.txt'), later, later); // same size, new time: git reads it
      try {
        await typeInTerminal(page, 'rm -rf slow1');
        // The panel opens at once, still counting: a progress bar, busy for screen readers.
        const counting = await waitForPreviewText(page, /Counting what would be lost/);
        assert.match(counting, /You can answer the dialog now/);
        const text = (await waitForDialog(page)).replace(/\s+/g, ' ');
        // The dialog did not wait for the count: it says so, and it can be answered now.
        assert.match(text, /Still counting: the panel beside fills in as TwoKey counts/);
        assert.equal(await focusedButton(page), 'Deny');
        await page.keyboard.press('Enter');
        await page.locator('.monaco-dialog-box').waitFor({ state: 'hidden', timeout: 10_000 });
        await waitUntil('the refusal on record', () => records(ws).some((r) => r.command === 'rm -rf slow1' && r.decision === 'denied'));
        assert.ok(fs.existsSync(path.join(ws, 'slow1', 'tracked.txt')));
        await previewTab(page).waitFor({ state: 'detached', timeout: 10_000 });
      } finally {
        fs.rmSync(slowGit, { force: true });
      }
    });

    it('the panel closes when the request is withdrawn (the asking agent goes away)', async () => {
      const reg = findRegistration(ws);
      assert.ok(reg);
      const s = net.createConnection(reg.socketPath);
      await new Promise<void>((resolve, reject) => s.on('connect', resolve).on('error', reject));
      s.write(JSON.stringify({ v: 1, secret: reg.secret, source: 'cursor', command: 'rm -rf q1', cwd: ws, session: 'e2e' }) + '\n');
      await waitForDialog(page);
      await previewTab(page).waitFor({ state: 'visible', timeout: 15_000 });
      s.destroy();
      await previewTab(page).waitFor({ state: 'detached', timeout: 15_000 });
      await waitUntil('the badge to show nobody waiting', async () => !/waiting/.test(await statusBadge(page)));
      await page.keyboard.press('Escape'); // the stale modal; its answer no longer counts
      await page.locator('.monaco-dialog-box').waitFor({ state: 'hidden' });
      assert.ok(fs.existsSync(path.join(ws, 'q1', 'keep.txt')));
    });

    it('the commits a force push would drop are in the modal', async () => {
      await typeInTerminal(page, 'git push --force origin main');
      const text = (await waitForDialog(page)).replace(/\s+/g, ' ');
      assert.match(text, /2 commits/);
      assert.match(await waitForPreviewText(page, new RegExp(dropped[1])), new RegExp(dropped[0]));
      await clickDialogButton(page, 'Deny');
    });

    it('a production command is refused when the typed name is wrong and runs when it is right', async () => {
      await typeInTerminal(page, 'rm -rf victim');
      await waitForDialog(page);
      await clickDialogButton(page, 'Allow once');
      await answerInputBox(page, 'prod');
      await waitUntil('the refusal', () => records(ws).some((r) => r.command === 'rm -rf victim' && r.decision === 'denied'));
      assert.ok(fs.existsSync(path.join(ws, 'victim', 'keep.txt')), 'a wrong name denies');
      await typeInTerminal(page, 'rm -rf victim');
      await waitForDialog(page);
      await clickDialogButton(page, 'Allow once');
      await answerInputBox(page, 'production');
      await waitUntil('the folder to go', () => !fs.existsSync(path.join(ws, 'victim')));
    });

    it('offers safer alternatives: the trash instead of rm -rf, --force-with-lease instead of --force', async () => {
      await typeInTerminal(page, 'rm -rf t1');
      await waitForDialog(page);
      await clickDialogButton(page, 'Move to trash instead');
      await waitUntil('t1 to leave the workspace', () => !fs.existsSync(path.join(ws, 't1')));
      const bin = path.join(ws, '.twokey', 'trash');
      const kept = fs.existsSync(bin) && fs.readdirSync(bin).some((d) => fs.existsSync(path.join(bin, d, 't1', 'keep.txt')));
      const home = process.env.HOME ?? '';
      const systemTrash = fs.existsSync(path.join(home, '.local', 'share', 'Trash', 'files', 't1'));
      assert.ok(kept || systemTrash, 'the folder can be restored from a trash');
      await waitUntil('the refusal that names the alternative', async () =>
        /safer alternative/.test((await terminalText(page)).replace(/\n/g, '')));

      await typeInTerminal(page, 'git push --force origin main');
      await waitForDialog(page);
      await clickDialogButton(page, 'Use --force-with-lease');
      await waitUntil('the safer push to be run and recorded', () =>
        records(ws).some((r) => r.command === 'git push --force-with-lease origin main'), 30_000);
    });

    it('two queued requests are shown one at a time, with the count on the badge', async () => {
      const first = askBroker(ws, 'rm -rf q1');
      await waitForDialog(page);
      const second = askBroker(ws, 'git reset --hard HEAD~1');
      await waitUntil('the badge to count two waiting', async () => /2 waiting/.test(await statusBadge(page)));
      const t1 = await page.locator('.monaco-dialog-box').innerText();
      assert.match(t1, /rm -rf q1/);
      await clickDialogButton(page, 'Deny');
      const t2 = await waitForDialog(page);
      assert.match(t2, /git reset --hard/, 'the second request comes after the first');
      await clickDialogButton(page, 'Deny');
      assert.equal((await first).decision, 'deny');
      assert.equal((await second).decision, 'deny');
      assert.ok(fs.existsSync(path.join(ws, 'q1')));
    });

    it('no answer before the deadline denies, recorded as timed-out', async () => {
      const started = Date.now();
      const answer = askBroker(ws, 'rm -rf q1');
      await waitForDialog(page);
      const r = await answer;
      assert.equal(r.decision, 'deny');
      assert.equal(r.outcome, 'timed-out');
      assert.match(r.message, /nobody answered/);
      assert.ok(Date.now() - started >= DEADLINE_SECONDS * 1000 - 500, 'not before the deadline');
      assert.ok(records(ws).some((x) => x.command === 'rm -rf q1' && x.decision === 'timed-out' && x.decidedBy === 'timeout'));
      await page.keyboard.press('Escape'); // the stale modal closes; its answer no longer counts
      await page.locator('.monaco-dialog-box').waitFor({ state: 'hidden' });
    });

    it('a pause lets commands run without asking, is recorded, and expires by itself', async () => {
      await runCommand(page, 'TwoKey: Pause Protection…');
      await answerQuickPick(page, 'Other…');
      await answerInputBox(page, '0.2', 'how many minutes');
      await answerInputBox(page, 'pause', 'typed confirmation');
      await waitUntil('the badge to show the pause', async () => /paused/.test(await statusBadge(page)));
      await typeInTerminal(page, 'rm -rf p1');
      await waitUntil('p1 to go without a prompt', () => !fs.existsSync(path.join(ws, 'p1')));
      assert.equal(await page.locator('.monaco-dialog-box').count(), 0);
      assert.ok(records(ws).some((r) => r.command === 'rm -rf p1' && r.decision === 'allowed'), 'recorded during the pause');
      await waitUntil('the pause to expire', async () => !/paused/.test(await statusBadge(page)), 30_000);
      await typeInTerminal(page, 'rm -rf p2');
      await waitForDialog(page);
      await clickDialogButton(page, 'Deny');
      assert.ok(fs.existsSync(path.join(ws, 'p2')));
    });

    it('in development an rm -rf is allowed once, without typing, and asked again the second time', async () => {
      fs.writeFileSync(path.join(ws, '.env'), 'NODE_ENV=development\n');
      // A new credential file is itself a change TwoKey asks about: keep it.
      const asked = await waitForDialog(page);
      assert.match(asked, /\.env/);
      await clickDialogButton(page, 'Keep');
      await waitUntil('the badge to show development', async () => /development/.test(await statusBadge(page)));
      await typeInTerminal(page, 'rm -rf d1');
      const text = await waitForDialog(page);
      assert.match(text, /development/);
      await clickDialogButton(page, 'Allow once');
      await waitUntil('d1 to go', () => !fs.existsSync(path.join(ws, 'd1')));
      fs.mkdirSync(path.join(ws, 'd1'));
      await typeInTerminal(page, 'rm -rf d1');
      await waitForDialog(page);
      await clickDialogButton(page, 'Deny');
      assert.ok(fs.existsSync(path.join(ws, 'd1')), 'the grant was used once');
      await waitUntil('the refusal on the terminal', async () => /TwoKey: refused `rm -rf d1` in development/.test((await terminalText(page)).replace(/\n/g, '')));
    });
  });
}

/** The label of the focused dialog button. */
async function focusedButton(page: Page): Promise<string> {
  return page.evaluate('document.activeElement && document.activeElement.closest(".monaco-dialog-box") ? document.activeElement.textContent.trim() : ""') as Promise<string>;
}

async function answerQuickPick(page: Page, label: string): Promise<void> {
  const row = page.locator('.quick-input-list .monaco-list-row', { hasText: label }).first();
  await row.waitFor({ timeout: 15_000 });
  await row.click();
}
