/**
 * The shipped schema is the one source of what a policy may say: the compiled check is
 * current, every policy example in the README passes it, and invalid files get errors at the
 * right place (and the strict defaults).
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DEFAULT_POLICY, createStarterPolicy, parsePolicy, parsePolicyLayer, type PolicyDiagnostic } from '../../../src/core/policy';

const ROOT = path.resolve(__dirname, '..', '..', '..', '..');
const POLICY_KEYS = ['version', 'environments', 'overrides', 'shims', 'watch', 'signals', 'stateChanges', 'protectedVariables', 'maskedVariables', 'workspaceEnvironment'];

/** ```json / ```jsonc blocks of a Markdown file whose text names a policy key at the top. */
function policyExamples(file: string): Array<{ line: number; text: string }> {
  const md = fs.readFileSync(file, 'utf8');
  const out: Array<{ line: number; text: string }> = [];
  for (const m of md.matchAll(/^```jsonc?\s*\n([\s\S]*?)^```/gm)) {
    const text = m[1];
    if (POLICY_KEYS.some((k) => new RegExp(`^\\s{2}"${k}"\\s*:`, 'm').test(text))) out.push({ line: md.slice(0, m.index).split('\n').length, text });
  }
  return out;
}

function at(text: string, d: PolicyDiagnostic): string {
  return text.slice(d.offset, d.offset + d.length);
}

describe('the compiled schema check', () => {
  test('is the current compile of media/policy.schema.json (run `node scripts/policy-check.cjs` after editing the schema)', () => {
    const { generate, OUT } = require(path.join(ROOT, 'scripts', 'policy-check.cjs')) as { generate(): string; OUT: string };
    assert.equal(fs.readFileSync(OUT, 'utf8'), generate());
  });
});

describe('examples', () => {
  const examples = policyExamples(path.join(ROOT, 'README.md'));

  test('the README has policy examples', () => {
    assert.ok(examples.length >= 1);
  });

  for (const ex of examples) {
    test(`README.md line ${ex.line} is a valid policy`, () => {
      const r = parsePolicyLayer(ex.text);
      assert.deepEqual(r.diagnostics, []);
      assert.ok(r.layer);
    });
  }

  test('the starter policy is valid', () => {
    const text = createStarterPolicy([{ signal: 'kubeconfig:current-context', value: 'prod-eks', environment: 'production', source: '~/.kube/config', identities: [{ kind: 'name', value: 'prod-eks' }] }]);
    assert.deepEqual(parsePolicyLayer(text).diagnostics, []);
  });
});

