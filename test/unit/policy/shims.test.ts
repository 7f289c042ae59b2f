import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DEFAULT_POLICY, DEFAULT_SHIMS, parsePolicy, shimNames } from '../../../src/core/policy';
import { DEFAULT_SHIMS as WRITER_DEFAULT } from '../../../src/intercept/shims';

const ROOT = path.resolve(__dirname, '..', '..', '..', '..');
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));

describe('one default shim list', () => {
  test("the manifest's default of twokey.shims is the list", () => {
    assert.deepEqual(pkg.contributes.configuration.properties['twokey.shims'].default, [...DEFAULT_SHIMS]);
  });

  test('the policy defaults and the shim writer use the list', () => {
    assert.deepEqual(DEFAULT_POLICY.shims, [...DEFAULT_SHIMS]);
    assert.equal(WRITER_DEFAULT, DEFAULT_SHIMS);
  });

  test('every default name is one the manifest setting accepts', () => {
    const re = new RegExp(pkg.contributes.configuration.properties['twokey.shims'].items.pattern);
    for (const n of DEFAULT_SHIMS) assert.match(n, re);
    assert.equal(new Set(DEFAULT_SHIMS).size, DEFAULT_SHIMS.length, 'no duplicates');
  });
});

describe("the policy's shims are written", () => {
  const setting = [...DEFAULT_SHIMS];

  test('with no policy: the setting', () => {
    assert.deepEqual(shimNames(setting, DEFAULT_POLICY), setting);
  });

  test("a workspace policy adds shims, trusted or not", () => {
    for (const trusted of [true, false]) {
      const { policy, diagnostics } = parsePolicy('{ "shims": ["pscale", "neonctl"] }', { trusted });
      assert.deepEqual(diagnostics, []);
      const names = shimNames(setting, policy);
      assert.deepEqual(names, [...setting, 'pscale', 'neonctl']);
    }
  });

  test('a trusted policy removes a default with "!name"; an untrusted one cannot', () => {
    const text = '{ "shims": ["!docker"] }';
    assert.ok(!shimNames(setting, parsePolicy(text, { trusted: true }).policy).includes('docker'));
    assert.ok(shimNames(setting, parsePolicy(text, { trusted: false }).policy).includes('docker'));
  });

  test("the setting narrows the defaults; the policy's additions still come", () => {
    const { policy } = parsePolicy('{ "shims": ["pscale"] }', { trusted: true });
    assert.deepEqual(shimNames(['psql'], policy), ['psql', 'pscale']);
  });

  test('an empty setting turns shims off, whatever the policy says', () => {
    const { policy } = parsePolicy('{ "shims": ["pscale"] }', { trusted: true });
    assert.deepEqual(shimNames([], policy), []);
  });
});
