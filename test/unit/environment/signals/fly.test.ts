import { test, describe, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { fly, parseFlyApp } from '../../../../src/core/environment/signals';
import { Fixture, read, shown } from './helpers';

let fx: Fixture;
afterEach(() => fx?.cleanup());

const FLY_TOML = `# fly.toml app configuration file generated for acme-api-prod
app = 'acme-api-prod'
primary_region = "ams"
kill_signal = "SIGINT"

[build]
  image = "registry.fly.io/acme:latest"

[env]
  APP = "not-the-app"
  app = "also-not-the-app"

[http_service]
  internal_port = 8080
  force_https = true
  concurrency = { type = "requests", soft_limit = 200, hard_limit = 250 }

[[vm]]
  memory = '1gb'
  cpu_kind = 'shared'
`;

describe('fly.toml', () => {
  test('the top-level app of a real file (literal string, tables, inline tables, array of tables)', () => {
    assert.equal(parseFlyApp(FLY_TOML), 'acme-api-prod');
  });

  test('an app inside a table is not the app; a quoted key and a basic string are', () => {
    assert.equal(parseFlyApp('[build]\n  app = "x-prod"\n'), undefined);
    assert.equal(parseFlyApp('"app" = "acme-dev" # the dev app\n'), 'acme-dev');
    assert.equal(parseFlyApp('app = ""\n'), undefined);
  });

  test('a file that is not TOML names no app (it throws; the file cache turns that into nothing)', () => {
    assert.throws(() => parseFlyApp('app = "unterminated\n'));
    fx = new Fixture();
    fx.write('fly.toml', 'app = "acme-prod\n[env\n');
    assert.deepEqual(read(fx, fly), []);
  });

  test('the signal, for each folder with a fly.toml', () => {
    fx = new Fixture();
    fx.write('fly.toml', FLY_TOML);
    fx.write('api/fly.toml', 'app = "acme-api-staging"\n');
    const s = read(fx, fly, { cwd: path.join(fx.ws, 'api') });
    assert.deepEqual(shown(s), [
      ['fly:app', 'acme-api-staging', 'staging'],
      ['fly:app', 'acme-api-prod', 'production'],
    ]);
  });
});
