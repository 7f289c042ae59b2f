/** The policy gate's pending notice is an event: every listener hears it, and one can leave. */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PolicyGate, SnapshotStore } from '../../../src/core/credentials';

test('two listeners both hear a new loosening; a disposed one hears no more; a late one hears what is pending', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'twokey-gate-'));
  const store = new SnapshotStore(path.join(dir, 'snaps'));
  const a = path.join(dir, 'a.json');
  const b = path.join(dir, 'b.json');
  const strict = '{"overrides":[{"rule":"fs.*","decision":"ask"}]}';
  const loose = '{"overrides":[{"rule":"fs.*","decision":"allow"}]}';
  for (const f of [a, b]) {
    fs.writeFileSync(f, strict);
    store.approve(f, strict);
  }
  const gate = new PolicyGate(store);
  const first: string[] = [];
  const second: string[] = [];
  const sub = gate.onPending((f) => first.push(f));
  gate.onPending((f) => second.push(f));
  fs.writeFileSync(a, loose);
  gate.policyText(a);
  assert.deepEqual(first, [a]);
  assert.deepEqual(second, [a], 'the second listener does not replace the first');
  sub.dispose();
  fs.writeFileSync(b, loose);
  gate.policyText(b);
  assert.deepEqual(first, [a], 'the disposed listener hears nothing more');
  assert.deepEqual(second, [a, b]);
  const late: string[] = [];
  gate.onPending((f) => late.push(f));
  assert.deepEqual(late.sort(), [a, b].sort(), 'a new listener is told what is pending now');
});
