import { test, describe, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { aws, profileSection, roleAccountOf } from '../../../../src/core/environment/signals';
import { parseIni } from '../../../../src/core/environment/ini';
import { Fixture, read, shown } from './helpers';

let fx: Fixture;
afterEach(() => fx?.cleanup());

const CONFIG = `[default]
region = us-east-1

# production, through SSO
[profile prod]
sso_account_id = 111122223333
region = eu-west-1 ; Ireland

[ profile   ops ]
role_arn = "arn:aws:iam::999988887777:role/Admin"

[profile eu.staging]
region = eu-central-1
`;

describe('AWS profile', () => {
  test('AWS_PROFILE names a [profile NAME] section; its account and region are read', () => {
    fx = new Fixture();
    fx.write('~/.aws/config', CONFIG);
    const s = read(fx, aws, { env: { AWS_PROFILE: 'prod' } });
    assert.deepEqual(shown(s), [['aws:profile', 'prod', 'production']]);
    assert.equal(s[0].source, 'env:AWS_PROFILE');
    assert.equal(s[0].detail, 'account 111122223333, region eu-west-1');
  });

  test("a padded header and a quoted role ARN: the role's account is placed by the policy", () => {
    fx = new Fixture();
    fx.write('~/.aws/config', CONFIG);
    const s = read(fx, aws, { env: { AWS_DEFAULT_PROFILE: 'ops' }, policy: { environments: { production: { resources: ['999988887777'] } } } });
    assert.deepEqual(shown(s), [['aws:profile', 'ops', 'production']]);
    assert.deepEqual(s[0].identities.map((i) => i.value), ['ops', '999988887777', 'arn:aws:iam::999988887777:role/Admin']);
  });

  test('a profile with a dot in its name', () => {
    fx = new Fixture();
    fx.write('~/.aws/config', CONFIG);
    const s = read(fx, aws, { env: { AWS_PROFILE: 'eu.staging' } });
    assert.deepEqual(shown(s), [['aws:profile', 'eu.staging', 'staging']]);
    assert.equal(s[0].detail, 'region eu-central-1');
  });

  test('no variable: the default profile, if the file has one; AWS_CONFIG_FILE moves the file', () => {
    fx = new Fixture();
    assert.deepEqual(read(fx, aws), []);
    const other = fx.write('~/elsewhere/aws.ini', '[profile default]\nregion = us-west-2\n');
    const s = read(fx, aws, { env: { AWS_CONFIG_FILE: other } });
    assert.deepEqual(shown(s), [['aws:profile', 'default', 'unknown']]);
    assert.equal(s[0].source, other);
  });

  test('section and account helpers', () => {
    const ini = parseIni('[dev]\nregion = x\n[profile default]\nregion = y\n');
    assert.equal(profileSection(ini, 'dev')?.get('region'), 'x', 'credentials-style [NAME]');
    assert.equal(profileSection(ini, 'default')?.get('region'), 'y');
    assert.equal(roleAccountOf('arn:aws-us-gov:iam::123456789012:role/x'), '123456789012');
    assert.equal(roleAccountOf('not-an-arn'), undefined);
  });
});
