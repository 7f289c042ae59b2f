import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { computePreview, renderPreview } from '../../../src/core/preview';
import type { Verdict } from '../../../src/core/types';
import { allText, section, tmp, verdictFor } from './helpers';

function withEvidence(v: Verdict, environment: Verdict['environment'], evidence: Verdict['evidence']): Verdict {
  return { ...v, environment, evidence };
}

test('a cloud delete shows the resource, the profile and region named, and the environment with its evidence', async () => {
  const dir = tmp();
  const cmd = 'aws s3 rb s3://acme-prod-invoices --force --profile prod-admin --region eu-west-1';
  const base = await verdictFor(cmd, dir);
  assert.ok(base.rules.some((r) => r.startsWith('cloud.')), base.rules.join(','));
  const v = withEvidence(base, 'production', [{ signal: 'aws:profile', value: 'prod-admin', environment: 'production' }]);
  const p = await computePreview(v, { command: cmd, cwd: dir, workspaceRoot: dir, env: { AWS_REGION: 'eu-west-1' } });
  assert.equal(p.incomplete, undefined);
  const text = allText(p);
  assert.match(text, /acme-prod-invoices/);
  const scope = section(p, /Account, project, profile and region/).join('\n');
  assert.match(scope, /profile: prod-admin \(aws --profile\)/);
  assert.match(scope, /region: eu-west-1/);
  assert.match(scope, /AWS_REGION=eu-west-1 \(from the environment\)/);
  assert.deepEqual(section(p, /^Environment: production/), ['aws:profile = prod-admin → production']);
  assert.match(p.summary, /production/);
});

test('an API call with a token: the host is shown, the secret never', async () => {
  const dir = tmp();
  const cmd = 'curl -X DELETE -H "Authorization: Bearer sk_live_abcdefghijklmnop1234" https://api.stripe.com/v1/customers/cus_123';
  const v = await verdictFor(cmd, dir);
  assert.ok(v.rules.some((r) => r.startsWith('http.')), v.rules.join(','));
  const p = await computePreview(v, { command: cmd, cwd: dir, workspaceRoot: dir });
  const md = renderPreview(p);
  assert.doesNotMatch(md, /abcdefghijklmnop1234/);
  assert.match(md, /api\.stripe\.com/);
  assert.match(md, /## Why TwoKey asks/);
});

test('a credential change shows its targets and the environment, masked', async () => {
  const dir = tmp();
  const cmd = 'echo "API_TOKEN=ghp_abcdefghijklmnopqrstuvwxyz0123" > .env.production';
  const v = await verdictFor(cmd, dir);
  if (!v.rules.some((r) => r.startsWith('cred.'))) return; // rule coverage belongs to the rules' own tests
  const p = await computePreview(v, { command: cmd, cwd: dir, workspaceRoot: dir });
  const md = renderPreview(p);
  assert.doesNotMatch(md, /abcdefghijklmnopqrstuvwxyz0123/);
  assert.match(md, /## Environment: /);
});
