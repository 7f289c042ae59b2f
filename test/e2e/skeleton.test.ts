/**
 * The walking skeleton, as a person sees it: the packaged VSIX installed into a real VS Code
 * server, the workbench in Chromium, `rm -rf` in a bash terminal held until the modal is
 * answered. Runs on every VS Code version the harness carries.
 */
import { after, afterEach, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { PROJECT, VERSIONS, tmpDir, type Server } from '../support/vscode';
import {
  answerInputBox,
  clickDialogButton,
  closeDialogs,
  newTerminal,
  openPackaged,
  runCommand,
  statusBadge,
  terminalText,
  typeInTerminal,
  waitForDialog,
  waitUntil,
  webviewFrame,
  refusedWithBrokerDown,
  shoot,
} from './workbench';


for (const version of VERSIONS) {
  describe(`VS Code ${version}: the packaged extension guards a bash terminal`, () => {
    let server: Server;
    let browser: Browser;
    let page: Page;
    let workspace: string;

    before(async () => {
      workspace = tmpDir('twokey-e2e-ws-');
      fs.cpSync(path.join(PROJECT, 'test', 'fixtures', 'workspace'), workspace, { recursive: true });
      ({ server, browser, page } = await openPackaged(version, workspace));
    });

    afterEach(() => closeDialogs(page));

    after(async () => {
      await browser?.close();
      await server?.stop();
    });

    it('shows the environment badge: the fixture workspace has no environment signal, so it is unknown', async () => {
      const text = await statusBadge(page);
      // The environment is the badge's first word (after the icon); a state may follow it.
      assert.match(text.trim(), /^unknown( · [a-z]+)*( · \d+ waiting)?$/);
      await shoot(page, 'badge', page.locator('.statusbar'));
    });

    it("the badge's tooltip shows the evidence, the protection state and today's counts", async () => {
      await page.locator('[id="twokey.twokey.twokey.environment"]').hover();
      const hover = page.locator('.workbench-hover, .monaco-hover').filter({ hasText: 'TwoKey' }).first();
      await hover.waitFor({ state: 'visible', timeout: 15_000 });
      const text = await hover.innerText();
      assert.match(text, /unknown \(treated as production\)/);
      assert.match(text, /Terminal gates \(bash, zsh\): on/);
      assert.match(text, /Today: \d+ allowed, \d+ denied, \d+ asked/);
      await page.mouse.move(700, 400);
      await page.keyboard.press('Escape');
    });

    it('runs ls and echo with no prompt', async () => {
      await newTerminal(page);
      await typeInTerminal(page, 'ls > /dev/null && echo fine > fine.txt');
      await waitUntil('echo to run', () => fs.existsSync(path.join(workspace, 'fine.txt')));
      assert.equal(await page.locator('.monaco-dialog-box').count(), 0, 'no modal for harmless commands');
    });

    it('holds rm -rf until the modal is answered; Deny keeps the folder and fails the command', async () => {
      await typeInTerminal(page, 'rm -rf victim');
      const text = await waitForDialog(page);
      assert.match(text, /^TwoKey/m, 'the message starts with TwoKey');
      assert.match(text, /rm -rf victim/);
      assert.match(text, /production|unknown/);
      // Still waiting for the answer: nothing has been deleted yet.
      assert.ok(fs.existsSync(path.join(workspace, 'victim', 'data.txt')));
      await clickDialogButton(page, 'Deny');
      await typeInTerminal(page, 'echo "rc=$?" > rc.txt');
      const rc = await waitUntil('the exit code', () =>
        fs.existsSync(path.join(workspace, 'rc.txt')) ? fs.readFileSync(path.join(workspace, 'rc.txt'), 'utf8').trim() : undefined,
      );
      assert.equal(rc, 'rc=130');
      assert.ok(fs.existsSync(path.join(workspace, 'victim', 'data.txt')), 'Deny leaves the folder in place');
      const screen = (await terminalText(page)).replace(/\n/g, '');
      assert.match(screen, /TwoKey: refused `rm -rf victim` in /, "the refusal starts with TwoKey:");
      assert.match(screen, /a person denied it in the TwoKey prompt/);
      const audit = path.join(workspace, '.twokey', 'audit.jsonl');
      const records = await waitUntil('the audit record', () =>
        fs.existsSync(audit) ? fs.readFileSync(audit, 'utf8').trim().split('\n').map((l) => JSON.parse(l)) : undefined,
      );
      const rec = records.find((r: { command: string }) => r.command === 'rm -rf victim');
      assert.ok(rec, 'a record of the decision');
      assert.equal(rec.decision, 'denied');
      assert.equal(rec.decidedBy, 'human');
    });

    it('a refused bash line runs nothing: `echo ok && rm -rf` and `bash -c` are held whole', async () => {
      const started = Date.now();
      await typeInTerminal(page, 'echo ok > ok.txt && rm -rf victim');
      const text = await waitForDialog(page);
      console.log(`      (Enter to modal, including typing: ${Date.now() - started} ms)`);
      assert.match(text, /rm -rf victim/);
      await clickDialogButton(page, 'Deny');
      await typeInTerminal(page, 'bash -c "rm -rf victim"');
      const hidden = await waitForDialog(page);
      assert.match(hidden, /rm -rf victim/);
      await clickDialogButton(page, 'Deny');
      await typeInTerminal(page, 'echo "rc=$?" > rc2.txt');
      await waitUntil('the exit code', () => fs.existsSync(path.join(workspace, 'rc2.txt')));
      assert.equal(fs.readFileSync(path.join(workspace, 'rc2.txt'), 'utf8').trim(), 'rc=130');
      assert.ok(!fs.existsSync(path.join(workspace, 'ok.txt')), 'the echo before the refused rm never ran');
      assert.ok(fs.existsSync(path.join(workspace, 'victim', 'data.txt')));
      const audit = fs.readFileSync(path.join(workspace, '.twokey', 'audit.jsonl'), 'utf8');
      assert.match(audit, /"command":"bash -c \\"rm -rf victim\\""[^\n]*"decision":"denied"/);
    });

    it('with the broker out of reach, rm -rf is refused by the gate alone and recorded; harmless lines run', async () => {
      assert.equal(await refusedWithBrokerDown(page, workspace, 'bash'), 'rc=130');
    });

    it('an approved bash -c line is asked about once: its child bash does not ask again', async () => {
      fs.mkdirSync(path.join(workspace, 'victim2'));
      fs.writeFileSync(path.join(workspace, 'victim2', 'data.txt'), 'x');
      await typeInTerminal(page, 'bash -c "rm -rf victim2"');
      await waitForDialog(page);
      await clickDialogButton(page, 'Allow once');
      await answerInputBox(page, 'production');
      await waitUntil('the folder to go', () => !fs.existsSync(path.join(workspace, 'victim2')));
      await page.waitForTimeout(1500);
      assert.equal(await page.locator('.monaco-dialog-box').count(), 0, 'no second prompt from the child bash');
      const recs = fs.readFileSync(path.join(workspace, '.twokey', 'audit.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
      const child = recs.find((r) => r.command === 'rm -rf victim2');
      assert.equal(child?.decidedBy, 'human');
      assert.match(String(child?.reason), /Part of `bash -c "rm -rf victim2"`/);
    });

    it('Allow once (with the typed environment name) lets exactly that command run', async () => {
      await typeInTerminal(page, 'rm -rf victim');
      await waitForDialog(page);
      await clickDialogButton(page, 'Allow once');
      await answerInputBox(page, 'production');
      await waitUntil('the folder to go', () => !fs.existsSync(path.join(workspace, 'victim')));
    });

    it('TwoKey: Show Audit Log shows the records', async () => {
      await runCommand(page, 'TwoKey: Show Audit Log');
      const frame = await webviewFrame(page, '.row');
      const rows = await frame.locator('.row').allInnerTexts();
      assert.ok(rows.some((r) => r.includes('rm -rf victim') && /denied/.test(r)), `a denied row in ${rows.join(' | ')}`);
      assert.ok(rows.some((r) => r.includes('rm -rf victim') && /allowed/.test(r)), 'an allowed row');
    });

    it('the audit view fits at 1400×900: no column header or value is cut; a chart of decisions per day; plurals', async () => {
      const frame = await webviewFrame(page, '.row');
      // Every fixed column shows its whole header and values (the command column may clip).
      const cut = await frame.locator('#table-header .cell:not(.command), .row .cell:not(.command)').evaluateAll((cells) =>
        cells.filter((c) => c.scrollWidth > c.clientWidth).map((c) => `${c.className}: ${c.textContent} (${c.scrollWidth} > ${c.clientWidth})`),
      );
      assert.deepEqual(cut, [], 'cells cut at 1400×900');
      // And the row fits the table: the last column ends inside it.
      const overflow = await frame.locator('#table').evaluate((t) => {
        const last = t.querySelector('#table-header .cell.decided-by')!.getBoundingClientRect().right;
        return last - t.getBoundingClientRect().right;
      });
      assert.ok(overflow <= 0, `the last column ends ${overflow}px past the table`);
      const headers = await frame.locator('#table-header .cell').allInnerTexts();
      assert.deepEqual(headers.map((h) => h.trim()), ['Time', 'Source', 'Command', 'Environment', 'Risk', 'Decision', 'Decided by']);
      const title = await frame.locator('.row .cell.time').first().getAttribute('title');
      assert.match(title ?? '', /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}/, 'the full timestamp on hover');
      await frame.locator('#chart-bars .bar').first().waitFor({ timeout: 10_000 });
      assert.match((await frame.locator('#chart-bars').getAttribute('aria-label')) ?? '', /decisions? over 1 day/);
      assert.match(await frame.locator('#count').innerText(), /^\d+ records?$|^1 record$/);
      assert.ok(!/\b1 records\b/.test(await frame.locator('body').innerText()));
      await shoot(page, 'audit-view');
    });

    it('the audit view verifies the chain and says so in readable colours (plural, contrast of at least 4.5:1)', async () => {
      const frame = await webviewFrame(page, '#verify');
      await frame.locator('#verify').click();
      const status = frame.locator('#status[data-kind="ok"]');
      await status.waitFor({ timeout: 15_000 });
      assert.match(await status.innerText(), /The hash chain is intact: \d+ records? verified/);
      assert.ok(!/\b1 records\b/.test(await status.innerText()));
      // Text against the background it is drawn on, for the status line and the coloured cells.
      const ratios = await frame.locator('#status, .row .cell.environment, .row .cell.risk, .row .cell.decision').evaluateAll((cells) => {
        /* eslint-disable @typescript-eslint/no-explicit-any -- runs in the page; the tests compile without the DOM library */
        const win = (cells[0] as any).ownerDocument.defaultView;
        const style = (e: any) => win.getComputedStyle(e);
        const rgb = (c: string) => (c.match(/[\d.]+/g) ?? ['0', '0', '0']).slice(0, 4).map(Number);
        const lum = (c: number[]) => {
          const [r, g, b] = c.slice(0, 3).map((v) => {
            const x = v / 255;
            return x <= 0.03928 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4;
          });
          return 0.2126 * r + 0.7152 * g + 0.0722 * b;
        };
        const background = (e: any): number[] => {
          for (; e; e = e.parentElement) {
            const c = rgb(style(e).backgroundColor);
            if (c.length < 4 || c[3] > 0.5) return c;
          }
          return [255, 255, 255];
        };
        /* eslint-enable @typescript-eslint/no-explicit-any */
        return cells.map((c) => {
          const a = lum(rgb(style(c).color));
          const b = lum(background(c));
          return { what: `${c.className || c.id}: ${c.textContent}`, ratio: (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05) };
        });
      });
      const low = ratios.filter((r) => r.ratio < 4.5).map((r) => `${r.what} (${r.ratio.toFixed(2)})`);
      assert.deepEqual(low, [], 'text below 4.5:1 in the audit view');
    });

    it('the audit view filters by decision and opens a record in the detail pane', async () => {
      const frame = await webviewFrame(page, '#filter-decision');
      await frame.locator('#filter-decision').selectOption('denied');
      const shown = () => frame.locator('.row').evaluateAll((rs) => rs.map((r) => r.getAttribute('data-decision')));
      let decisions = await shown();
      for (let i = 0; i < 50 && !(decisions.length > 0 && decisions.every((d) => d === 'denied')); i++) {
        await page.waitForTimeout(100);
        decisions = await shown();
      }
      assert.ok(decisions.length >= 1 && decisions.every((d) => d === 'denied'), decisions.join());
      await frame.locator('.row').first().click();
      const detail = frame.locator('#detail');
      await detail.waitFor({ state: 'visible' });
      assert.match(await detail.innerText(), /rm -rf victim/);
      await frame.locator('#filter-decision').selectOption('');
    });
  });
}
