import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { AuditLog, AuditViewModel } from '../../../src/core/audit';
import { entry, tmpDir } from './helpers';

test('view model: newest first, paging, filters, search, live records, detail', async () => {
  const log = new AuditLog({ dir: path.join(tmpDir(), '.twokey') });
  for (let i = 1; i <= 30; i++) await log.append(entry(i, i === 7 ? { command: 'terraform destroy -auto-approve', source: 'claude-code' } : {}));
  const m = new AuditViewModel();
  const all = [...log.read()];
  m.addOlder(all.slice(0, 10));
  m.addOlder(all.slice(10));
  assert.equal(m.size, 30);
  assert.equal(m.maxSeq, 30);
  assert.equal(m.minSeq, 1);

  let p = m.query({}, 0, 5);
  assert.equal(p.total, 30);
  assert.deepEqual(
    p.rows.map((r) => r.seq),
    [30, 29, 28, 27, 26],
  );
  assert.deepEqual(Object.keys(p.rows[0]).sort(), ['command', 'decidedBy', 'decision', 'environment', 'id', 'risk', 'seq', 'source', 'ts']);
  p = m.query({}, 28, 10);
  assert.deepEqual(
    p.rows.map((r) => r.seq),
    [2, 1],
  );

  p = m.query({ decision: 'denied' }, 0, 100);
  assert.deepEqual(
    p.rows.map((r) => r.seq),
    [28, 24, 20, 16, 12, 8, 4],
  );
  p = m.query({ decision: 'denied', environment: 'production' }, 0, 100);
  assert.deepEqual(
    p.rows.map((r) => r.seq),
    [24, 12],
  );
  assert.equal(p.loaded, 30);
  p = m.query({ text: 'TERRAFORM destroy' }, 0, 100);
  assert.deepEqual(
    p.rows.map((r) => r.seq),
    [7],
  );
  assert.equal(m.query({ source: 'claude-code' }, 0, 10).total, 1);
  assert.equal(m.query({ risk: 'high' }, 0, 100).total, 15);

  await log.append(entry(31, { decision: 'denied' }));
  m.addNewer(log.readSince(m.maxSeq));
  assert.equal(m.maxSeq, 31);
  assert.equal(m.query({}, 0, 1).rows[0].seq, 31);
  assert.equal(m.query({ decision: 'denied' }, 0, 1).rows[0].seq, 31, 'filter cache refreshed');
  assert.equal(m.find(all[5].id)?.seq, 25);
  assert.equal(m.find('nope'), undefined);
  assert.deepEqual(m.values('decision'), ['allowed', 'denied']);
});

test('view model: long commands are cut for the table only', () => {
  const m = new AuditViewModel();
  const long = 'x'.repeat(1000);
  m.addOlder([{ ...entry(1), evidence: [], rules: [], cwd: '', environment: 'unknown', risk: 'none', decidedBy: 'policy', durationMs: 0, seq: 1, id: 'a', ts: '', prev: '', hash: '', command: long }]);
  assert.equal(m.query({}, 0, 1).rows[0].command.length, 401);
  assert.equal(m.find('a')?.command.length, 1000);
});
