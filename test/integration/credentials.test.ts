/**
 * Credential and guard files in a real VS Code: an `.env` rewritten on disk (as an agent
 * would) brings the question with a masked diff, and Revert restores it byte for byte; a
 * change made by an approved command is not asked twice; a loosening of the policy does not
 * apply until it is kept; a masked production variable is absent in a new terminal and
 * present in an elevated one. The host runs with TWOKEY_TEST_PROMPTS=1, so the questions go
 * to a port these tests answer (the test host refuses modals).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { api as apiOf, records, ws, waitFor } from './helpers';

const api = () => apiOf<Api>();

interface Question {
  id: number;
  kind: 'modal' | 'pick' | 'input';
  message: string;
  detail: string;
  items: string[];
}

interface Testing {
  pending(): Question[];
  answer(id: number, value: string | undefined): boolean;
  diffs(): Array<{ left: string; right: string; title: string }>;
  maskedNames(): string[];
  snapshotDir: string;
  recordApproval(command: string, cwd: string): Promise<unknown>;
}

interface Api {
  auditFile: string | undefined;
  refreshEnvironment(): void;
  engine: { check(req: { command: string; cwd?: string; workspaceRoot?: string; env?: Record<string, string> }): { decision: string; rules: string[] } };
}

const SECRETS = ['s3cr3t-0ld-Passw0rd', 'n3w-Passw0rd-fr0m-agent', 'sk_live_51HoldOLDoldOLDoldOLDold', 'sk_live_51HnewNEWnewNEWnewNEWnew', 'itest-Pr0d-s3cret-value'];

async function testing(): Promise<Testing> {
  await api();
  const t = await vscode.commands.executeCommand<Testing>('_twokey.testing.credentials');
  assert.ok(t, 'the host runs with TWOKEY_TEST_PROMPTS=1');
  return t;
}

function question(t: Testing, kind: Question['kind'], text: string): () => Question | undefined {
  return () => t.pending().find((q) => q.kind === kind && (q.message + q.detail).includes(text));
}

describe('credential and guard files', function () {
  this.timeout(90_000);
  const envFile = () => path.join(ws(), '.env');
  const prodFile = () => path.join(ws(), '.env.production');
  const policyFile = () => path.join(ws(), '.twokey', 'policy.json');

  after(async () => {
    const t = await testing();
    for (const f of [envFile(), prodFile(), policyFile()]) fs.rmSync(f, { force: true });
    // Answer what is left (the deletions just made included), then let the badge follow.
    const end = Date.now() + 3000;
    while (Date.now() < end) {
      for (const q of t.pending()) t.answer(q.id, q.kind === 'modal' ? 'Keep' : undefined);
      await new Promise((r) => setTimeout(r, 200));
    }
    (await api()).refreshEnvironment();
  });

  it('asks about an .env rewritten on disk with a masked diff, and Revert restores it byte for byte', async () => {
    const t = await testing();
    const a = await api();
    // The first version appears (created on disk) and a person keeps it.
    const original = Buffer.from('NODE_ENV=staging\r\nDATABASE_URL=postgres://app:s3cr3t-0ld-Passw0rd@db.staging.example.com:5432/app\r\nSTRIPE_SECRET_KEY=sk_live_51HoldOLDoldOLDoldOLDold\r\n# no final newline', 'utf8');
    fs.writeFileSync(envFile(), original);
    const created = await waitFor('the question about the new .env', question(t, 'modal', '.env was changed on disk'));
    t.answer(created.id, 'Keep');

    // An agent rewrites it to point at production.
    await new Promise((r) => setTimeout(r, 500));
    fs.writeFileSync(envFile(), 'NODE_ENV=production\nDATABASE_URL=postgres://app:n3w-Passw0rd-fr0m-agent@db.prod.example.com:5432/app\nSTRIPE_SECRET_KEY=sk_live_51HnewNEWnewNEWnewNEWnew\n');
    const q = await waitFor('the question about the rewritten .env', question(t, 'modal', 'DATABASE_URL'));
    assert.match(q.message, /^TwoKey: /);
    assert.match(q.message, /It now points at production \(was staging\)/);
    assert.deepEqual(q.items, ['Keep', 'Revert', 'Show diff']);
    assert.match(q.detail, /DATABASE_URL: postgres:\/\/db\.staging\.example\.com:5432\/app → postgres:\/\/db\.prod\.example\.com:5432\/app/);
    assert.match(q.detail, /STRIPE_SECRET_KEY: sk_live_\*\*\*\* \(value changed\)/);
    for (const s of SECRETS) assert.ok(!q.detail.includes(s) && !q.message.includes(s), `no ${s} in the question`);

    // Show diff opens the masked side-by-side view, then asks again.
    t.answer(q.id, 'Show diff');
    const diff = await waitFor('the masked diff', () => t.diffs().find((d) => d.title.includes('.env')));
    assert.match(diff.left, /NODE_ENV=staging/);
    assert.match(diff.right, /NODE_ENV=production/);
    for (const s of SECRETS) assert.ok(!diff.left.includes(s) && !diff.right.includes(s), `no ${s} in the diff`);
    const tab = await waitFor('the diff editor', () =>
      vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((x) => x.input instanceof vscode.TabInputTextDiff && x.input.modified.scheme === 'twokey-masked'),
    );
    const input = tab.input as vscode.TabInputTextDiff;
    const shown = [await vscode.workspace.openTextDocument(input.original), await vscode.workspace.openTextDocument(input.modified)];
    assert.match(shown[1].getText(), /db\.prod\.example\.com/, 'the editor shows the masked document');
    for (const d of shown) for (const s of SECRETS) assert.ok(!d.getText().includes(s), `no ${s} in the diff editor`);

    const again = await waitFor('the question after the diff', () => t.pending().find((x) => x.kind === 'modal' && x.id !== q.id && x.detail.includes('DATABASE_URL')));
    t.answer(again.id, 'Revert');
    await waitFor('the revert', () => fs.readFileSync(envFile()).equals(original));
    assert.ok(fs.readFileSync(envFile()).equals(original), 'byte for byte, CRLF and no final newline');

    const recs = await waitFor('the revert on record', () => {
      const r = records(a).filter((x) => x.source === 'file-watch' && x.command === '.env changed');
      return r.some((x) => x.decision === 'denied') ? r : undefined;
    });
    assert.ok(recs.some((x) => x.decision === 'allowed' && x.decidedBy === 'human'), 'the keep is on record');
    const text = fs.readFileSync(a.auditFile!, 'utf8');
    for (const s of SECRETS) assert.ok(!text.includes(s), `no ${s} in the audit log`);
    // The approved copy is kept outside the workspace, private.
    assert.ok(!t.snapshotDir.startsWith(ws()));
    assert.equal(fs.statSync(t.snapshotDir).mode & 0o777, 0o700);
    for (const f of fs.readdirSync(t.snapshotDir)) assert.equal(fs.statSync(path.join(t.snapshotDir, f)).mode & 0o777, 0o600);
  });

  it('does not ask twice about a change made by a command a person approved', async () => {
    const t = await testing();
    const a = await api();
    fs.writeFileSync(prodFile(), 'NODE_ENV=production\nDATABASE_URL=postgres://app:n3w-Passw0rd-fr0m-agent@db.prod.example.com:5432/app\n');
    const q = await waitFor('the question about .env.production', question(t, 'modal', '.env.production was changed'));
    t.answer(q.id, 'Keep');
    await waitFor('the keep on record', () => records(a).some((r) => r.command === '.env.production changed' && r.decision === 'allowed'));

    // A person approves `cp .env.production .env` (recorded as the decision service records it); it runs.
    await t.recordApproval('cp .env.production .env', ws());
    fs.copyFileSync(prodFile(), envFile());
    const rec = await waitFor('the explained change on record', () =>
      records(a).find((r) => r.source === 'file-watch' && r.command === '.env changed' && String(r.reason).includes('cp .env.production .env')),
    );
    assert.equal(rec.decision, 'allowed');
    assert.equal(rec.decidedBy, 'human');
    assert.equal(rec.environment, 'production');
    await new Promise((r) => setTimeout(r, 1000));
    assert.equal(t.pending().filter((x) => x.kind === 'modal' && x.message.includes(' .env was')).length, 0, 'no second question');
  });

  it('does not apply a loosened policy until a person keeps it', async () => {
    const t = await testing();
    const a = await api();
    const check = () => a.engine.check({ command: 'rm -rf victim', cwd: ws(), workspaceRoot: ws(), env: {} }).decision;
    fs.mkdirSync(path.dirname(policyFile()), { recursive: true });
    // Tightening applies at once, without a question.
    fs.writeFileSync(policyFile(), JSON.stringify({ overrides: [{ rule: 'fs.rm.recursive', decision: 'deny' }] }, null, 2));
    await waitFor('the tightened policy', () => check() === 'deny');
    await waitFor('the tightening on record', () => records(a).some((r) => r.command === '.twokey/policy.json changed' && r.decision === 'observed'));

    fs.writeFileSync(policyFile(), JSON.stringify({ overrides: [{ rule: 'fs.rm.recursive', decision: 'allow' }] }, null, 2));
    const q = await waitFor('the loosening question', question(t, 'modal', 'policy.json was changed in a way that loosens'));
    assert.match(q.detail, /"fs\.rm\.recursive" went from "deny" to "allow"/);
    await new Promise((r) => setTimeout(r, 1000));
    assert.equal(check(), 'deny', 'the loosened policy does not apply while the question is open');

    t.answer(q.id, 'Keep');
    await waitFor('the kept policy', () => check() === 'allow');
    const rec = records(a).find((r) => r.source === 'file-watch' && r.command === '.twokey/policy.json changed' && r.decision === 'allowed');
    assert.ok(rec && (rec.rules as string[]).includes('guard-config.loosening'));

    // Removing an allow tightens: applies at once.
    fs.rmSync(policyFile());
    await waitFor('the defaults again', () => check() === 'ask');
    await waitFor('the removal on record', () => records(a).filter((r) => r.command === '.twokey/policy.json changed' && r.decision === 'observed').length >= 2);
  });

  it('keeps a masked production variable out of new terminals, and gives it to an elevated one', async () => {
    const t = await testing();
    fs.mkdirSync(path.dirname(policyFile()), { recursive: true });
    fs.writeFileSync(policyFile(), JSON.stringify({ maskedVariables: ['ITEST_PROD_*'] }, null, 2));
    await waitFor('the mask', () => t.maskedNames().includes('ITEST_PROD_DB_PASSWORD'));

    const plainOut = path.join(ws(), 'plain-terminal.txt');
    const plain = vscode.window.createTerminal({ name: 'twokey-plain', shellPath: '/bin/bash', cwd: ws() });
    try {
      plain.sendText(`echo "[\${ITEST_PROD_DB_PASSWORD}]" > ${plainOut}`);
      const seen = await waitFor('the plain terminal', () => (fs.existsSync(plainOut) && fs.readFileSync(plainOut, 'utf8').includes(']') ? fs.readFileSync(plainOut, 'utf8') : undefined), 30_000);
      assert.equal(seen.trim(), '[]', 'the secret is not in a new terminal');
    } finally {
      plain.dispose();
      fs.rmSync(plainOut, { force: true });
    }

    void vscode.commands.executeCommand('twokey.elevateTerminal');
    const pick = await waitFor('the time box', question(t, 'pick', 'elevate a terminal'));
    t.answer(pick.id, '5 minutes');
    const typed = await waitFor('the typed confirmation', question(t, 'input', 'Type "elevate"'));
    t.answer(typed.id, 'elevate');
    const elevated = await waitFor('the elevated terminal', () => vscode.window.terminals.find((x) => x.name.startsWith('TwoKey elevated')));
    const outFile = path.join(ws(), 'elevated-terminal.txt');
    try {
      elevated.sendText(`echo "[\${ITEST_PROD_DB_PASSWORD}]" > ${outFile}`);
      const seen = await waitFor('the elevated terminal output', () => (fs.existsSync(outFile) && fs.readFileSync(outFile, 'utf8').includes(']') ? fs.readFileSync(outFile, 'utf8') : undefined), 30_000);
      assert.equal(seen.trim(), '[itest-Pr0d-s3cret-value]');
    } finally {
      elevated.dispose();
      fs.rmSync(outFile, { force: true });
    }
    const a = await api();
    await waitFor('the elevation on record', () => records(a).some((r) => (r.rules as string[]).includes('credentials.elevate') && r.decision === 'allowed'));
    assert.ok(t.maskedNames().includes('ITEST_PROD_DB_PASSWORD'), 'other new terminals stay masked');

    // Un-masking is a loosening: asked, then kept.
    fs.rmSync(policyFile());
    const q = await waitFor('the question about removing the mask', question(t, 'modal', 'no longer kept out of terminals'));
    t.answer(q.id, 'Keep');
    await waitFor('the mask lifted', () => t.maskedNames().length === 0);
  });
});
