import { test, describe, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { gcloud, gcloudConfiguration } from '../../../../src/core/environment/signals';
import { contextOf, Fixture, read, shown } from './helpers';

let fx: Fixture;
afterEach(() => fx?.cleanup());

const CONFIG = `# written by gcloud config set
[core]
account = dev@acme.example
project = acme-prod-42
disable_usage_reporting = True

[compute]
region = europe-west1
`;

describe('gcloud configuration', () => {
  test('active_config names the configuration; its [core] project is the signal', () => {
    fx = new Fixture();
    fx.write('~/.config/gcloud/active_config', 'work\n');
    fx.write('~/.config/gcloud/configurations/config_work', CONFIG);
    const s = read(fx, gcloud);
    assert.deepEqual(shown(s), [['gcloud:project', 'acme-prod-42', 'production']]);
    assert.equal(s[0].detail, 'configuration work');
    assert.deepEqual(gcloudConfiguration(contextOf(fx)), { name: 'work', file: s[0].source, project: 'acme-prod-42' });
  });

  test('CLOUDSDK_CORE_PROJECT wins over the file; CLOUDSDK_ACTIVE_CONFIG_NAME over active_config', () => {
    fx = new Fixture();
    fx.write('~/.config/gcloud/active_config', 'work');
    fx.write('~/.config/gcloud/configurations/config_work', CONFIG);
    fx.write('~/.config/gcloud/configurations/config_sandbox', '[core]\nproject = acme-sandbox\n');
    assert.deepEqual(shown(read(fx, gcloud, { env: { CLOUDSDK_CORE_PROJECT: 'acme-staging' } })), [['gcloud:project', 'acme-staging', 'staging']]);
    assert.deepEqual(shown(read(fx, gcloud, { env: { CLOUDSDK_ACTIVE_CONFIG_NAME: 'sandbox' } })), [['gcloud:project', 'acme-sandbox', 'development']]);
  });

  test('the default configuration with no project names nothing; a named one without a project is a signal', () => {
    fx = new Fixture();
    fx.write('~/.config/gcloud/configurations/config_default', '[core]\naccount = a@b\n');
    assert.deepEqual(read(fx, gcloud), []);
    fx.write('~/.config/gcloud/active_config', 'prod');
    assert.deepEqual(shown(read(fx, gcloud)), [['gcloud:configuration', 'prod', 'production']]);
  });
});
