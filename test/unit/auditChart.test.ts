/** The audit view's chart: decisions per UTC day, by decision and by environment. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DailyCounts } from '../../src/ui/auditViewHtml';

test('records are counted per UTC day, by decision and environment, oldest day first', () => {
  const d = new DailyCounts();
  d.add([
    { ts: '2026-11-30T23:59:59.000Z', decision: 'denied', environment: 'production' },
    { ts: '2026-11-29T10:00:00.000Z', decision: 'allowed', environment: 'development' },
    { ts: '2026-11-30T00:00:00.000Z', decision: 'allowed', environment: 'production' },
    { ts: 'not a time', decision: 'allowed', environment: 'production' },
  ]);
  const days = d.latest();
  assert.deepEqual(days.map((x) => x.day), ['2026-11-29', '2026-11-30']);
  assert.equal(days[1].total, 2);
  assert.deepEqual(days[1].decision, { denied: 1, allowed: 1 });
  assert.deepEqual(days[1].environment, { production: 2 });
  assert.equal(d.latest(1).length, 1);
  assert.equal(d.latest(1)[0].day, '2026-11-30');
});
