/** The safer alternatives the prompt offers, on real verdicts of the engine. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { saferAlternatives } from '../../src/core/alternatives';
import { createEngine } from '../../src/core/engine';

const WS = '/home/dev/app';
async function alts(command: string) {
  const e = await createEngine();
  return saferAlternatives(command, e.check({ command, cwd: WS, workspaceRoot: WS, home: '/home/dev' }));
}

test('rm -rf of workspace folders can go to the trash instead', async () => {
  const a = await alts('rm -rf src docs');
  assert.deepEqual(a, [{ kind: 'trash', label: 'Move to trash instead', paths: [`${WS}/src`, `${WS}/docs`] }]);
});

test('no trash for the root, the home folder or the workspace root', async () => {
  for (const c of ['rm -rf /', 'rm -rf ~', `rm -rf ${WS}`]) assert.deepEqual(await alts(c), [], c);
});

test('a force push is offered with --force-with-lease, +refspecs included', async () => {
  assert.deepEqual(await alts('git push --force origin main'), [
    { kind: 'command', label: 'Use --force-with-lease', command: 'git push --force-with-lease origin main' },
  ]);
  assert.equal(((await alts('git push -f origin main'))[0] as { command: string }).command, 'git push --force-with-lease origin main');
  assert.equal(((await alts('git push origin +main'))[0] as { command: string }).command, 'git push --force-with-lease origin main');
});

test('nothing is offered for compound lines or other rules', async () => {
  assert.deepEqual(await alts('git push --force origin main && rm -rf src'), []);
  assert.deepEqual(await alts('terraform destroy -auto-approve'), []);
  assert.deepEqual(await alts('ls'), []);
});
