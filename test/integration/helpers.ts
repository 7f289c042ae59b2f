/** What every in-host test needs: the extension's API, the workspace, waiting, the audit log. */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as vscode from 'vscode';

export const EXT_ID = 'twokey.twokey';

/** The API the extension returns from `activate` (each test names the part it uses). */
export async function api<T = { auditFile?: string }>(): Promise<T> {
  const ext = vscode.extensions.getExtension<T>(EXT_ID);
  assert.ok(ext, 'the TwoKey extension is installed');
  return ext.isActive ? ext.exports : await ext.activate();
}

export function ws(): string {
  const f = vscode.workspace.workspaceFolders?.[0];
  assert.ok(f, 'a workspace folder is open');
  return f.uri.fsPath;
}

/** Polls `fn` until it gives something other than undefined or false. */
export async function waitFor<T>(
  what: string | (() => string),
  fn: () => T | undefined | false | Promise<T | undefined | false>,
  ms = 30_000,
): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined && v !== false) return v as T;
    if (Date.now() > end) throw new Error(`timed out waiting for ${typeof what === 'string' ? what : what()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The records of the workspace's audit log, oldest first. */
export function records(a: { auditFile?: string }): Array<Record<string, unknown>> {
  if (!a.auditFile || !fs.existsSync(a.auditFile)) return [];
  return fs.readFileSync(a.auditFile, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));
}
