import { test, describe, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { Fixture, signalOf } from './helpers';

let fx: Fixture;
afterEach(() => fx?.cleanup());

function kubeconfig(current: string, opts: { server?: string; namespace?: string } = {}): string {
  return `apiVersion: v1
kind: Config
current-context: ${current}
clusters:
- name: ${current}-cluster
  cluster:
    server: ${opts.server ?? 'https://10.1.2.3:6443'}
    certificate-authority-data: QUJDREVGRw==
contexts:
- name: ${current}
  context:
    cluster: ${current}-cluster
    user: admin${opts.namespace ? `\n    namespace: ${opts.namespace}` : ''}
users:
- name: admin
  user:
    token: kube-secret-token-123456789
`;
}

describe('kubeconfig', () => {
  test('~/.kube/config current-context prod-eks is production', () => {
    fx = new Fixture();
    fx.write('~/.kube/config', kubeconfig('prod-eks'));
    const r = fx.resolve();
    assert.equal(r.environment, 'production');
    assert.deepEqual(signalOf(r, 'kubeconfig'), [{ signal: 'kubeconfig:current-context', value: 'prod-eks', environment: 'production' }]);
    assert.ok(!JSON.stringify(r).includes('kube-secret-token'));
  });

  test('KUBECONFIG points elsewhere; a kind cluster on 127.0.0.1 is development', () => {
    fx = new Fixture();
    fx.write('~/.kube/config', kubeconfig('prod-eks'));
    const other = fx.write('~/kube/dev.yaml', kubeconfig('kind-kind', { server: 'https://127.0.0.1:40000' }));
    const r = fx.resolve({ hostEnv: { KUBECONFIG: other } });
    assert.equal(r.environment, 'development');
    // Set in a terminal only, it cannot lower what ~/.kube/config says.
    const t = fx.resolve({ env: { KUBECONFIG: other } });
    assert.equal(t.environment, 'production');
    assert.match(signalOf(t, 'terminal:cannot-lower')[0].value, /KUBECONFIG=.*production/);
  });

  test('a namespace named production in a dev cluster is production', () => {
    fx = new Fixture();
    fx.write('~/.kube/config', kubeconfig('dev', { namespace: 'production' }));
    assert.equal(fx.resolve().environment, 'production');
  });

  test('no current-context, or no file, is no signal', () => {
    fx = new Fixture();
    fx.write('~/.kube/config', 'apiVersion: v1\nkind: Config\nclusters: []\n');
    assert.equal(signalOf(fx.resolve(), 'kubeconfig').length, 0);
    fx.write('~/.kube/config', ': : not yaml [');
    assert.equal(signalOf(fx.resolve(), 'kubeconfig').length, 0);
  });

  test('an unplaced context is unknown; listing its cluster in the policy places it', () => {
    fx = new Fixture();
    fx.write('~/.kube/config', kubeconfig('arn:aws:eks:us-east-1:123456789012:cluster/payments'));
    assert.equal(fx.resolve().environment, 'unknown');
    const r = fx.resolve({ policy: { environments: { staging: { resources: ['arn:aws:eks:*:cluster/payments'] } } } });
    assert.equal(r.environment, 'staging');
  });
});

describe('AWS', () => {
  const config = `[default]
region = us-east-1

[profile prod-admin]
sso_account_id = 111111111111
region = eu-west-1

[profile sandbox]
role_arn = arn:aws:iam::222222222222:role/dev
`;

  test('AWS_PROFILE=prod-admin is production', () => {
    fx = new Fixture();
    fx.write('~/.aws/config', config);
    const r = fx.resolve({ env: { AWS_PROFILE: 'prod-admin' } });
    assert.equal(r.environment, 'production');
    assert.deepEqual(signalOf(r, 'aws:'), [{ signal: 'aws:profile', value: 'prod-admin', environment: 'production' }]);
  });

  test('AWS_DEFAULT_PROFILE=sandbox is development; its role account placed in production makes it production', () => {
    fx = new Fixture();
    fx.write('~/.aws/config', config);
    assert.equal(fx.resolve({ hostEnv: { AWS_DEFAULT_PROFILE: 'sandbox' } }).environment, 'development');
    assert.equal(fx.resolve({ env: { AWS_DEFAULT_PROFILE: 'sandbox' } }).environment, 'unknown', 'a terminal cannot lower the default profile');
    assert.equal(fx.resolve({ hostEnv: { AWS_DEFAULT_PROFILE: 'sandbox' }, policy: { environments: { production: { resources: ['222222222222'] } } } }).environment, 'production');
  });

  test('no profile: a [default] section is the default profile (unknown); no config is no signal', () => {
    fx = new Fixture();
    assert.equal(signalOf(fx.resolve(), 'aws:').length, 0);
    fx.write('~/.aws/config', config);
    const r = fx.resolve();
    assert.deepEqual(signalOf(r, 'aws:'), [{ signal: 'aws:profile', value: 'default', environment: 'unknown' }]);
  });

  test('the credentials file is never read', () => {
    fx = new Fixture();
    fx.write('~/.aws/credentials', '[default]\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n');
    const res = fx.resolver();
    const r = res({ cwd: fx.ws, workspaceRoot: fx.ws, targets: [] });
    assert.ok(!JSON.stringify(r).includes('wJalr'));
    assert.equal(signalOf(r, 'aws:').length, 0);
  });
});

describe('gcloud', () => {
  test('the active configuration and its project', () => {
    fx = new Fixture();
    fx.write('~/.config/gcloud/active_config', 'work\n');
    fx.write('~/.config/gcloud/configurations/config_work', '[core]\naccount = me@example.com\nproject = acme-prod-123\n');
    const r = fx.resolve();
    assert.deepEqual(signalOf(r, 'gcloud'), [{ signal: 'gcloud:project', value: 'acme-prod-123', environment: 'production' }]);
  });

  test('CLOUDSDK_CORE_PROJECT overrides the file', () => {
    fx = new Fixture();
    fx.write('~/.config/gcloud/active_config', 'default');
    fx.write('~/.config/gcloud/configurations/config_default', '[core]\nproject = acme-prod\n');
    assert.equal(fx.resolve({ hostEnv: { CLOUDSDK_CORE_PROJECT: 'acme-sandbox' } }).environment, 'development');
    assert.equal(fx.resolve({ env: { CLOUDSDK_CORE_PROJECT: 'acme-sandbox' } }).environment, 'production', 'a terminal cannot lower the configured project');
  });

  test('the default configuration with no project is no signal', () => {
    fx = new Fixture();
    fx.write('~/.config/gcloud/active_config', 'default');
    fx.write('~/.config/gcloud/configurations/config_default', '[core]\naccount = me@example.com\n');
    assert.equal(signalOf(fx.resolve(), 'gcloud').length, 0);
  });
});

describe('Azure', () => {
  const profile = (isDefault: boolean) =>
    '\uFEFF' +
    JSON.stringify({
      installationId: 'x',
      subscriptions: [
        { id: '00000000-0000-0000-0000-000000000001', name: 'Contoso Production', isDefault: false, state: 'Enabled' },
        { id: '00000000-0000-0000-0000-000000000002', name: 'Contoso Staging', isDefault, state: 'Enabled', user: { name: 'me@example.com', type: 'user' } },
      ],
    });

  test('the default subscription (file with a BOM) names the environment', () => {
    fx = new Fixture();
    fx.write('~/.azure/azureProfile.json', profile(true));
    assert.deepEqual(signalOf(fx.resolve(), 'azure'), [{ signal: 'azure:subscription', value: 'Contoso Staging', environment: 'staging' }]);
  });

  test('no default subscription is no signal', () => {
    fx = new Fixture();
    fx.write('~/.azure/azureProfile.json', profile(false));
    assert.equal(signalOf(fx.resolve(), 'azure').length, 0);
  });
});

describe('Railway', () => {
  const railway = (folder: string, envName: string) =>
    JSON.stringify({
      projects: {
        [folder]: { projectPath: folder, name: 'acme', project: '5b6c7f0e-0000-4000-8000-000000000001', environment: '5b6c7f0e-0000-4000-8000-000000000002', environmentName: envName, service: null },
      },
      user: { token: 'railway-user-token-abcdef123456' },
    });

  test('the linked environment for this folder (or a parent) counts', () => {
    fx = new Fixture();
    fx.write('~/.railway/config.json', railway(fx.ws, 'production'));
    const r = fx.resolve({ cwd: path.join(fx.ws, 'src') });
    assert.deepEqual(signalOf(r, 'railway'), [{ signal: 'railway:environment', value: 'production', environment: 'production' }]);
    assert.ok(!JSON.stringify(r).includes('railway-user-token'));
  });

  test('a link for another folder is no signal', () => {
    fx = new Fixture();
    fx.write('~/.railway/config.json', railway(path.join(fx.dir, 'other'), 'production'));
    assert.equal(signalOf(fx.resolve(), 'railway').length, 0);
  });
});
