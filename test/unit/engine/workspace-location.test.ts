/**
 * Where the workspace lives must not change what a delete inside it means: a project kept
 * under /tmp is still a project, and deleting the folder that holds it is critical.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { check } from './helpers';

const TMP_WS = '/tmp/scratch-project';

test('a source folder of a workspace under /tmp is not temporary', async () => {
  const v = await check('rm -rf victim', { cwd: TMP_WS, workspaceRoot: TMP_WS });
  assert.equal(v.decision, 'ask');
  assert.ok(v.rules.includes('fs.rm.recursive'), v.rules.join());
});

test('build folders of a workspace under /tmp are still regenerable', async () => {
  const v = await check('rm -rf node_modules dist', { cwd: TMP_WS, workspaceRoot: TMP_WS });
  assert.equal(v.decision, 'allow');
});

test('deleting the temp folder that holds the workspace is as bad as deleting its root', async () => {
  const v = await check('rm -rf /tmp', { cwd: TMP_WS, workspaceRoot: TMP_WS });
  assert.equal(v.decision, 'ask');
  assert.ok(['high', 'critical'].includes(v.risk));
});

test('other temp folders outside the workspace stay low risk', async () => {
  const v = await check('rm -rf /tmp/build-cache-123', { cwd: TMP_WS, workspaceRoot: TMP_WS });
  assert.equal(v.decision, 'allow');
});
