import { test, describe, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { Fixture, signalOf } from './helpers';

let fx: Fixture;
afterEach(() => fx?.cleanup());

describe('Vercel', () => {
  test('.vercel/project.json: a project id placed in production', () => {
    fx = new Fixture();
    fx.write('.vercel/project.json', JSON.stringify({ projectId: 'prj_abc123def456', orgId: 'team_xyz' }));
    const r = fx.resolve({ policy: { environments: { production: { resources: ['prj_abc123def456'] } } } });
    assert.deepEqual(signalOf(r, 'vercel'), [{ signal: 'vercel:project', value: 'prj_abc123def456', environment: 'production' }]);
  });

  test('no link is no signal; an unplaced link is unknown', () => {
    fx = new Fixture();
    assert.equal(signalOf(fx.resolve(), 'vercel').length, 0);
    fx.write('.vercel/project.json', JSON.stringify({ projectId: 'prj_abc', orgId: 'team_xyz', projectName: 'shop' }));
    assert.equal(fx.resolve().environment, 'unknown');
  });
});

describe('Fly', () => {
  test('fly.toml app name', () => {
    fx = new Fixture();
    fx.write('fly.toml', '# fly\napp = "acme-staging"\nprimary_region = "ams"\n\n[env]\n  app = "ignored-prod"\n');
    assert.deepEqual(signalOf(fx.resolve(), 'fly'), [{ signal: 'fly:app', value: 'acme-staging', environment: 'staging' }]);
  });

  test('a fly.toml without a top-level app is no signal', () => {
    fx = new Fixture();
    fx.write('fly.toml', '[build]\n  app = "x-prod"\n');
    assert.equal(signalOf(fx.resolve(), 'fly').length, 0);
  });
});

describe('Heroku', () => {
  test('a heroku remote in .git/config (found from a subfolder)', () => {
    fx = new Fixture();
    fx.write(
      '.git/config',
      '[core]\n\tbare = false\n[remote "origin"]\n\turl = git@github.com:acme/shop.git\n[remote "production"]\n\turl = https://git.heroku.com/acme-shop.git\n\tfetch = +refs/heads/*:refs/remotes/production/*\n[remote "staging"]\n\turl = git@heroku.com:acme-shop-staging.git\n',
    );
    const r = fx.resolve({ cwd: `${fx.ws}/lib` });
    assert.deepEqual(signalOf(r, 'heroku'), [
      { signal: 'heroku:remote', value: 'production → acme-shop', environment: 'production' },
      { signal: 'heroku:remote', value: 'staging → acme-shop-staging', environment: 'staging' },
    ]);
    assert.equal(r.environment, 'production');
  });

  test('no heroku remote is no signal', () => {
    fx = new Fixture();
    fx.write('.git/config', '[remote "origin"]\n\turl = git@github.com:acme/prod-shop.git\n');
    assert.equal(signalOf(fx.resolve(), 'heroku').length, 0);
  });
});

describe('Terraform', () => {
  test('.terraform/environment names the workspace; the backend is read without credentials', () => {
    fx = new Fixture();
    fx.write('infra/.terraform/environment', 'prod');
    fx.write(
      'infra/.terraform/terraform.tfstate',
      JSON.stringify({ version: 3, backend: { type: 's3', config: { bucket: 'acme-tfstate', key: 'network/terraform.tfstate', region: 'us-east-1', access_key: 'AKIAIOSFODNN7EXAMPLE', secret_key: 'tf-secret-key-material-xyz' } } }),
    );
    const r = fx.resolve({ cwd: `${fx.ws}/infra` });
    assert.deepEqual(signalOf(r, 'terraform:workspace'), [{ signal: 'terraform:workspace', value: 'prod', environment: 'production' }]);
    const b = signalOf(r, 'terraform:backend')[0];
    assert.equal(b.value, 's3 bucket=acme-tfstate key=network/terraform.tfstate');
    assert.ok(!JSON.stringify(r).includes('AKIA'));
    assert.ok(!JSON.stringify(r).includes('tf-secret'));
  });

  test('the default workspace in a folder named for staging; a backend bucket placed in production wins', () => {
    fx = new Fixture();
    fx.write('envs/staging/.terraform/terraform.tfstate', JSON.stringify({ backend: { type: 'gcs', config: { bucket: 'acme-prod-state', prefix: 'staging' } } }));
    const cwd = `${fx.ws}/envs/staging`;
    assert.equal(signalOf(fx.resolve({ cwd }), 'terraform:workspace')[0].environment, 'staging');
    const r = fx.resolve({ cwd, policy: { environments: { production: { resources: ['acme-prod-state'] } } } });
    assert.equal(r.environment, 'production');
  });

  test('no .terraform folder is no signal; TF_WORKSPACE alone is one', () => {
    fx = new Fixture();
    assert.equal(signalOf(fx.resolve(), 'terraform').length, 0);
    assert.deepEqual(signalOf(fx.resolve({ env: { TF_WORKSPACE: 'dev' } }), 'terraform'), [{ signal: 'terraform:workspace', value: 'dev', environment: 'development' }]);
  });
});
