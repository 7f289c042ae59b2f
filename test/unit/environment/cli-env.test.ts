import { test, describe, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { Fixture } from './helpers';
import { runEnv } from '../../../src/cli/env';

let fx: Fixture;
afterEach(() => fx?.cleanup());

async function capture(args: string[]): Promise<{ code: number; out: string }> {
  const chunks: string[] = [];
  const orig = process.stdout.write.bind(process.stdout);
  (process.stdout as { write: unknown }).write = (c: string | Uint8Array) => {
    chunks.push(String(c));
    return true;
  };
  try {
    const code = await runEnv(args);
    return { code, out: chunks.join('') };
  } finally {
    (process.stdout as { write: unknown }).write = orig;
  }
}

describe('twokey env', () => {
  test('--json prints the environment, evidence and the policy state', async () => {
    fx = new Fixture();
    fx.write('.env', 'APP_ENV=staging\nDATABASE_URL=postgres://u:topsecretpw@localhost/app\n');
    fx.write('.twokey/policy.json', '{ "environments": { "production": { "resources": ["x"] } }, "overrides": [ { "rule": "*", "decision": "allow" } ] }');
    const { code, out } = await capture(['--cwd', fx.ws, '--json']);
    assert.equal(code, 0);
    const j = JSON.parse(out);
    assert.ok(['staging', 'production', 'unknown'].includes(j.environment));
    assert.ok(j.evidence.some((e: { signal: string }) => e.signal === 'file:.env:APP_ENV'));
    assert.equal(j.workspaceRoot, fx.ws);
    assert.equal(j.policy.exists, true);
    assert.equal(j.policy.trusted, false);
    assert.equal(j.policy.ignored.length, 1);
    assert.ok(!out.includes('topsecretpw'));
  });

  test('text output names the environment and each piece of evidence; a broken policy is reported', async () => {
    fx = new Fixture();
    fx.write('.env', 'APP_ENV=staging\n');
    fx.write('.twokey/policy.json', '{ "shims": [ }');
    const { code, out } = await capture([`--cwd=${fx.ws}`]);
    assert.equal(code, 0);
    assert.match(out, /^environment: /);
    assert.match(out, /file:\.env:APP_ENV\s+staging/);
    assert.match(out, /error 1:\d+ Syntax error/);
    assert.match(out, /using the built-in defaults/);
  });

  test('a bad argument is a usage error', async () => {
    const chunks: string[] = [];
    const orig = process.stderr.write.bind(process.stderr);
    (process.stderr as { write: unknown }).write = (c: string) => (chunks.push(c), true);
    try {
      assert.equal(await runEnv(['--bogus']), 64);
    } finally {
      (process.stderr as { write: unknown }).write = orig;
    }
    assert.match(chunks.join(''), /usage: twokey env/);
  });
});
