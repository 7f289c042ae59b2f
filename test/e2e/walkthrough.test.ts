/**
 * First run: the packaged extension, installed into a fresh VS Code, opens its "Get started
 * with TwoKey" walkthrough by itself, with the badge, gate, hooks and policy steps; a second
 * window of the same user does not open it again.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { VERSIONS, openWorkbench, tmpDir, type Server } from '../support/vscode';
import { openPackaged, shoot, statusBadge } from './workbench';

for (const version of VERSIONS) {
  describe(`VS Code ${version}: first run`, () => {
    let server: Server;
    let browser: Browser;
    let page: Page;

    before(async () => {
      ({ server, browser, page } = await openPackaged(version, tmpDir('twokey-e2e-walk-'), { machineSettings: { 'twokey.walkthrough.openOnFirstRun': true } }));
    });

    after(async () => {
      await browser?.close();
      await server?.stop();
    });

    it('the walkthrough opens on first install, with its four steps', async () => {
      await statusBadge(page);
      const walk = page.locator('.gettingStartedContainer', { hasText: 'Get started with TwoKey' });
      await walk.first().waitFor({ state: 'visible', timeout: 30_000 });
      const text = await walk.first().innerText();
      for (const step of ['The badge shows where you are', 'Check the gate in a terminal', 'Guard your AI agents', 'Create a policy']) {
        assert.ok(text.includes(step), `step "${step}" in:\n${text}`);
      }
      await shoot(page, 'walkthrough');
    });

    it('it opens once: a new window of the same user does not open it again', async () => {
      // Another window of the same user (its mark is kept where the extension runs), another folder.
      const again = await openWorkbench(browser, server, tmpDir('twokey-e2e-walk2-'));
      await statusBadge(again);
      await again.waitForTimeout(3000);
      assert.equal(await again.locator('.gettingStartedContainer', { hasText: 'Get started with TwoKey' }).count(), 0);
    });
  });
}
