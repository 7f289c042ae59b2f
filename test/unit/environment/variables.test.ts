import { test, describe, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { Fixture, signalOf } from './helpers';

let fx: Fixture;
afterEach(() => fx?.cleanup());

describe('no signal', () => {
  test('an empty workspace and environment is unknown, with evidence saying so', () => {
    fx = new Fixture();
    const r = fx.resolve();
    assert.equal(r.environment, 'unknown');
    assert.deepEqual(r.evidence, [{ signal: 'none', value: 'no environment signal found', environment: 'unknown' }]);
  });
});

describe('environment variables', () => {
  test('NODE_ENV=production in the process env is production', () => {
    fx = new Fixture();
    const r = fx.resolve({ hostEnv: { NODE_ENV: 'production' } });
    assert.equal(r.environment, 'production');
    assert.deepEqual(signalOf(r, 'env:NODE_ENV'), [{ signal: 'env:NODE_ENV', value: 'production', environment: 'production' }]);
  });

  test('RAILS_ENV=development is development; unrelated variables say nothing', () => {
    fx = new Fixture();
    const r = fx.resolve({ hostEnv: { RAILS_ENV: 'development', HOME: '/home/x', SHELL: '/bin/bash' } });
    assert.equal(r.environment, 'development');
    assert.equal(r.evidence.length, 1);
  });

  test('a value no pattern places is unknown', () => {
    fx = new Fixture();
    assert.equal(fx.resolve({ hostEnv: { APP_ENV: 'banana' } }).environment, 'unknown');
  });

  test('RAILWAY_ENVIRONMENT_NAME, VERCEL_ENV and FLY_APP_NAME are read', () => {
    fx = new Fixture();
    const r = fx.resolve({ hostEnv: { RAILWAY_ENVIRONMENT_NAME: 'staging', VERCEL_ENV: 'preview', FLY_APP_NAME: 'acme-dev' } });
    assert.equal(r.environment, 'staging');
    assert.equal(r.evidence.length, 3);
  });

  test("the terminal's variables can raise the environment, never lower it (and the evidence says so)", () => {
    fx = new Fixture();
    const host = { NODE_ENV: 'production' };
    const lowered = fx.resolve({ hostEnv: host, env: { NODE_ENV: 'development' } });
    assert.equal(lowered.environment, 'production');
    assert.match(signalOf(lowered, 'terminal:cannot-lower')[0].value, /NODE_ENV=development in the terminal would make it development; the workspace's own evidence says production/);
    assert.equal(fx.resolve({ hostEnv: host, env: { NODE_ENV: undefined, APP_ENV: 'test' } }).environment, 'production');
    assert.equal(fx.resolve({ hostEnv: { NODE_ENV: 'development' }, env: { NODE_ENV: 'production' } }).environment, 'production');
    // Nothing in the workspace says anything: a terminal's word does not make it development either.
    assert.equal(fx.resolve({ env: { NODE_ENV: 'development' } }).environment, 'unknown');
    fx.write('.env', 'NODE_ENV=development\n');
    const agree = fx.resolve({ env: { NODE_ENV: 'development' } });
    assert.equal(agree.environment, 'development');
    assert.equal(signalOf(agree, 'terminal:').length, 0);
  });

  test('camelCase and word boundaries: "product" is not prod, "myProdDb" is', () => {
    fx = new Fixture();
    assert.equal(fx.resolve({ hostEnv: { APP_ENV: 'product-catalog-dev' } }).environment, 'development');
    assert.equal(fx.resolve({ hostEnv: { APP_ENV: 'myProdDb' } }).environment, 'production');
    assert.equal(fx.resolve({ hostEnv: { APP_ENV: 'pre-prod' } }).environment, 'staging');
  });
});

describe('database and service URLs', () => {
  test('a host listed under production is production, and the password never shows', () => {
    fx = new Fixture();
    const r = fx.resolve({
      policy: { environments: { production: { hosts: ['*.prod.example.com'] } } },
      hostEnv: { DATABASE_URL: 'postgres://admin:s3cretPassw0rd@db1.prod.example.com:5432/app?sslmode=require&password=x' },
    });
    assert.equal(r.environment, 'production');
    const e = signalOf(r, 'env:DATABASE_URL')[0];
    assert.equal(e.value, 'postgres://db1.prod.example.com:5432/app');
    assert.ok(!JSON.stringify(r).includes('s3cret'));
    assert.ok(!JSON.stringify(r).includes('admin'));
  });

  test('localhost is development', () => {
    fx = new Fixture();
    const r = fx.resolve({ hostEnv: { REDIS_URL: 'redis://:pw@localhost:6379/0', DATABASE_URL: 'postgresql://u:p@127.0.0.1/app_dev' } });
    assert.equal(r.environment, 'development');
    assert.equal(r.evidence.length, 2);
  });

  test('a remote host the policy does not place is unknown', () => {
    fx = new Fixture();
    const r = fx.resolve({ hostEnv: { NODE_ENV: 'development', MONGO_URL: 'mongodb+srv://u:p@cluster0.abcde.mongodb.net/shop' } });
    assert.equal(r.environment, 'unknown');
    assert.equal(signalOf(r, 'env:MONGO_URL')[0].environment, 'unknown');
  });

  test('a host placed in staging by a trusted policy is staging', () => {
    fx = new Fixture();
    const r = fx.resolve({ policy: { environments: { staging: { hosts: ['staging-db.internal'] } } }, hostEnv: { DATABASE_URL: 'mysql://u:p@staging-db.internal:3306/shop' } });
    assert.equal(r.environment, 'staging');
  });

  test('SQLite files and PGHOST sockets are development; a non-URL value is not a signal', () => {
    fx = new Fixture();
    assert.equal(fx.resolve({ hostEnv: { DATABASE_URL: 'file:./dev.db' } }).environment, 'development');
    assert.equal(fx.resolve({ hostEnv: { PGHOST: '/var/run/postgresql' } }).environment, 'development');
    const r = fx.resolve({ hostEnv: { DATABASE_URL: '${OTHER_URL}' } });
    assert.equal(r.evidence[0].signal, 'none');
  });
});

describe('.env files', () => {
  test('.env and .env.local are read', () => {
    fx = new Fixture();
    fx.write('.env', '# app\nAPP_ENV=staging\n');
    fx.write('.env.local', 'DATABASE_URL="postgres://u:pw@localhost/app"\n');
    const r = fx.resolve();
    assert.equal(r.environment, 'staging');
    assert.deepEqual(
      r.evidence.map((e) => e.signal),
      ['file:.env:APP_ENV', 'file:.env.local:DATABASE_URL'],
    );
  });

  test('.env.production is not read unless selected', () => {
    fx = new Fixture();
    fx.write('.env', 'NODE_ENV=development\n');
    fx.write('.env.production', 'DATABASE_URL=postgres://u:p@db.example.com/app\n');
    assert.equal(fx.resolve().environment, 'development');
  });

  test('.env.<name> is read when a variable selects it (from the env or from .env)', () => {
    fx = new Fixture();
    fx.write('.env.production', 'DATABASE_URL=postgres://u:p@db.example.com/app\n');
    const r = fx.resolve({ env: { NODE_ENV: 'production' } });
    assert.ok(signalOf(r, 'file:.env.production:DATABASE_URL').length === 1);
    fx.write('.env', 'APP_ENV=production\n');
    assert.ok(signalOf(fx.resolve(), 'file:.env.production:DATABASE_URL').length === 1);
  });

  test('a terminal variable cannot hide a production URL in .env', () => {
    fx = new Fixture();
    fx.write('.env', 'DATABASE_URL=postgres://u:p@db.prod.example.com/app\n');
    const r = fx.resolve({ env: { DATABASE_URL: 'postgres://localhost/app' } });
    assert.equal(r.environment, 'production');
    assert.equal(signalOf(r, 'file:.env:DATABASE_URL')[0].environment, 'production');
    assert.equal(signalOf(r, 'terminal:cannot-lower')[0].environment, 'production');
  });

  test('files in the cwd and in the workspace root both count', () => {
    fx = new Fixture();
    fx.write('.env', 'NODE_ENV=development\n');
    fx.write('packages/api/.env', 'NODE_ENV=production\n');
    const r = fx.resolve({ cwd: `${fx.ws}/packages/api` });
    assert.equal(r.environment, 'production');
    assert.deepEqual(r.evidence.map((e) => e.signal).sort(), ['file:.env:NODE_ENV', 'file:packages/api/.env:NODE_ENV']);
  });
});

describe('what a gate sends', () => {
  test('pickSignalVariables keeps the variables the resolver reads, without secrets', async () => {
    const { pickSignalVariables } = await import('../../../src/core/environment');
    const { defaultPolicy } = await import('../../../src/core/policy');
    const picked = pickSignalVariables(
      { NODE_ENV: 'production', DATABASE_URL: 'postgres://u:hunter2@db.example.com:5432/app?sslkey=x', KUBECONFIG: '/k/c', GITHUB_TOKEN: 'ghp_abcdefghijklmnopqrstuvwxyz0123456789', PATH: '/usr/bin' },
      defaultPolicy(),
    );
    assert.deepEqual(picked, { NODE_ENV: 'production', DATABASE_URL: 'postgres://db.example.com:5432/app', KUBECONFIG: '/k/c' });
  });

  test('a URL variable the gate withheld (****) is unknown, and still supersedes .env', () => {
    fx = new Fixture();
    fx.write('.env', 'DATABASE_URL=postgres://localhost/app\n');
    const r = fx.resolve({ env: { DATABASE_URL: '****' } });
    assert.equal(r.environment, 'unknown');
    assert.deepEqual(r.evidence, [{ signal: 'env:DATABASE_URL', value: '****', environment: 'unknown' }]);
  });
});
