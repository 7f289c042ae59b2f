import { test, describe, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { environmentVariables } from '../../../../src/core/environment/signals';
import { Fixture, read, shown } from './helpers';

let fx: Fixture;
afterEach(() => fx?.cleanup());

describe('variables', () => {
  test('a variable whose value names an environment', () => {
    fx = new Fixture();
    assert.deepEqual(shown(read(fx, environmentVariables, { env: { NODE_ENV: 'production', HOME: '/h' } })), [['env:NODE_ENV', 'production', 'production']]);
  });

  test('a database URL: placed by its host (policy) and database name; the password never shown', () => {
    fx = new Fixture();
    const s = read(fx, environmentVariables, { env: { DATABASE_URL: 'postgres://app:hunter2@db1.internal:5432/shop' }, policy: { environments: { production: { hosts: ['*.internal'] } } } });
    assert.deepEqual(s.map((x) => x.environment), ['production']);
    assert.ok(!s[0].value.includes('hunter2'));
    assert.deepEqual(s[0].identities, [{ kind: 'host', value: 'db1.internal' }, { kind: 'name', value: 'shop' }]);
  });

  test('local files, sockets and withheld values', () => {
    fx = new Fixture();
    const env = { DATABASE_URL: 'sqlite:./dev.db', PGHOST: '/var/run/postgresql', REDIS_URL: '****' };
    const s = read(fx, environmentVariables, { env });
    assert.deepEqual(shown(s).map(([sig, , e]) => [sig, e]), [
      ['env:DATABASE_URL', 'development'],
      ['env:PGHOST', 'development'],
      ['env:REDIS_URL', 'unknown'],
    ]);
  });

  test('a host list in a *HOST variable; a bare word in a URL variable is no signal', () => {
    fx = new Fixture();
    const s = read(fx, environmentVariables, { env: { DB_HOST: 'db-staging-1:5432,db-staging-2', DATABASE_URL: '${OTHER}' } });
    assert.deepEqual(shown(s), [['env:DB_HOST', 'db-staging-1,db-staging-2', 'staging']]);
  });
});
