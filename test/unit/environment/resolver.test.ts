import { test, describe, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Fixture, signalOf } from './helpers';
import { createEnvironmentResolver, watchedSignalFiles, type FileSystemPort } from '../../../src/core/environment';
import { defaultPolicy } from '../../../src/core/policy';

let fx: Fixture;
afterEach(() => fx?.cleanup());

const VOLUME = '9f2c1d3e-4b5a-4c6d-8e7f-0a1b2c3d4e5f';

describe('resource identity (command targets)', () => {
  test('a target listed as a production resource is production whatever the terminal says', () => {
    fx = new Fixture();
    const r = fx.resolve({ hostEnv: { NODE_ENV: 'development' }, targets: [VOLUME], policy: { environments: { production: { resources: [VOLUME] } } } });
    assert.equal(r.environment, 'production');
    assert.deepEqual(signalOf(r, 'policy:resource'), [{ signal: 'policy:resource', value: VOLUME, environment: 'production' }]);
  });

  test('a remote-looking target the policy does not place is unknown, even in a staging terminal', () => {
    fx = new Fixture();
    const r = fx.resolve({ hostEnv: { RAILWAY_ENVIRONMENT: 'staging' }, targets: [VOLUME] });
    assert.equal(r.environment, 'unknown');
    assert.equal(signalOf(r, 'target:unplaced')[0].environment, 'unknown');
  });

  test('a target whose name says staging but is not listed is still unknown; one that says prod is production', () => {
    fx = new Fixture();
    assert.equal(fx.resolve({ hostEnv: { NODE_ENV: 'development' }, targets: ['s3://acme-staging-uploads/x'] }).environment, 'unknown');
    assert.equal(fx.resolve({ hostEnv: { NODE_ENV: 'development' }, targets: ['s3://acme-prod-backups'] }).environment, 'production');
  });

  test('a target host placed in staging by the policy is staging', () => {
    fx = new Fixture();
    const r = fx.resolve({ hostEnv: { NODE_ENV: 'staging' }, targets: ['https://api.staging.example.com/v1/users'], policy: { environments: { staging: { hosts: ['*.staging.example.com'] } } } });
    assert.equal(r.environment, 'staging');
  });

  test('local paths and plain words are not resources unless the policy lists them', () => {
    fx = new Fixture();
    const r = fx.resolve({ hostEnv: { NODE_ENV: 'development' }, targets: ['build', './dist', '/tmp/prod-copy', 'notes.txt'] });
    assert.equal(r.environment, 'development');
    assert.equal(r.evidence.length, 1);
    const listed = fx.resolve({ hostEnv: { NODE_ENV: 'development' }, targets: ['/mnt/data/x'], policy: { environments: { production: { resources: ['/mnt/data/**'] } } } });
    assert.equal(listed.environment, 'production');
  });
});

describe('combining', () => {
  test('production > unknown > staging > development', () => {
    fx = new Fixture();
    fx.write('~/.kube/config', 'current-context: prod\ncontexts:\n- name: prod\n  context: {cluster: c}\n');
    assert.equal(fx.resolve({ hostEnv: { NODE_ENV: 'development' } }).environment, 'production');
    fx.cleanup();
    fx = new Fixture();
    assert.equal(fx.resolve({ hostEnv: { NODE_ENV: 'development', APP_ENV: 'staging' } }).environment, 'staging');
    assert.equal(fx.resolve({ hostEnv: { APP_ENV: 'staging', FLY_APP_NAME: 'acme' } }).environment, 'unknown');
  });

  test('every signal is kept as evidence, in a stable order', () => {
    fx = new Fixture();
    fx.write('.env', 'NODE_ENV=development\n');
    fx.write('fly.toml', 'app = "acme-dev"\n');
    const r = fx.resolve({ hostEnv: { APP_ENV: 'test' } });
    assert.deepEqual(
      r.evidence.map((e) => e.signal),
      ['env:APP_ENV', 'file:.env:NODE_ENV', 'fly:app'],
    );
  });
});

