import { test, describe, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { azure, parseAzureProfile } from '../../../../src/core/environment/signals';
import { Fixture, read, shown } from './helpers';

let fx: Fixture;
afterEach(() => fx?.cleanup());

const PROFILE = '\uFEFF' + JSON.stringify({
  installationId: 'x',
  subscriptions: [
    { id: '00000000-0000-0000-0000-000000000001', name: 'Acme Dev', isDefault: false, user: { name: 'a@b', type: 'user' } },
    { id: '00000000-0000-0000-0000-000000000002', name: 'Acme Production', isDefault: true, tenantId: 't' },
  ],
});

describe('Azure subscription', () => {
  test('the default subscription of azureProfile.json (written with a BOM)', () => {
    assert.deepEqual(parseAzureProfile(PROFILE), { id: '00000000-0000-0000-0000-000000000002', name: 'Acme Production' });
    assert.equal(parseAzureProfile('{"subscriptions": []}'), undefined);
  });

  test('a signal named after it; AZURE_CONFIG_DIR moves the file', () => {
    fx = new Fixture();
    fx.write('~/.azure/azureProfile.json', PROFILE);
    const s = read(fx, azure);
    assert.deepEqual(shown(s), [['azure:subscription', 'Acme Production', 'production']]);
    assert.equal(s[0].detail, 'subscription 00000000-0000-0000-0000-000000000002');
    assert.deepEqual(read(fx, azure, { env: { AZURE_CONFIG_DIR: fx.dir } }), []);
  });
});
