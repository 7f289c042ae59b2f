import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { makePolicyOverrides, mergePolicy, type PolicyLayer } from '../../../src/core/policy';
import type { CheckRequest, EnvironmentName, RuleHit } from '../../../src/core/types';

const hit = (id: string, targets: string[] = [], extra: Partial<RuleHit> = {}): RuleHit => ({ id, category: 'filesystem', risk: 'high', reason: 'rule reason', targets, ...extra });
const env = (environment: EnvironmentName) => ({ environment, evidence: [] });
const req = (command: string, extra: Partial<CheckRequest> = {}): CheckRequest => ({ command, cwd: '/w', workspaceRoot: '/w', ...extra });

function overrides(layers: PolicyLayer[], trusted = true) {
  return makePolicyOverrides(mergePolicy(layers, { trusted }));
}

describe('override matching', () => {
  test('rule id glob and decision', () => {
    const apply = overrides([{ source: 'user', policy: { overrides: [{ rule: 'fs.*', decision: 'deny', reason: 'No deletes here.' }] } }]);
    const [a, b] = apply([hit('fs.rm.recursive'), hit('git.push.force')], req('rm -rf x'), env('development'));
    assert.equal(a.decision, 'deny');
    assert.equal(a.reason, 'No deletes here.');
    assert.equal(b.decision, undefined);
    assert.equal(b.reason, 'rule reason');
  });

  test('no overrides returns the hits as they are', () => {
    const hits = [hit('fs.rm')];
    assert.equal(overrides([])(hits, req('rm x'), env('production')), hits);
  });

  test('command globs: "*" spans slashes, whitespace is normalised', () => {
    const apply = overrides([{ source: 'user', policy: { overrides: [{ rule: '*', commands: ['rm -rf ./build*'], decision: 'allow' }] } }]);
    assert.equal(apply([hit('fs.rm.recursive', ['./build/x'])], req('rm   -rf ./build/out/x'), env('development'))[0].decision, 'allow');
    assert.equal(apply([hit('fs.rm.recursive', ['./src'])], req('rm -rf ./src'), env('development'))[0].decision, undefined);
  });

  test('allow with paths needs every target to match; deny needs one', () => {
    const apply = overrides([
      {
        source: 'user',
        policy: {
          overrides: [
            { rule: 'fs.*', paths: ['build/**', 'dist/**'], decision: 'allow' },
            { rule: 'fs.*', paths: ['secrets/**'], decision: 'deny' },
          ],
        },
      },
    ]);
    const [ok] = apply([hit('fs.rm', ['build/a', '/w/dist/b', './build'])], req('rm -rf build/a dist/b build'), env('development'));
    assert.equal(ok.decision, undefined, '"./build" is build, not build/**');
    const [ok2] = apply([hit('fs.rm', ['build/a', '/w/dist/b'])], req('rm -rf build/a /w/dist/b'), env('development'));
    assert.equal(ok2.decision, 'allow');
    assert.equal(ok2.typedConfirmation, false);
    const [mixed] = apply([hit('fs.rm', ['build/a', '/etc/passwd'])], req('rm -rf build/a /etc/passwd'), env('development'));
    assert.equal(mixed.decision, undefined);
    const [deny] = apply([hit('fs.rm', ['build/a', 'secrets/key.pem'])], req('rm -rf build/a secrets/key.pem'), env('development'));
    assert.equal(deny.decision, 'deny');
  });

  test('relative targets resolve against the cwd', () => {
    const apply = overrides([{ source: 'user', policy: { overrides: [{ rule: 'fs.*', paths: ['packages/*/build/**'], decision: 'allow' }] } }]);
    const [h] = apply([hit('fs.rm', ['build/x'])], req('rm -rf build/x', { cwd: '/w/packages/api' }), env('development'));
    assert.equal(h.decision, 'allow');
  });

  test('host globs match URL and bare hosts', () => {
    const apply = overrides([{ source: 'user', policy: { overrides: [{ rule: 'db.*', hosts: ['*.prod.example.com'], decision: 'confirm' }] } }]);
    const [a] = apply([hit('db.drop', ['postgres://u:p@db.prod.example.com:5432/app'])], req('psql -c "drop table x"'), env('development'));
    assert.equal(a.decision, 'ask');
    assert.equal(a.typedConfirmation, true);
    const [b] = apply([hit('db.drop', ['localhost'])], req('psql'), env('development'));
    assert.equal(b.decision, undefined);
  });

  test('environments: production also covers unknown', () => {
    const apply = overrides([{ source: 'user', policy: { overrides: [{ rule: '*', environments: ['production'], decision: 'deny' }] } }]);
    assert.equal(apply([hit('x')], req('x'), env('unknown'))[0].decision, 'deny');
    assert.equal(apply([hit('x')], req('x'), env('production'))[0].decision, 'deny');
    assert.equal(apply([hit('x')], req('x'), env('staging'))[0].decision, undefined);
  });

  test('later trusted overrides win', () => {
    const apply = overrides([
      { source: 'user', policy: { overrides: [{ rule: 'fs.*', decision: 'deny' }, { rule: 'fs.rm', decision: 'ask' }] } },
    ]);
    assert.equal(apply([hit('fs.rm')], req('rm x'), env('development'))[0].decision, 'ask');
  });

  test("a trusted workspace cannot loosen the user's own decision, but can tighten it", () => {
    const apply = overrides([
      { source: 'user', policy: { overrides: [{ rule: 'fs.*', decision: 'ask' }] } },
      { source: 'workspace', policy: { overrides: [{ rule: 'fs.rm', decision: 'allow' }, { rule: 'fs.shred', decision: 'deny' }] } },
    ]);
    const [rm, shred] = apply([hit('fs.rm'), hit('fs.shred')], req('rm x'), env('development'));
    assert.equal(rm.decision, 'ask');
    assert.equal(shred.decision, 'deny');
  });

  test('untrusted workspace overrides only raise', () => {
    const apply = overrides(
      [
        { source: 'user', policy: { overrides: [{ rule: 'fs.*', decision: 'allow' }] } },
        { source: 'workspace', policy: { overrides: [{ rule: 'fs.*', decision: 'ask' }, { rule: 'db.*', decision: 'ask' }] } },
      ],
      false,
    );
    const [fsHit, dbDenied, dbConfirm] = apply(
      [hit('fs.rm'), hit('db.drop', [], { decision: 'deny' }), hit('db.drop', [], { typedConfirmation: true, decision: 'ask' })],
      req('x'),
      env('development'),
    );
    assert.equal(fsHit.decision, 'ask', 'raised from the user allow');
    assert.equal(dbDenied.decision, 'deny', 'ask does not lower a deny');
    assert.equal(dbConfirm.typedConfirmation, true, 'ask does not drop a typed confirmation');
  });

  test('hits are not mutated', () => {
    const apply = overrides([{ source: 'user', policy: { overrides: [{ rule: '*', decision: 'deny' }] } }]);
    const h = hit('fs.rm');
    apply([h], req('rm x'), env('development'));
    assert.equal(h.decision, undefined);
  });
});