describe('cache', () => {
  test('a warm resolution reads no file; a changed file is read again', () => {
    fx = new Fixture();
    const file = fx.write('~/.kube/config', 'current-context: dev\n');
    fx.write('.env', 'NODE_ENV=development\n');
    const res = fx.resolver();
    const ctx = { cwd: fx.ws, workspaceRoot: fx.ws, targets: [] };
    assert.equal(res(ctx).environment, 'development');
    const reads = res.files.reads;
    assert.ok(reads >= 2);
    res(ctx);
    res(ctx);
    assert.equal(res.files.reads, reads);
    fs.writeFileSync(file, 'current-context: production\n');
    const later = new Date(Date.now() + 5000);
    fs.utimesSync(file, later, later);
    // A stat is reused for at most 50 ms: the next command after that sees the change.
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 60);
    assert.equal(res(ctx).environment, 'production');
    assert.equal(res.files.reads, reads + 1);
  });

  test('a burst of checks stats each file once per freshness window; 0 re-stats every time', () => {
    let stats = 0;
    const port: FileSystemPort = {
      stat: (p) => (stats++, p === '/w/.env' ? { mtimeMs: 1, size: 16, isFile: true, isDirectory: false } : undefined),
      readFile: (p) => (p === '/w/.env' ? 'APP_ENV=staging\n' : undefined),
    };
    const ctx = { cwd: '/w', workspaceRoot: '/w', targets: [] };
    const burst = createEnvironmentResolver({ policy: defaultPolicy(), fs: port, homeDir: '/h', statFreshMs: 10_000 });
    burst(ctx);
    const first = stats;
    for (let i = 0; i < 100; i++) burst(ctx);
    assert.equal(stats, first, 'no stat inside the window');
    stats = 0;
    const every = createEnvironmentResolver({ policy: defaultPolicy(), fs: port, homeDir: '/h', statFreshMs: 0 });
    every(ctx);
    const one = stats;
    every(ctx);
    assert.equal(stats, 2 * one);
  });

  test('an injected file system port is used', () => {
    const files: Record<string, string> = { '/h/.kube/config': 'current-context: staging-1\n', '/w/.env': 'APP_ENV=staging\n' };
    const port: FileSystemPort = {
      stat: (p) => (p in files ? { mtimeMs: 1, size: files[p].length, isFile: true, isDirectory: false } : undefined),
      readFile: (p) => files[p],
    };
    const res = createEnvironmentResolver({ policy: defaultPolicy(), fs: port, homeDir: '/h' });
    const r = res({ cwd: '/w', workspaceRoot: '/w', targets: [] });
    assert.equal(r.environment, 'staging');
    assert.equal(r.evidence.length, 2);
  });

  test('setPolicy changes placement and keeps the cache', () => {
    fx = new Fixture();
    fx.write('fly.toml', 'app = "acme"\n');
    const res = fx.resolver();
    const ctx = { cwd: fx.ws, workspaceRoot: fx.ws, targets: [] };
    assert.equal(res(ctx).environment, 'unknown');
    const p = defaultPolicy();
    p.environments.staging.resources.push('acme');
    res.setPolicy(p);
    assert.equal(res(ctx).environment, 'staging');
  });
});

describe('watched signal files', () => {
  test('lists home and workspace sources, following KUBECONFIG', () => {
    const w = watchedSignalFiles({ homeDir: '/h', workspaceRoot: '/w', env: { KUBECONFIG: '/k/a.yaml' + path.delimiter + '/k/b.yaml' } });
    const flat = w.map((x) => path.join(x.base, x.pattern));
    for (const f of ['/k/a.yaml', '/k/b.yaml', '/h/.aws/config', '/h/.azure/azureProfile.json', '/h/.railway/config.json', '/w/.env', '/w/.env.*', '/w/fly.toml', '/w/.vercel/project.json', '/w/.git/config', '/w/.twokey/policy.json']) {
      assert.ok(flat.includes(f), `missing ${f}`);
    }
    assert.ok(!flat.includes('/h/.kube/config'));
    assert.ok(!flat.some((f) => f.includes('credentials')));
  });
});
