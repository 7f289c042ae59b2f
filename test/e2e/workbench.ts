/**
 * What a person does in the workbench, for the UI tests: run palette commands, type in a
 * terminal, read and answer TwoKey's modal. Selectors are VS Code's own DOM.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Browser, Frame, Locator, Page } from 'playwright-core';
import { installVsix, launchBrowser, openWorkbench, startServer, tmpDir, type Server, type ServerOptions } from '../support/vscode';

export async function runCommand(page: Page, title: string): Promise<void> {
  // The palette can open before the workbench has settled and lose what was typed: retry.
  for (let attempt = 1; ; attempt++) {
    await page.keyboard.press('F1');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible', timeout: 15_000 });
    await input.fill(`>${title}`);
    const row = page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first();
    try {
      await row.waitFor({ timeout: 5_000 });
      await page.keyboard.press('Enter');
      return;
    } catch (err) {
      await page.keyboard.press('Escape');
      if (attempt >= 5) throw err;
      await page.waitForTimeout(1000);
    }
  }
}

/** Opens a new terminal and waits for its first prompt. */
export async function newTerminal(page: Page): Promise<void> {
  await runCommand(page, 'Terminal: Create New Terminal');
  await page.locator('.terminal-wrapper.active .xterm').first().waitFor({ timeout: 30_000 });
  await page.waitForTimeout(2500); // the first prompt, where the gate installs itself
}

export async function typeInTerminal(page: Page, line: string): Promise<void> {
  await page.locator('.terminal-wrapper.active .xterm').first().click();
  await page.keyboard.type(line, { delay: 5 });
  await page.keyboard.press('Enter');
}

/** The text on the active terminal's screen (DOM renderer: gpuAcceleration off). */
export async function terminalText(page: Page): Promise<string> {
  return (await page.locator('.terminal-wrapper.active .xterm-rows').first().innerText()).replace(/\u00a0/g, ' ');
}

export async function waitForDialog(page: Page, timeout = 30_000): Promise<string> {
  const box = page.locator('.monaco-dialog-box');
  await box.waitFor({ state: 'visible', timeout });
  return box.innerText();
}

export async function clickDialogButton(page: Page, label: string): Promise<void> {
  const box = page.locator('.monaco-dialog-box');
  const before = await box.innerText();
  await page.locator('.monaco-dialog-box .monaco-button', { hasText: label }).first().click();
  // The dialog closes, or the next queued one takes its place.
  const end = Date.now() + 10_000;
  while ((await box.count()) > 0 && (await box.innerText().catch(() => '')) === before) {
    if (Date.now() > end) throw new Error(`the dialog did not close after clicking ${label}`);
    await page.waitForTimeout(100);
  }
}

/**
 * Types into the input box and accepts it. With `when`, waits until the box shows that text
 * (its title or prompt) first, so a box that follows another is not answered too early.
 */
export async function answerInputBox(page: Page, text: string, when?: string | RegExp): Promise<void> {
  const widget = when ? page.locator('.quick-input-widget', { hasText: when }) : page.locator('.quick-input-widget');
  await widget.first().waitFor({ state: 'visible', timeout: 15_000 });
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible', timeout: 15_000 });
  await input.fill(text);
  await page.keyboard.press('Enter');
}

export async function statusBadge(page: Page): Promise<string> {
  const item = page.locator('[id="twokey.twokey.twokey.environment"]');
  await item.waitFor({ state: 'visible', timeout: 30_000 });
  return item.innerText();
}

/** The frame of a webview whose document contains `selector`. */
export async function webviewFrame(page: Page, selector: string, timeout = 30_000): Promise<Frame> {
  const end = Date.now() + timeout;
  for (;;) {
    for (const f of page.frames()) {
      try {
        if ((await f.locator(selector).count()) > 0) return f;
      } catch {
        /* detached */
      }
    }
    if (Date.now() > end) throw new Error(`no webview with ${selector}`);
    await page.waitForTimeout(300);
  }
}

