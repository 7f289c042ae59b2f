/**
 * The audit chain key in a real VS Code server: where the editor could keep it (the keychain
 * through SecretStorage, and the state folder's 0600 file), records the editor writes are
 * sealed with it, and the CLI, reading only the state folder, verifies them.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import * as vscode from 'vscode';
import { api as apiOf, records, ws, waitFor } from './helpers';

interface Api {
  auditFile: string | undefined;
  auditKeyKept: string;
}

describe('audit chain key', function () {
  this.timeout(60_000);

  it('the editor seals its records with the state folder key, and the CLI verifies them', async function () {
    const a = await apiOf<Api>();
    assert.ok(a.auditFile);
    // What this server's SecretStorage did with the key is reported, never silently dropped.
    assert.ok(['keychain and file', 'file only'].includes(a.auditKeyKept), a.auditKeyKept);
    if (this.test) this.test.title += ` (this server keeps the key in: ${a.auditKeyKept})`;
    const stateDir = process.env.TWOKEY_STATE_DIR ?? path.join(process.env.XDG_STATE_HOME ?? path.join(os.homedir(), '.local', 'state'), 'twokey');
    const keyFile = path.join(stateDir, 'audit-key');
    assert.ok(fs.existsSync(keyFile), `${keyFile} exists`);
    assert.equal(fs.statSync(keyFile).mode & 0o777, 0o600);
    const t = await vscode.commands.executeCommand<{ recordApproval(command: string, cwd: string): Promise<unknown> }>('_twokey.testing.credentials');
    assert.ok(t);
    const before = records(a).length;
    await t.recordApproval('echo sealed-by-the-editor', ws());
    const rec = await waitFor('the record', () => records(a).slice(before).find((r) => r.command === 'echo sealed-by-the-editor'));
    assert.match(String(rec.key), /^[0-9a-f]{16}$/);
    const cli = path.join(vscode.extensions.getExtension('twokey.twokey')!.extensionPath, 'dist', 'cli.js');
    const r = spawnSync(process.execPath, [cli, 'audit', 'verify', a.auditFile], { encoding: 'utf8', env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' } });
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /^OK: \d+ record\(s\)/);
    assert.match(r.stdout, /sealed with the chain key/);
  });
});
