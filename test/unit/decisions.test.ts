/**
 * The decision path every door shares: a verdict, a person behind a port, a record, and the
 * line an agent reads. Real engine, real audit log in a temp folder.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DecisionService, refusal, type Answer, type Approver } from '../../src/core/decisions';
import { createEngine } from '../../src/core/engine';
import { AuditLog, MemoryHeadStore } from '../../src/core/audit';

async function setup(answer: Answer | Error) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'twokey-dec-'));
  const engine = await createEngine();
  const audit = new AuditLog({ dir: path.join(dir, '.twokey'), headStore: new MemoryHeadStore(), fsync: false });
  const asked: string[] = [];
  const approver: Approver = {
    ask: async (r) => {
      asked.push(r.command);
      if (answer instanceof Error) throw answer;
      return answer;
    },
  };
  const svc = new DecisionService(() => engine, approver, () => audit);
  const decide = (command: string) => svc.decide({ command, cwd: dir, workspaceRoot: dir, home: '/home/nobody', source: 'terminal', origin: 'test' });
  const records = () => [...audit.read({})].reverse();
  return { decide, records, asked };
}

test('a harmless command is allowed without asking and leaves no record', async () => {
  const s = await setup('deny');
  const r = await s.decide('ls -la');
  assert.equal(r.decision, 'allow');
  assert.deepEqual(s.asked, []);
  assert.equal(s.records().length, 0);
});

test('a destructive command asks; a denial refuses with one TwoKey: line and a denied record', async () => {
  const s = await setup('deny');
  const r = await s.decide('rm -rf src');
  assert.equal(r.decision, 'deny');
  assert.deepEqual(s.asked, ['rm -rf src']);
  assert.match(r.message, /^TwoKey: refused `rm -rf src` in an unknown environment \(treated as production\) \(fs\.rm\.recursive, high risk\)/);
  assert.match(r.message, /a person denied it/);
  assert.match(r.message, /Do not retry it or work around it/);
  assert.ok(!r.message.includes('\n'), 'one line');
  const [rec] = s.records();
  assert.equal(rec.decision, 'denied');
  assert.equal(rec.decidedBy, 'human');
  assert.deepEqual(rec.rules, ['fs.rm.recursive']);
});

test('an approval runs it and is recorded as allowed by a human', async () => {
  const s = await setup('allow');
  const r = await s.decide('rm -rf src');
  assert.equal(r.decision, 'allow');
  const [rec] = s.records();
  assert.equal(rec.decision, 'allowed');
  assert.equal(rec.decidedBy, 'human');
});

test('no answer before the deadline is a refusal recorded as timed-out', async () => {
  const s = await setup('timed-out');
  const r = await s.decide('git push --force origin main');
  assert.equal(r.decision, 'deny');
  assert.match(r.message, /nobody answered/);
  assert.equal(s.records()[0].decision, 'timed-out');
  assert.equal(s.records()[0].decidedBy, 'timeout');
});

test('a prompt that cannot be shown refuses, and the refusal is on record', async () => {
  const s = await setup(new Error('no UI'));
  const r = await s.decide('rm -rf src');
  assert.equal(r.decision, 'deny');
  assert.match(r.message, /could not show its approval prompt/);
  assert.equal(s.records()[0].decision, 'denied');
});

test('secrets in a refused command are masked in the message and the record', async () => {
  const s = await setup('deny');
  const cmd = 'curl -X DELETE -H "Authorization: Bearer sk_live_abcdefghijklmnop1234" https://api.example.com/v1/volumes/1';
  const r = await s.decide(cmd);
  assert.ok(!r.message.includes('sk_live_abcdefghijklmnop1234'));
  assert.ok(!JSON.stringify(s.records()).includes('sk_live_abcdefghijklmnop1234'));
});

test('refusal flattens multi-line commands to one line', async () => {
  const { verdict } = await (await setup('deny')).decide('rm -rf src');
  assert.ok(!refusal('rm -rf a\nrm -rf b', verdict, 'x').includes('\n'));
});

test('while paused a risky command runs and is still recorded; a policy deny still refuses', async () => {
  const { Protection } = await import('../../src/core/protection');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'twokey-pause-'));
  const engine = await createEngine({
    overrides: (hits) => hits.map((h) => (h.id.startsWith('git.') ? { ...h, decision: 'deny' as const } : h)),
  });
  const audit = new AuditLog({ dir: path.join(dir, '.twokey'), headStore: new MemoryHeadStore(), fsync: false });
  let now = 1_000_000;
  const protection = new Protection(() => now);
  const asked: string[] = [];
  const svc = new DecisionService(() => engine, { ask: async (r) => (asked.push(r.command), 'deny') }, () => audit, undefined, protection);
  const decide = (command: string) => svc.decide({ command, cwd: dir, workspaceRoot: dir, source: 'terminal', origin: 't' });
  protection.pauseFor(60_000, 'alice');
  assert.equal((await decide('rm -rf src')).decision, 'allow');
  assert.deepEqual(asked, [], 'nobody was asked during the pause');
  assert.equal((await decide('git push --force origin main')).decision, 'deny', 'the pause does not lift a policy deny');
  now += 61_000;
  assert.equal(protection.paused(), undefined, 'the pause expires by itself');
  assert.equal((await decide('rm -rf src')).decision, 'deny');
  assert.deepEqual(asked, ['rm -rf src']);
  const recs = [...audit.read({})].reverse();
  assert.equal(recs[0].decision, 'allowed');
  assert.match(String(recs[0].reason), /paused by alice/);
  protection.dispose();
});
