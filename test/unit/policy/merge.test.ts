import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_POLICY, mergePolicy, mergePolicyReport, parsePolicy, type PolicyInput } from '../../../src/core/policy';

const LOOSENING: PolicyInput = {
  environments: {
    production: { resources: ['vol-prod-1'], patterns: ['primary'] },
    staging: { hosts: ['db.example.com'] },
    development: { resources: ['*'] },
  },
  overrides: [
    { rule: '*', decision: 'allow' },
    { rule: 'db.*', decision: 'deny' },
    { rule: 'k8s.*', decision: 'confirm' },
  ],
  shims: ['!railway', 'pscale'],
  watch: ['~/.pgpass'],
  protectedVariables: ['DATABASE_URL'],
  signals: { variables: ['MY_ENV'] },
};

describe('layers', () => {
  test('no layers is the defaults', () => {
    assert.deepEqual(mergePolicy([], { trusted: false }), DEFAULT_POLICY);
  });

  test('an untrusted workspace can only tighten', () => {
    const { policy, ignored } = mergePolicyReport([{ source: 'workspace', policy: LOOSENING }], { trusted: false });
    assert.ok(policy.environments.production.resources.includes('vol-prod-1'));
    assert.ok(policy.environments.production.patterns.includes('primary'));
    assert.deepEqual(policy.environments.staging.hosts, []);
    assert.deepEqual(policy.environments.development.resources, []);
    assert.deepEqual(
      policy.overrides.map((o) => [o.rule, o.decision, o.tightenOnly]),
      [
        ['db.*', 'deny', true],
        ['k8s.*', 'confirm', true],
      ],
    );
    assert.ok(policy.shims.includes('railway'), 'cannot remove a shim');
    assert.ok(policy.shims.includes('pscale'), 'can add a shim');
    assert.ok(policy.watch.includes('~/.pgpass'));
    assert.ok(policy.protectedVariables.includes('DATABASE_URL'));
    assert.ok(!policy.signals.variables.includes('MY_ENV'));
    assert.equal(ignored.length, 5, ignored.join('\n'));
  });

  test('a trusted workspace gets what it asks for', () => {
    const policy = mergePolicy([{ source: 'workspace', policy: LOOSENING }], { trusted: true });
    assert.deepEqual(policy.environments.staging.hosts, ['db.example.com']);
    assert.equal(policy.overrides.length, 3);
    assert.ok(!policy.shims.includes('railway'));
    assert.ok(policy.signals.variables.includes('MY_ENV'));
  });

  test('the user layer is trusted whatever the workspace trust', () => {
    const policy = mergePolicy([{ source: 'user', policy: { overrides: [{ rule: 'fs.*', decision: 'allow' }] } }], { trusted: false });
    assert.equal(policy.overrides[0].decision, 'allow');
    assert.equal(policy.overrides[0].tightenOnly, undefined);
    assert.equal(policy.overrides[0].origin, 'user');
  });

  test('merging does not change the defaults', () => {
    mergePolicy([{ source: 'user', policy: LOOSENING }], { trusted: true });
    assert.ok(DEFAULT_POLICY.shims.includes('railway'));
    assert.deepEqual(DEFAULT_POLICY.overrides, []);
  });

  test('parsePolicy is untrusted unless told', () => {
    const r = parsePolicy('{ "overrides": [ { "rule": "*", "decision": "allow" } ] }');
    assert.deepEqual(r.policy.overrides, []);
    assert.equal(r.ignored.length, 1);
  });
});
