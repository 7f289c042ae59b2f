/**
 * A workspace policy seen for the first time that loosens the defaults (a cloned repository,
 * a trusted folder) waits for a person like any later loosening: through the policy gate, a
 * real workspace engine keeps deciding with the defaults until the policy is kept.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PolicyGate, SnapshotStore } from '../../../src/core/credentials';
import { createWorkspaceEngine } from '../../../src/core/workspaceEngine';

test('first-seen loosening policy: the engine decides with the defaults until a person keeps it', async () => {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'twokey-first-'));
  const root = path.join(base, 'repo');
  const policyFile = path.join(root, '.twokey', 'policy.json');
  fs.mkdirSync(path.dirname(policyFile), { recursive: true });
  fs.mkdirSync(path.join(root, 'src'));
  const loose = '{"overrides":[{"rule":"fs.*","decision":"allow"}]}';
  fs.writeFileSync(policyFile, loose);
  const ws = await createWorkspaceEngine({ workspaceRoot: root, trusted: true, homeDir: base, hostEnv: {} });
  const check = () => ws.engine.check({ command: 'rm -rf src', cwd: root, workspaceRoot: root, home: base, env: {} }).decision;
  assert.equal(check(), 'allow', 'without the gate the clone loosens the defaults silently');

  const store = new SnapshotStore(path.join(base, 'approved'));
  const gate = new PolicyGate(store);
  ws.setPolicySource((f) => gate.policyText(f));
  ws.reload({});
  assert.notEqual(check(), 'allow', 'with the gate in place the defaults decide');
  assert.ok(gate.isPending(policyFile), 'and a person is asked');
  const asked: string[] = [];
  gate.onPending((f) => asked.push(f));
  assert.deepEqual(asked, [policyFile], 'a watch that registers later still hears of it');

  // A policy that only tightens is not held back on first sight.
  const strict = path.join(base, 'strict', '.twokey', 'policy.json');
  fs.mkdirSync(path.dirname(strict), { recursive: true });
  fs.writeFileSync(strict, '{"overrides":[{"rule":"fs.*","decision":"deny"}]}');
  assert.equal(gate.policyText(strict), undefined);

  // Kept: approved as it is on disk, and it applies.
  store.approve(policyFile, fs.readFileSync(policyFile));
  gate.settled(policyFile);
  ws.reload({});
  assert.equal(check(), 'allow');
});
