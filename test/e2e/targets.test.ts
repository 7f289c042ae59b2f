/**
 * A command's own target in a real VS Code with the packaged VSIX: in a development
 * workspace, `kubectl --context prod apply` is asked; the modal names the production context
 * and its server, and the typed confirmation is the context's name (the environment's name
 * does not do). A state change to the development cluster runs unprompted.
 */
import { after, afterEach, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { VERSIONS, tmpDir, type Server } from '../support/vscode';
import { answerInputBox, clickDialogButton, closeDialogs, newTerminal, openPackaged, statusBadge, terminalText, typeInTerminal, waitForDialog, waitUntil } from './workbench';

function fixture(rel: string): string {
  for (const d of [path.resolve(__dirname, '../../../test/fixtures/targets'), path.resolve(__dirname, '../fixtures/targets')]) {
    if (fs.existsSync(path.join(d, rel))) return path.join(d, rel);
  }
  throw new Error(`test/fixtures/targets/${rel} not found`);
}

function records(ws: string): { command: string; decision: string; decidedBy: string; environment: string; evidence: { signal: string; value: string }[] }[] {
  const f = path.join(ws, '.twokey', 'audit.jsonl');
  return fs.existsSync(f) ? fs.readFileSync(f, 'utf8').trim().split('\n').map((l) => JSON.parse(l)) : [];
}

for (const version of VERSIONS) {
  describe(`VS Code ${version}: a command's own target`, () => {
    let server: Server;
    let browser: Browser;
    let page: Page;
    let ws: string;

    before(async () => {
      ws = tmpDir('twokey-e2e-targets-');
      fs.writeFileSync(path.join(ws, '.env'), 'NODE_ENV=development\nDATABASE_URL=postgres://app:devpass@localhost:5432/app_dev\n');
      fs.writeFileSync(path.join(ws, 'x.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n');
      // The machine's kubeconfig: current context a kind cluster, a `prod` context beside it.
      const kube = path.join(tmpDir('twokey-e2e-kube-'), 'config');
      fs.copyFileSync(fixture('home-dev/.kube/config'), kube);
      ({ server, browser, page } = await openPackaged(version, ws, { env: { KUBECONFIG: kube } }));
      await statusBadge(page);
      await newTerminal(page);
    });

    afterEach(() => closeDialogs(page));

    after(async () => {
      await browser?.close();
      await server?.stop();
    });

    it('the badge says development', async () => {
      await waitUntil('the badge to say development', async () => /development/i.test(await statusBadge(page)));
    });

    it('kubectl --context prod apply: the modal names the production context, and only its name confirms it', async () => {
      // kubectl may be installed here: its stdin is closed so that it cannot wait for a password.
      const line = 'kubectl --context prod apply -f x.yaml </dev/null';
      await typeInTerminal(page, line);
      const text = await waitForDialog(page);
      assert.match(text, /kubectl --context prod apply -f x\.yaml/);
      assert.match(text, /in production/);
      assert.match(text, /`kubectl` → `prod` \(--context, server prod\.k8s\.acme\.io\) → production/);
      assert.match(text, /Allow once asks you to type "prod"/);
      await clickDialogButton(page, 'Allow once');
      await answerInputBox(page, 'production', /Type "prod"/);
      await waitUntil('the refusal on record', () => records(ws).some((r) => r.command === line && r.decision === 'denied'));

      await typeInTerminal(page, line);
      await waitForDialog(page);
      await clickDialogButton(page, 'Allow once');
      await answerInputBox(page, 'prod', /Type "prod"/);
      const allowed = await waitUntil('the approval on record', () => records(ws).find((r) => r.command === line && r.decision === 'allowed' && r.decidedBy === 'human'));
      assert.equal(allowed.environment, 'production');
      assert.ok(allowed.evidence.some((e) => e.signal === 'target:kubectl' && /prod \(--context, server prod\.k8s\.acme\.io\)/.test(e.value)));
    });

    it('the same apply to the current development cluster runs unprompted', async () => {
      // It ran when kubectl answered (it asks the kind cluster for a user, and stdin is closed), or the shell found no kubectl.
      const ran = async () => /127\.0\.0\.1:40123|error: EOF|kubectl: command not found/.test((await terminalText(page)).replace(/\n/g, ''));
      await typeInTerminal(page, 'clear');
      await waitUntil('the terminal to clear', async () => !(await ran()));
      await typeInTerminal(page, 'kubectl apply -f x.yaml </dev/null');
      await waitUntil('the command to run', ran).catch(async (e: unknown) => {
        throw new Error(`${String(e)}\nterminal:\n${await terminalText(page)}\nrecords: ${JSON.stringify(records(ws).map((r) => [r.command, r.decision]))}`);
      });
      assert.equal(await page.locator('.monaco-dialog-box').count(), 0, 'no modal');
      assert.ok(!records(ws).some((r) => r.command.startsWith('kubectl apply -f x.yaml') && r.decision !== 'allowed'));
    });
  });
}
