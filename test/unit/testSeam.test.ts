/**
 * The test port that stands in for the person (questions answered by in-host tests, a
 * command that records "a human allowed") is only in the integration tier's build: the
 * product bundle, built exactly as `npm run package` builds it, has none of it, while the
 * test build does (so the check below cannot pass by looking for the wrong strings).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const SEAMS = ['TWOKEY_TEST_PROMPTS', '_twokey.testing', 'approved in a test'];

function bundle(flag: string): string {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'twokey-build-'));
  try {
    const r = spawnSync(process.execPath, ['scripts/build.mjs', flag], { cwd: ROOT, env: { ...process.env, TWOKEY_BUILD_OUT: out }, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    return fs.readFileSync(path.join(out, 'extension.js'), 'utf8');
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
}

test('the product bundle has no test port; the test build has it', () => {
  const product = bundle('--production');
  for (const s of SEAMS) assert.ok(!product.includes(s), `the product bundle does not contain ${s}`);
  const testBuild = bundle('--test');
  for (const s of SEAMS) assert.ok(testBuild.includes(s), `the test build contains ${s}`);
});
