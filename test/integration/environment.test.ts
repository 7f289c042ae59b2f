/**
 * The environment badge follows real signals in a real VS Code: a `.env` written on disk
 * and a kubeconfig context switch change it without a reload.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';

interface Api {
  environment(): { environment: string; evidence: { signal: string; value: string; environment: string }[] };
  badge(): { text: string; tooltip: string };
}

async function api(): Promise<Api> {
  const ext = vscode.extensions.getExtension<Api>('twokey.twokey')!;
  return ext.isActive ? ext.exports : await ext.activate();
}

async function waitFor(what: string, fn: () => boolean, ms = 10_000): Promise<number> {
  const start = Date.now();
  while (!fn()) {
    if (Date.now() - start > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return Date.now() - start;
}

describe('the environment badge', () => {
  const ws = () => vscode.workspace.workspaceFolders![0].uri.fsPath;

  after(() => {
    fs.rmSync(path.join(ws(), '.env'), { force: true });
    if (process.env.KUBECONFIG) fs.rmSync(process.env.KUBECONFIG, { force: true });
  });

  it('starts unknown (treated as production) when nothing places the workspace', async () => {
    const a = await api();
    assert.equal(a.environment().environment, 'unknown');
    assert.match(a.badge().text, /unknown/);
    assert.match(a.badge().tooltip, /treated as production/);
  });

  it('follows a .env written on disk', async () => {
    const a = await api();
    fs.writeFileSync(path.join(ws(), '.env'), 'NODE_ENV=development\nDATABASE_URL=postgres://u:pw@localhost:5432/app\n');
    const ms = await waitFor('the badge to show development', () => /development/.test(a.badge().text));
    console.log(`      (.env change reached the badge in ${ms} ms)`);
    assert.equal(a.environment().environment, 'development');
    assert.match(a.badge().tooltip, /NODE_ENV/);
    assert.ok(!a.badge().tooltip.includes('pw@'), 'no password in the tooltip');
  });

  it('follows a kubeconfig context switch to production', async () => {
    const a = await api();
    const kube = process.env.KUBECONFIG;
    assert.ok(kube, 'the harness gives the host a kubeconfig of its own');
    fs.mkdirSync(path.dirname(kube), { recursive: true });
    fs.writeFileSync(
      kube,
      [
        'apiVersion: v1',
        'kind: Config',
        'current-context: prod-eu',
        'contexts:',
        '- name: prod-eu',
        '  context: { cluster: prod-eu, user: admin }',
        'clusters:',
        '- name: prod-eu',
        '  cluster: { server: "https://k8s.prod.example.com" }',
        '',
      ].join('\n'),
    );
    const ms = await waitFor('the badge to show production', () => /production/.test(a.badge().text));
    console.log(`      (kubeconfig change reached the badge in ${ms} ms)`);
    assert.equal(a.environment().environment, 'production');
    assert.match(a.badge().tooltip, /kubeconfig/);
  });
});
