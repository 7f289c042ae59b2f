import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DEFAULT_POLICY, checkPolicyInput, parsePolicy, parsePolicyLayer } from '../../../src/core/policy';

const GOOD = `// TwoKey policy
{
  "version": 1,
  "environments": {
    "production": { "hosts": ["*.prod.example.com"], "resources": ["vol-0abc1234"] },
    /* staging */
    "staging": { "patterns": ["qa2"] },
  },
  "overrides": [
    { "rule": "fs.*", "paths": ["build/**"], "decision": "allow" },
    { "rule": "paas.railway.*", "environments": ["production"], "decision": "deny", "reason": "Railway production is managed by CI." },
  ],
  "shims": ["pscale"],
  "watch": ["~/.pgpass"],
}
`;

describe('parsing the policy file', () => {
  test('a good file (comments, trailing commas) parses and merges over the defaults', () => {
    const r = parsePolicy(GOOD, { trusted: true });
    assert.deepEqual(r.diagnostics, []);
    assert.ok(r.layer);
    assert.ok(r.policy.environments.production.hosts.includes('*.prod.example.com'));
    assert.ok(r.policy.environments.production.patterns.includes('prod'), 'defaults kept');
    assert.ok(r.policy.environments.staging.patterns.includes('qa2'));
    assert.equal(r.policy.overrides.length, 2);
    assert.ok(r.policy.shims.includes('pscale') && r.policy.shims.includes('railway'));
    assert.ok(r.policy.watch.includes('~/.pgpass'));
  });

  test('a syntax error gives the strict defaults and a diagnostic with line and column', () => {
    const text = '{\n  "overrides": [\n    { "rule": "*", "decision": "allow" }\n  ],\n  "shims": [ "a" "b" ]\n}\n';
    const r = parsePolicy(text, { trusted: true });
    assert.equal(r.layer, undefined);
    assert.deepEqual(r.policy, DEFAULT_POLICY);
    assert.ok(r.diagnostics.length >= 1);
    const d = r.diagnostics[0];
    assert.equal(d.severity, 'error');
    assert.equal(d.line, 4);
    assert.equal(text.slice(d.offset, d.offset + d.length), '"b"');
    assert.equal(d.column, text.split('\n')[4].indexOf('"b"'));
    assert.match(d.message, /comma expected/i);
  });

  test('wrong types give the defaults and point at the value', () => {
    const text = '{ "overrides": [ { "rule": "*", "decision": "yes" } ], "environments": { "production": { "hosts": "db" } } }';
    const r = parsePolicy(text, { trusted: true });
    assert.equal(r.layer, undefined);
    assert.deepEqual(r.policy.overrides, []);
    const msgs = r.diagnostics.map((d) => [d.message, text.slice(d.offset, d.offset + d.length)]);
    assert.ok(msgs.some(([m, s]) => /decision" must be one of/.test(m) && s === '"yes"'), JSON.stringify(msgs));
    assert.ok(msgs.some(([m, s]) => /hosts" must be an array/.test(m) && s === '"db"'), JSON.stringify(msgs));
  });

  test('an override without a decision, an unknown environment name, an empty file: errors', () => {
    assert.ok(parsePolicyLayer('{ "overrides": [ { "rule": "fs.*" } ] }').diagnostics.some((d) => /needs a "decision"/.test(d.message)));
    assert.ok(parsePolicyLayer('{ "environments": { "prod": {} } }').diagnostics.some((d) => d.severity === 'error'));
    assert.ok(parsePolicyLayer('{ "overrides": [ { "rule": "x", "decision": "deny", "environments": ["live"] } ] }').diagnostics.some((d) => d.severity === 'error'));
    const empty = parsePolicy('   ');
    assert.equal(empty.layer, undefined);
    assert.equal(empty.diagnostics[0].severity, 'error');
    assert.deepEqual(empty.policy, DEFAULT_POLICY);
    assert.equal(parsePolicyLayer('[]').layer, undefined);
  });

  test('an unknown top-level key is a warning and does not discard the file', () => {
    const r = parsePolicyLayer('{ "overides": [], "shims": ["x"] }');
    assert.ok(r.layer);
    assert.equal(r.diagnostics.length, 1);
    assert.equal(r.diagnostics[0].severity, 'warning');
    assert.match(r.diagnostics[0].message, /overides/);
  });

  test('a settings object is checked the same way', () => {
    assert.deepEqual(checkPolicyInput({ shims: ['x'] }).problems, []);
    const bad = checkPolicyInput({ overrides: [{ rule: '*', decision: 'sometimes' }] });
    assert.equal(bad.input, undefined);
    assert.equal(bad.problems.length, 1);
  });
});

describe('the JSON schema', () => {
  const schema = JSON.parse(fs.readFileSync(path.join(__dirname, '../../../../media/policy.schema.json'), 'utf8'));

  test('is draft-07 with descriptions, and lists exactly the keys the parser accepts', () => {
    assert.equal(schema.$schema, 'http://json-schema.org/draft-07/schema#');
    assert.deepEqual(Object.keys(schema.properties).sort(), ['$schema', 'environments', 'maskedVariables', 'overrides', 'protectedVariables', 'shims', 'signals', 'stateChanges', 'version', 'watch', 'workspaceEnvironment'].sort());
    assert.deepEqual(schema.properties.overrides.items.properties.decision.enum, ['allow', 'ask', 'confirm', 'deny']);
    for (const [k, v] of Object.entries<{ description?: string }>(schema.properties)) assert.ok(v.description, `${k} has a description`);
  });

  test('the defaults themselves parse as a policy file', () => {
    const { version, environments, shims, watch, protectedVariables, signals } = DEFAULT_POLICY;
    const r = parsePolicyLayer(JSON.stringify({ version, environments, shims, watch, protectedVariables, signals }));
    assert.deepEqual(r.diagnostics, []);
  });
});
