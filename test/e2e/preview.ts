/**
 * UI test helpers for what would be lost (in the modal's detail and the panel beside it):
 * the fixtures the cases need (a folder with untracked files, a clone whose force push
 * drops commits) and reading the panel from VS Code's DOM.
 *
 *   const repo = divergedCloneFixture(workspace);        // before the workbench opens
 *   await typeInTerminal(page, 'git push --force origin main');
 *   const modal = await waitForDialog(page);             // the summary is in its detail
 *   const text = await waitForPreviewText(page, /colleague: add the audit export/);
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { PREVIEW_TITLE } from '../../src/ui/previewTitle';

const GIT_ENV = {
  ...process.env,
  GIT_AUTHOR_NAME: 'Test',
  GIT_AUTHOR_EMAIL: 'test@example.invalid',
  GIT_COMMITTER_NAME: 'Test',
  GIT_COMMITTER_EMAIL: 'test@example.invalid',
  GIT_CONFIG_GLOBAL: os.devNull,
  GIT_CONFIG_NOSYSTEM: '1',
};

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, env: GIT_ENV, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

function write(root: string, rel: string, content: string): void {
  fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
  fs.writeFileSync(path.join(root, rel), content);
}

function commitAll(dir: string, message: string): void {
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', message);
}

/**
 * Makes `dir` a repository whose `src/` holds one committed file, one modified file and
 * two untracked files (one in a subfolder). Deleting `src` loses `a.ts`'s change,
 * `notes.md` and `draft/idea.ts`. Returns what the preview should name.
 */
export function untrackedFolderFixture(dir: string): { folder: string; untracked: string[]; modified: string[] } {
  fs.mkdirSync(dir, { recursive: true });
  git(dir, 'init', '-q', '-b', 'main');
  write(dir, 'src/a.ts', 'export const a = 1;\n');
  write(dir, 'src/b.ts', 'export const b = 2;\n');
  commitAll(dir, 'initial');
  write(dir, 'src/a.ts', 'export const a = 42;\n');
  write(dir, 'src/notes.md', '# notes not yet committed\n');
  write(dir, 'src/draft/idea.ts', 'export {};\n');
  return { folder: 'src', untracked: ['src/notes.md', 'src/draft/idea.ts'], modified: ['src/a.ts'] };
}

/**
 * Makes `dir` a clone of a bare "remote" (in `remoteDir`, no network) whose origin/main
 * holds two commits the local main lacks, with the remote-tracking ref fetched:
 * `git push --force origin main` (or `git push -f`) in `dir` would drop `dropped`.
 */
export function divergedCloneFixture(dir: string, remoteDir = fs.mkdtempSync(path.join(os.tmpdir(), 'twokey-remote-'))): { remote: string; dropped: string[] } {
  git(remoteDir, 'init', '-q', '--bare', '-b', 'main');
  fs.mkdirSync(dir, { recursive: true });
  git(dir, 'init', '-q', '-b', 'main');
  write(dir, 'app.txt', 'v1\n');
  commitAll(dir, 'initial');
  git(dir, 'remote', 'add', 'origin', remoteDir);
  git(dir, 'push', '-q', '-u', 'origin', 'main');
  const other = fs.mkdtempSync(path.join(os.tmpdir(), 'twokey-colleague-'));
  git(other, 'clone', '-q', remoteDir, '.');
  const dropped = ['colleague: fix the login page', 'colleague: add the audit export'];
  dropped.forEach((subject, i) => {
    write(other, 'app.txt', `v${i + 2}\n`);
    commitAll(other, subject);
  });
  git(other, 'push', '-q', 'origin', 'main');
  fs.rmSync(other, { recursive: true, force: true });
  git(dir, 'fetch', '-q', 'origin');
  write(dir, 'app.txt', 'mine\n');
  commitAll(dir, 'mine: rewrite the app');
  return { remote: remoteDir, dropped };
}

/** The tab of the panel beside the modal ("TwoKey: what would be lost"). */
export function previewTab(page: Page): Locator {
  return page.locator('.tabs-container .tab', { hasText: PREVIEW_TITLE }).first();
}

/**
 * Waits for the panel beside the modal to show text matching `pattern` (whitespace
 * collapsed); returns that text. The panel is a webview: its document is a frame of the page.
 */
export async function waitForPreviewText(page: Page, pattern: RegExp, timeout = 30_000): Promise<string> {
  const end = Date.now() + timeout;
  let last = '';
  for (;;) {
    for (const f of page.frames()) {
      try {
        if ((await f.locator('#title', { hasText: 'What would be lost' }).count()) === 0) continue;
        last = (await f.locator('main').innerText({ timeout: 2_000 })).replace(/[\s\u00a0]+/g, ' ');
        if (pattern.test(last)) return last;
      } catch {
        /* a frame that went away or is still loading */
      }
    }
    if (Date.now() > end) throw new Error(`the panel never matched ${pattern}; it showed:\n${last}`);
    await page.waitForTimeout(250);
  }
}