export async function waitUntil<T>(what: string, fn: () => T | undefined | false | Promise<T | undefined | false>, timeout = 30_000): Promise<T> {
  const end = Date.now() + timeout;
  for (;;) {
    const v = await fn();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/**
 * The packaged VSIX (TWOKEY_VSIX) installed into a fresh extensions folder with the server's
 * own `--install-extension`, a server on `workspace`, and the workbench open in Chromium.
 */
export async function openPackaged(
  version: string,
  workspace: string,
  opts: Omit<ServerOptions, 'version' | 'extensionsDir'> = {},
): Promise<{ server: Server; browser: Browser; page: Page }> {
  const vsix = process.env.TWOKEY_VSIX ?? '';
  assert.ok(fs.existsSync(vsix), `packaged VSIX at ${vsix}`);
  const ext = tmpDir('twokey-e2e-ext-');
  installVsix(version, vsix, ext);
  assert.ok(fs.readdirSync(ext).some((d) => d.startsWith('twokey.twokey-')), 'the VSIX installed into the extensions folder');
  const server = await startServer({ ...opts, version, extensionsDir: ext });
  const browser = await launchBrowser();
  const page = await openWorkbench(browser, server, workspace);
  return { server, browser, page };
}

/** A failed step must not leave a modal that blocks every later one. */
export async function closeDialogs(page: Page | undefined): Promise<void> {
  for (let i = 0; i < 3 && page && (await page.locator('.monaco-dialog-box').count()) > 0; i++) {
    await page.keyboard.press('Escape');
    await page.waitForTimeout(300);
  }
}

/**
 * With the window's broker out of reach (its socket moved away, as if the extension were
 * gone): `rm -rf victim` is refused by the gate on its own, no modal, on record; a harmless
 * line runs. The socket is put back afterwards. Returns the refusal's exit code as the
 * shell reports it.
 */
export async function refusedWithBrokerDown(page: Page, workspace: string, tag: string): Promise<string> {
  const file = (f: string) => path.join(workspace, f);
  const read = (f: string) => (fs.existsSync(file(f)) ? fs.readFileSync(file(f), 'utf8').trim() || undefined : undefined);
  await typeInTerminal(page, `echo "$TWOKEY_SOCKET" > sock-${tag}.txt`);
  const sock = await waitUntil('the socket path', () => read(`sock-${tag}.txt`));
  assert.ok(fs.existsSync(sock), `the broker socket ${sock} exists`);
  fs.renameSync(sock, `${sock}.away`);
  try {
    await typeInTerminal(page, 'rm -rf victim');
    await typeInTerminal(page, `echo "rc=$?" > rc-${tag}.txt`);
    const rc = await waitUntil('the refusal', () => read(`rc-${tag}.txt`));
    assert.equal(await page.locator('.monaco-dialog-box').count(), 0, 'no modal: nobody can be asked');
    assert.ok(fs.existsSync(file('victim/data.txt')), 'the folder is still there');
    const audit = fs.readFileSync(file('.twokey/audit.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    const rec = audit.reverse().find((r) => r.command === 'rm -rf victim');
    assert.equal(rec?.decision, 'denied');
    assert.match(String(rec?.reason), /could not be reached/);
    assert.match((await terminalText(page)).replace(/\n/g, ''), /TwoKey: refused/);
    await typeInTerminal(page, `echo ok > ok-${tag}.txt`);
    assert.equal(await waitUntil('a harmless line to run', () => read(`ok-${tag}.txt`)), 'ok');
    return rc;
  } finally {
    fs.renameSync(`${sock}.away`, sock);
  }
}


/**
 * With TWOKEY_SCREENSHOTS set (a folder, e.g. media/screenshots), the README's pictures are
 * taken again from the UI tests, so they show what the product really looks like.
 */
export async function shoot(page: Page, name: string, part?: Locator): Promise<void> {
  const dir = process.env.TWOKEY_SCREENSHOTS;
  if (!dir) return;
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${name}.png`);
  if (part) await part.screenshot({ path: file });
  else await page.screenshot({ path: file });
}
