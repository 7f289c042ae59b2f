import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { createStarterPolicy, parsePolicy, parsePolicyLayer } from '../../../src/core/policy';
import { createEnvironmentResolver, type FileSystemPort } from '../../../src/core/environment';
import { defaultPolicy } from '../../../src/core/policy';

describe('starter policy', () => {
  test('from an empty detection: valid, commented, no errors', () => {
    const text = createStarterPolicy({ environment: 'unknown', evidence: [] });
    assert.match(text, /^\/\/ TwoKey policy/);
    const r = parsePolicyLayer(text);
    assert.deepEqual(r.diagnostics, []);
    assert.ok(r.layer);
  });

  test('filled from detected signals: placed ones under their environment, unplaced ones commented', () => {
    const files: Record<string, string> = {
      '/h/.kube/config': 'current-context: prod-eks\ncontexts:\n- name: prod-eks\n  context: {cluster: eks-1}\nclusters:\n- name: eks-1\n  cluster: {server: "https://ABC.gr7.us-east-1.eks.amazonaws.com"}\n',
      '/w/.env': 'NODE_ENV=development\nDATABASE_URL=postgres://app:hunter2pass@db.neon.example.net:5432/shop\n',
      '/w/fly.toml': 'app = "acme-staging"\n',
    };
    const port: FileSystemPort = {
      stat: (p) => (p in files ? { mtimeMs: 1, size: files[p].length, isFile: true, isDirectory: false } : undefined),
      readFile: (p) => files[p],
    };
    const res = createEnvironmentResolver({ policy: defaultPolicy(), fs: port, homeDir: '/h' });
    const detected = res.detect({ cwd: '/w', workspaceRoot: '/w', targets: [] });
    const text = createStarterPolicy(detected);
    assert.ok(!text.includes('hunter2'));
    const parsed = parsePolicy(text, { trusted: true });
    assert.deepEqual(parsed.diagnostics, []);
    const p = parsed.policy.environments;
    assert.ok(p.production.resources.includes('prod-eks'));
    assert.ok(p.production.resources.includes('eks-1'));
    assert.ok(p.staging.resources.includes('acme-staging'));
    assert.ok(!p.development.resources.includes('development'), 'variable values are not resources');
    assert.ok(!p.production.hosts.includes('db.neon.example.net'), 'unplaced host only suggested');
    assert.match(text, /\/\/ "db\.neon\.example\.net", \(from file:\.env:DATABASE_URL\)/);

    // Plain evidence (no identities) works too
    const fromEvidence = createStarterPolicy(res({ cwd: '/w', workspaceRoot: '/w', targets: [] }));
    assert.deepEqual(parsePolicyLayer(fromEvidence).diagnostics, []);
    assert.match(fromEvidence, /db\.neon\.example\.net/);
  });
});
