import { test, describe, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { dotenvFiles, workspaceDotenv } from '../../../../src/core/environment/signals';
import { contextOf, Fixture, read, shown } from './helpers';

let fx: Fixture;
afterEach(() => fx?.cleanup());

describe('dotenv files', () => {
  test('.env selects .env.<name>; each variable is a signal named after its file', () => {
    fx = new Fixture();
    fx.write('.env', '# shared\nAPP_ENV=staging\n');
    fx.write('.env.staging', 'DATABASE_URL="postgres://u:p@db.staging.example.com/shop"\n');
    fx.write('.env.production', 'DATABASE_URL=postgres://u:p@db.prod.example.com/shop\n');
    assert.deepEqual(workspaceDotenv(contextOf(fx)).map((f) => f.shown), ['.env', '.env.staging']);
    assert.deepEqual(shown(read(fx, dotenvFiles)), [
      ['file:.env:APP_ENV', 'staging', 'staging'],
      ['file:.env.staging:DATABASE_URL', 'postgres://db.staging.example.com/shop', 'staging'],
    ]);
  });

  test("the terminal's selector picks the file; its own variable wins over the file's", () => {
    fx = new Fixture();
    fx.write('.env.production', 'DATABASE_URL=postgres://db.prod.example.com/shop\nRAILS_ENV=production\n');
    const s = read(fx, dotenvFiles, { env: { NODE_ENV: 'production', RAILS_ENV: 'test' } });
    assert.deepEqual(s.map((x) => x.signal), ['file:.env.production:DATABASE_URL']);
  });

  test("the policy's extra files are read; a selector that is not a plain name selects nothing", () => {
    fx = new Fixture();
    fx.write('config/shared.env', 'STAGE=prod\n');
    fx.write('.env.../x', 'NODE_ENV=production\n');
    const s = read(fx, dotenvFiles, { policy: { signals: { dotenvFiles: ['config/shared.env'] } }, env: { APP_ENV: '../x' } });
    assert.deepEqual(shown(s), [['file:config/shared.env:STAGE', 'prod', 'production']]);
  });
});
