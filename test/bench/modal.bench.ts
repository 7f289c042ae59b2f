/**
 * Enter to modal (not a test: prints figures, asserts nothing). The packaged VSIX in a real
 * VS Code server, the workbench in Chromium; a risky line is typed into a bash or zsh
 * terminal, then the clock starts at the Enter key (a capturing keydown listener in the
 * page) and stops when TwoKey's dialog is in the DOM and again at the next animation frame
 * (on screen). Both stamps are taken in the page, so Playwright's own latency is not in
 * them. The first line of each terminal is reported apart (cold caches), then the median
 * and the slowest of the rest. Deny answers each one.
 *
 * Needs the servers (scripts/setup-vscode.sh) and the VSIX (npm run package); skipped with
 * a note when either is missing. TWOKEY_VSCODE_VERSIONS narrows the versions.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PROJECT, VERSIONS, serverRoot, tmpDir } from '../support/vscode';
import { clickDialogButton, newTerminal, openPackaged, statusBadge } from '../e2e/workbench';

const ROUNDS = Number(process.env.TWOKEY_BENCH_ROUNDS ?? 11);

interface Stamps {
  enter: number;
  dom: number;
  painted: number;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function measure(version: string, shell: 'bash' | 'zsh', vsix: string): Promise<void> {
  const workspace = tmpDir('twokey-bench-modal-ws-');
  fs.cpSync(path.join(PROJECT, 'test', 'fixtures', 'workspace'), workspace, { recursive: true });
  const settingsFile = path.join(workspace, '.vscode', 'settings.json');
  const settings = JSON.parse(fs.readFileSync(settingsFile, 'utf8')) as Record<string, unknown>;
  fs.writeFileSync(settingsFile, JSON.stringify({ ...settings, 'terminal.integrated.defaultProfile.linux': shell }, null, 2));
  process.env.TWOKEY_VSIX = vsix;
  const { server, browser, page } = await openPackaged(version, workspace, { machineSettings: { 'terminal.integrated.defaultProfile.linux': shell } });
  try {
    await statusBadge(page);
    await newTerminal(page);
    // In the page (plain script: the project's types have no DOM library).
    await page.evaluate(`
      addEventListener('keydown', (e) => {
        if (e.key === 'Enter' && window.__twokeyBench) window.__twokeyBench.enter = performance.now();
      }, true);
      new MutationObserver(() => {
        const s = window.__twokeyBench;
        if (!s || s.dom || !s.enter || !document.querySelector('.monaco-dialog-box')) return;
        s.dom = performance.now();
        requestAnimationFrame(() => (s.painted = performance.now()));
      }).observe(document.body, { childList: true, subtree: true });
    `);
    const dom: number[] = [];
    const painted: number[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      await page.evaluate('window.__twokeyBench = { enter: 0, dom: 0, painted: 0 }');
      await page.locator('.terminal-wrapper.active .xterm').first().click();
      await page.keyboard.type(`rm -rf victim/gone-${i}`, { delay: 2 });
      await page.waitForTimeout(300);
      await page.keyboard.press('Enter');
      await page.locator('.monaco-dialog-box').waitFor({ state: 'visible', timeout: 30_000 });
      await page.waitForFunction('(window.__twokeyBench?.painted ?? 0) > 0', undefined, { timeout: 5_000 });
      const s = (await page.evaluate('window.__twokeyBench')) as Stamps;
      dom.push(s.dom - s.enter);
      painted.push(s.painted - s.enter);
      await clickDialogButton(page, 'Deny');
      await page.waitForTimeout(700);
    }
    const rest = painted.slice(1);
    console.log(
      `VS Code ${version}, ${shell}: Enter to modal, first ${painted[0].toFixed(0)} ms; then median ${median(rest).toFixed(0)} ms ` +
        `(in the DOM ${median(dom.slice(1)).toFixed(0)} ms), slowest ${Math.max(...rest).toFixed(0)} ms over ${rest.length}`,
    );
  } finally {
    await browser.close();
    await server.stop();
  }
}

async function main(): Promise<void> {
  const { version } = JSON.parse(fs.readFileSync(path.join(PROJECT, 'package.json'), 'utf8')) as { version: string };
  const vsix = process.env.TWOKEY_VSIX ?? path.join(PROJECT, `twokey-${version}.vsix`);
  if (!fs.existsSync(vsix)) {
    console.log(`Enter to modal: skipped, no VSIX at ${vsix} (npm run package)`);
    return;
  }
  for (const v of VERSIONS) {
    if (!fs.existsSync(path.join(serverRoot(v), 'out', 'server-main.js'))) {
      console.log(`Enter to modal: VS Code ${v} skipped, not set up (bash scripts/setup-vscode.sh)`);
      continue;
    }
    for (const shell of ['bash', 'zsh'] as const) await measure(v, shell, vsix);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
