/** What a gate sends to the extension: the signals and harmless variables, never a secret value. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { shareableEnv } from '../../../src/intercept/gate-client';

test('signals travel, secrets do not', () => {
  const env = shareableEnv({
    NODE_ENV: 'production',
    DATABASE_URL: 'postgres://app:hunter2@db.prod.internal:5432/app',
    KUBECONFIG: '/home/u/.kube/prod',
    AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
    GITHUB_TOKEN: 'ghp_abcdefghijklmnopqrstuvwxyz0123456789',
    API_KEY: 'abc',
    HOME: '/home/u',
    D: '/srv/data',
    SOMETHING: 'Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.abcdefghijklmnop',
    TWOKEY_SECRET: 'x',
  });
  assert.equal(env.NODE_ENV, 'production');
  assert.ok(env.DATABASE_URL.includes('db.prod.internal'));
  assert.ok(!env.DATABASE_URL.includes('hunter2'));
  assert.equal(env.KUBECONFIG, '/home/u/.kube/prod');
  assert.equal(env.HOME, '/home/u');
  assert.equal(env.D, '/srv/data');
  for (const k of ['AWS_SECRET_ACCESS_KEY', 'GITHUB_TOKEN', 'API_KEY', 'SOMETHING', 'TWOKEY_SECRET']) assert.ok(!(k in env), `${k} stays in the shell`);
  assert.ok(!JSON.stringify(env).includes('hunter2'));
});
