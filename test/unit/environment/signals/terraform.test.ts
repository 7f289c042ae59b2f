import { test, describe, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { terraform } from '../../../../src/core/environment/signals';
import { Fixture, read, shown } from './helpers';

let fx: Fixture;
afterEach(() => fx?.cleanup());

describe('Terraform workspace and backend', () => {
  test('.terraform/environment names the workspace; an s3 backend is read without its keys', () => {
    fx = new Fixture();
    fx.write('.terraform/environment', 'prod\n');
    fx.write('.terraform/terraform.tfstate', JSON.stringify({ version: 3, backend: { type: 's3', config: { bucket: 'acme-tfstate', key: 'net.tfstate', region: 'us-east-1', secret_key: 'tf-secret' } } }));
    const s = read(fx, terraform);
    assert.deepEqual(shown(s), [
      ['terraform:workspace', 'prod', 'production'],
      ['terraform:backend', 's3 bucket=acme-tfstate key=net.tfstate', 'production'],
    ]);
    assert.ok(!JSON.stringify(s).includes('tf-secret'));
  });

  test('no data folder: the default workspace unless TF_WORKSPACE says, reported once', () => {
    fx = new Fixture();
    assert.deepEqual(read(fx, terraform), []);
    fx.write('infra/main.tf', '');
    const s = read(fx, terraform, { env: { TF_WORKSPACE: 'staging' }, cwd: path.join(fx.ws, 'infra') });
    assert.deepEqual(shown(s), [['terraform:workspace', 'staging', 'staging']]);
    assert.equal(s[0].source, 'env:TF_WORKSPACE');
  });

  test('the folder relative to the root is also a name (infra/prod with the default workspace)', () => {
    fx = new Fixture();
    fx.write('infra/prod/.terraform/terraform.tfstate', JSON.stringify({ backend: { type: 'local', config: {} } }));
    const s = read(fx, terraform, { cwd: path.join(fx.ws, 'infra', 'prod') });
    assert.deepEqual(shown(s), [['terraform:workspace', 'default', 'production']]);
    assert.equal(s[0].detail, 'folder infra/prod');
  });

  test('a remote backend: the workspaces block', () => {
    fx = new Fixture();
    fx.write('.terraform/terraform.tfstate', JSON.stringify({ backend: { type: 'remote', config: { organization: 'acme', workspaces: [{ name: 'shop-staging' }] } } }));
    assert.deepEqual(shown(read(fx, terraform))[1], ['terraform:backend', 'remote organization=acme workspace=shop-staging', 'staging']);
  });
});