describe('invalid policies', () => {
  function errors(text: string) {
    const r = parsePolicy(text, { trusted: true });
    assert.equal(r.layer, undefined, 'an invalid file contributes nothing');
    assert.deepEqual(r.policy, DEFAULT_POLICY, 'the strict defaults apply');
    return r.diagnostics.filter((d) => d.severity === 'error');
  }

  test('a wrong type points at the value, with line and column', () => {
    const text = '{\n  "version": 1,\n  "watch": "~/.pgpass"\n}\n';
    const [d, ...rest] = errors(text);
    assert.equal(rest.length, 0);
    assert.equal(at(text, d), '"~/.pgpass"');
    assert.equal(d.line, 2);
    assert.equal(d.column, text.split('\n')[2].indexOf('"~/.pgpass"'));
    assert.equal(d.message, '"watch" must be an array of strings.');
  });

  test('a number where a string is due, inside a list', () => {
    const text = '{ "environments": { "staging": { "hosts": ["a.example.com", 42] } } }';
    const [d] = errors(text);
    assert.equal(at(text, d), '42');
    assert.equal(d.message, '"environments.staging.hosts[1]" must be a string.');
  });

  test('a bad enum value names the choices', () => {
    const text = '{\n  // comment\n  "overrides": [\n    { "rule": "db.*", "decision": "sometimes" }\n  ]\n}';
    const [d] = errors(text);
    assert.equal(at(text, d), '"sometimes"');
    assert.equal(d.line, 3);
    assert.match(d.message, /^"overrides\[0\]\.decision" must be one of allow, ask, confirm, deny\.$/);
    const s = errors('{ "stateChanges": { "unknown": "never" } }');
    assert.match(s[0].message, /"stateChanges.unknown" must be one of allow, ask/);
    const w = errors('{ "workspaceEnvironment": "prod" }');
    assert.match(w[0].message, /"workspaceEnvironment" must be one of production, staging, development/);
  });

  test('an unknown key inside an object is an error at the key', () => {
    const text = '{ "overrides": [ { "rule": "fs.*", "decision": "ask", "path": ["build/**"] } ] }';
    const [d] = errors(text);
    assert.equal(at(text, d), '"path"');
    assert.match(d.message, /"overrides\[0\]" takes rule, commands, paths, hosts, environments, decision, reason; "path" is not one of them/);
    const e = errors('{ "environments": { "prod": { "hosts": ["x"] } } }');
    assert.match(e[0].message, /"environments" takes production, staging, development; "prod"/);
    const s = errors('{ "signals": { "dotenv": [".env.x"] } }');
    assert.match(s[0].message, /"signals" takes variables, urlVariables, dotenvFiles/);
  });

  test('a missing required key points at the object and names the choices', () => {
    const text = '{ "overrides": [ { "rule": "fs.*" } ] }';
    const [d] = errors(text);
    assert.equal(at(text, d), '{ "rule": "fs.*" }');
    assert.equal(d.message, '"overrides[0]" needs a "decision" (allow, ask, confirm, deny).');
  });

  test('version must be 1; blank strings are refused', () => {
    assert.equal(errors('{ "version": 2 }')[0].message, '"version" must be 1.');
    const text = '{ "shims": ["psql", "  "] }';
    const [d] = errors(text);
    assert.equal(at(text, d), '"  "');
    assert.match(d.message, /"shims\[1\]" is blank/);
    assert.match(errors('{ "overrides": [ { "rule": "", "decision": "deny" } ] }')[0].message, /"overrides\[0\].rule" is blank/);
  });

  test('a key written twice is an error at the second (the schema cannot see it)', () => {
    const text = '{ "shims": ["a"], "shims": ["b"] }';
    const [d] = errors(text);
    assert.equal(d.offset, text.lastIndexOf('"shims"'));
    assert.equal(d.message, 'Duplicate key "shims".');
  });

  test('"__proto__" is refused wherever it is (it would lend an object keys the schema never saw)', () => {
    const text = '{ "overrides": [ { "rule": "*", "__proto__": { "decision": "allow" } } ] }';
    const ds = errors(text);
    assert.ok(ds.some((d) => d.message === 'The key "__proto__" is not allowed.' && at(text, d) === '"__proto__"'), JSON.stringify(ds));
  });

  test('several problems are all reported, in file order', () => {
    const text = '{ "watch": 1, "overrides": [ { "decision": "maybe" } ], "version": "1" }';
    const ds = errors(text);
    assert.deepEqual(
      ds.map((d) => at(text, d)),
      ['1', '{ "decision": "maybe" }', '"maybe"', '"1"'],
    );
  });

  test('a root that is not an object', () => {
    const [d] = errors('[1, 2]');
    assert.equal(d.message, 'The policy must be an object.');
  });
});

describe('warnings keep the file', () => {
  test('an unknown top-level key is ignored with a warning at the key', () => {
    const text = '{ "shim": ["x"], "shims": ["pscale"] }';
    const r = parsePolicy(text, { trusted: true });
    assert.equal(r.diagnostics.length, 1);
    assert.equal(r.diagnostics[0].severity, 'warning');
    assert.equal(at(text, r.diagnostics[0]), '"shim"');
    assert.deepEqual(r.layer, { shims: ['pscale'] });
    assert.ok(r.policy.shims.includes('pscale'));
  });

  test('an entry listed twice is a warning at the second', () => {
    const text = '{ "watch": ["~/.pgpass", "~/.netrc", "~/.pgpass"] }';
    const r = parsePolicy(text, { trusted: true });
    assert.ok(r.layer);
    assert.equal(r.diagnostics.length, 1);
    assert.equal(r.diagnostics[0].severity, 'warning');
    assert.equal(r.diagnostics[0].offset, text.lastIndexOf('"~/.pgpass"'));
  });
});
