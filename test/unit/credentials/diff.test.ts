/**
 * The masked diff of each credential format: keys and structure visible, no secret value
 * anywhere in the text or the two masked documents, identifying values (hosts, project ids,
 * contexts, profiles, regions) visible, and the environment before and after.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { maskedDiff, type MaskedDiff } from '../../../src/core/credentials';

function noSecret(d: MaskedDiff, secrets: string[]): void {
  for (const s of secrets) {
    for (const [what, text] of [['text', d.text], ['left', d.left], ['right', d.right]] as const) {
      assert.ok(!text.includes(s), `${what} must not contain the secret ${s}:\n${text}`);
    }
  }
}

function shows(d: MaskedDiff, values: string[]): void {
  for (const v of values) assert.ok(d.text.includes(v) || d.right.includes(v), `the diff shows ${v}:\n${d.text}\n${d.right}`);
}

describe('dotenv', () => {
  const before = [
    '# app settings',
    'NODE_ENV=staging',
    'DATABASE_URL=postgres://app:s3cr3t-Passw0rd@db.staging.example.com:5432/app?sslmode=require',
    'STRIPE_SECRET_KEY=sk_live_51Habcdefghijklmnopqrstuv',
    'export API_TOKEN="tok_9f8e7d6c5b4a3f2e1d0c"',
    'PORT=3000',
    '',
  ].join('\n');
  const after = [
    '# app settings',
    'NODE_ENV=production',
    'DATABASE_URL=postgres://app:n3w-Passw0rd-99@db.prod.example.com:5432/app?sslmode=require',
    'STRIPE_SECRET_KEY=sk_live_51Hzyxwvutsrqponmlkjihgf',
    'export API_TOKEN="tok_9f8e7d6c5b4a3f2e1d0c"',
    'PORT=3000',
    'SENTRY_DSN=https://abcdef0123456789abcdef0123456789@o1.ingest.sentry.io/42',
    'PRIVATE_KEY="-----BEGIN RSA PRIVATE KEY-----',
    'MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun',
    '-----END RSA PRIVATE KEY-----"',
    '',
  ].join('\n');
  const d = maskedDiff('/ws/.env', before, after);

  test('names the changed, added and unchanged keys', () => {
    assert.equal(d.format, 'dotenv');
    assert.deepEqual(d.changedKeys.sort(), ['DATABASE_URL', 'NODE_ENV', 'PRIVATE_KEY', 'SENTRY_DSN', 'STRIPE_SECRET_KEY'].sort());
    assert.ok(!d.changedKeys.includes('API_TOKEN'));
  });

  test('shows what identifies the environment, and no secret', () => {
    noSecret(d, ['s3cr3t-Passw0rd', 'n3w-Passw0rd-99', '51Habcdefghijklmnopqrstuv', '51Hzyxwvutsrqponmlkjihgf', 'tok_9f8e7d6c5b4a3f2e1d0c', 'abcdef0123456789abcdef0123456789', 'MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun', 'sslmode']);
    shows(d, ['db.staging.example.com', 'db.prod.example.com', 'NODE_ENV', 'production', 'staging', 'sk_live_****', 'private key', '3000']);
    assert.match(d.text, /STRIPE_SECRET_KEY: sk_live_\*\*\*\* \(value changed\)/);
  });

  test('tells the environment before and after', () => {
    assert.equal(d.environmentBefore?.environment, 'staging');
    assert.equal(d.environmentAfter?.environment, 'production');
    assert.match(d.text, /Environment: staging .* → production/);
  });

  test('the masked documents keep the structure and tell changed secrets apart', () => {
    assert.equal(d.left.split('\n').length, before.split('\n').length);
    assert.match(d.left, /^# app settings\nNODE_ENV=staging\n/);
    assert.match(d.left, /STRIPE_SECRET_KEY=sk_live_\*\*\*\* \(before: changed\)/);
    assert.match(d.right, /STRIPE_SECRET_KEY=sk_live_\*\*\*\* \(after: changed\)/);
    assert.match(d.right, /export API_TOKEN="\*\*\*\*"/);
  });

  test('a created and a deleted file', () => {
    const c = maskedDiff('/ws/.env.production', undefined, 'DB_PASSWORD=hunter2hunter2\nDB_HOST=db.prod.example.com\n');
    assert.match(c.text, /was created/);
    assert.deepEqual(c.added.sort(), ['DB_HOST', 'DB_PASSWORD']);
    noSecret(c, ['hunter2hunter2']);
    shows(c, ['db.prod.example.com']);
    assert.equal(c.left, '');
    const g = maskedDiff('/ws/.env', 'DB_PASSWORD=hunter2hunter2\n', undefined);
    assert.match(g.text, /was deleted/);
    noSecret(g, ['hunter2hunter2']);
  });

  test('comments with token-looking words are masked', () => {
    const c = maskedDiff('/ws/.env', 'A=1\n', 'A=1\n# old: ghp_abcdefghijklmnopqrstuvwxyz0123456789\n');
    noSecret(c, ['abcdefghijklmnopqrstuvwxyz0123456789']);
  });

  test('CRLF files keep their line endings in the masked document', () => {
    const c = maskedDiff('/ws/.env', 'A_TOKEN=abc123abc123\r\nREGION=eu-west-1\r\n', 'A_TOKEN=zzz999zzz999\r\nREGION=eu-west-1\r\n');
    assert.equal(c.right, 'A_TOKEN=**** (after: changed)\r\nREGION=eu-west-1\r\n');
  });
});

describe('ini: ~/.aws/credentials and config, .npmrc, .pypirc', () => {
  test('aws credentials: profiles visible, keys masked', () => {
    const before = '[default]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n';
    const after = before + '\n[prod-admin]\naws_access_key_id = AKIAI44QH8DHBEXAMPLE\naws_secret_access_key = je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY\naws_session_token = FwoGZXIvYXdzEBYaDHqa0AP\n';
    const d = maskedDiff('/home/u/.aws/credentials', before, after);
    assert.equal(d.format, 'ini');
    noSecret(d, ['IOSFODNN7EXAMPLE', 'wJalrXUtnFEMI', 'I44QH8DHBEXAMPLE', 'je7MtGbClwBF', 'FwoGZXIvYXdzEBYaDHqa0AP']);
    shows(d, ['[prod-admin].aws_access_key_id', '[prod-admin].aws_secret_access_key', '[prod-admin]']);
    assert.equal(d.environmentAfter?.environment, 'production');
  });

  test('aws config: region and profile visible', () => {
    const d = maskedDiff('/home/u/.aws/config', '[profile dev]\nregion = us-east-1\n', '[profile dev]\nregion = eu-central-1\nsso_account_id = 123456789012\n');
    shows(d, ['us-east-1', 'eu-central-1', '123456789012']);
    assert.equal(d.environmentAfter?.environment, 'development');
  });

  test('npmrc: the registry host visible, the auth token masked', () => {
    const d = maskedDiff('/ws/.npmrc', 'registry=https://registry.npmjs.org/\n', 'registry=https://npm.corp.example.com/\n//npm.corp.example.com/:_authToken=npm_abcdefghijklmnopqrstuvwxyz0123456789\nalways-auth=true\n');
    noSecret(d, ['abcdefghijklmnopqrstuvwxyz0123456789']);
    shows(d, ['https://npm.corp.example.com', '//npm.corp.example.com/:_authToken', 'always-auth']);
  });

  test('pypirc: repository and user visible, password masked', () => {
    const d = maskedDiff('/home/u/.pypirc', '', '[pypi]\nusername = __token__\npassword = pypi-AgEIcHlwaS5vcmcCJGFiY2RlZmdoaWprbG1ub3BxcnN0\n');
    noSecret(d, ['AgEIcHlwaS5vcmcCJGFiY2RlZmdoaWprbG1ub3BxcnN0']);
    shows(d, ['__token__', '[pypi].password']);
  });
});

describe('netrc', () => {
  test('machine and login visible, password masked', () => {
    const d = maskedDiff('/home/u/.netrc', 'machine api.heroku.com login me@example.com password old-0a1b2c3d4e5f\n', 'machine api.heroku.com\n  login me@example.com\n  password new-9z8y7x6w5v4u\n');
    noSecret(d, ['old-0a1b2c3d4e5f', 'new-9z8y7x6w5v4u']);
    shows(d, ['api.heroku.com', 'me@example.com', '[api.heroku.com].password']);
    assert.deepEqual(d.changedKeys, ['[api.heroku.com].password']);
  });
});

describe('JSON: service accounts, docker config, railway config', () => {
  test('a service account: project and client visible, key masked', () => {
    const sa = (project: string, keyBody: string) =>
      JSON.stringify({
        type: 'service_account',
        project_id: project,
        private_key_id: 'b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5',
        private_key: `-----BEGIN PRIVATE KEY-----\n${keyBody}\n-----END PRIVATE KEY-----\n`,
        client_email: `deployer@${project}.iam.gserviceaccount.com`,
        client_id: '109876543210987654321',
      });
    const d = maskedDiff('/ws/gcp-service-account.json', sa('acme-staging', 'MIIEvQIBADANBgkqhkiG9w0BAQEFAASC'), sa('acme-prod', 'MIIEvgIBADANBgkqhkiG9w0BAQEFAASD'));
    assert.equal(d.format, 'json');
    noSecret(d, ['MIIEvQIBADANBgkqhkiG9w0BAQEFAASC', 'MIIEvgIBADANBgkqhkiG9w0BAQEFAASD', 'b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5']);
    shows(d, ['acme-staging', 'acme-prod', 'project_id', 'private key (PRIVATE KEY']);
    assert.equal(d.environmentBefore?.environment, 'staging');
    assert.equal(d.environmentAfter?.environment, 'production');
    assert.doesNotThrow(() => JSON.parse(d.right), 'the masked document is still JSON');
  });

  test('docker config: registries visible, auth masked', () => {
    const d = maskedDiff('/home/u/.docker/config.json', '{"auths":{}}', '{"auths":{"ghcr.io":{"auth":"dXNlcjpnaHBfc2VjcmV0c2VjcmV0c2VjcmV0"}},"credsStore":"desktop"}');
    noSecret(d, ['dXNlcjpnaHBfc2VjcmV0c2VjcmV0c2VjcmV0']);
    shows(d, ['auths.ghcr.io.auth']);
  });

  test('railway config: the linked project and environment visible, the token masked', () => {
    const cfg = (env: string, envName: string) =>
      JSON.stringify({ projects: { '/work/app': { projectPath: '/work/app', name: 'shop', project: 'a1b2c3d4-0000-4000-8000-000000000001', environment: env, environmentName: envName } }, user: { token: 'rw_Fe26.2**abcdef0123456789abcdef0123456789' } }, null, 2);
    const d = maskedDiff('/home/u/.railway/config.json', cfg('e-1', 'staging'), cfg('e-2', 'production'));
    noSecret(d, ['abcdef0123456789abcdef0123456789']);
    shows(d, ['environmentName', 'staging', 'production', 'a1b2c3d4-0000-4000-8000-000000000001']);
    assert.equal(d.environmentAfter?.environment, 'production');
  });
});

describe('YAML: kubeconfig', () => {
  const kube = (current: string, token: string) =>
    [
      'apiVersion: v1',
      'kind: Config',
      `current-context: ${current}`,
      'clusters:',
      '- name: prod-eu',
      '  cluster:',
      '    server: https://k8s.prod.example.com',
      '    certificate-authority-data: LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCk1JSUM1ekNDQWMrZ0F3SUJBZ0lCQURBTkJna3Foa2lHOXcwQkFRc0ZBREFWTVJNd0VRWURWUVFERXdwcmRXSmwK',
      '- name: dev-local',
      '  cluster:',
      '    server: https://127.0.0.1:6443',
      'contexts:',
      '- name: prod-eu',
      '  context: { cluster: prod-eu, user: admin, namespace: payments }',
      '- name: dev-local',
      '  context: { cluster: dev-local, user: admin }',
      'users:',
      '- name: admin',
      '  user:',
      `    token: ${token}`,
      '',
    ].join('\n');

  test('contexts, clusters and servers visible; tokens and CA data masked; the current context decides', () => {
    const d = maskedDiff('/home/u/.kube/config', kube('dev-local', 'eyJhbGciOiJSUzI1NiIsImtpZCI6IjEifQ.eyJzdWIiOiJhZG1pbiJ9.c2lnbmF0dXJl'), kube('prod-eu', 'kubetoken-0123456789abcdefghij'));
    assert.equal(d.format, 'yaml');
    noSecret(d, ['eyJzdWIiOiJhZG1pbiJ9', 'kubetoken-0123456789abcdefghij', 'LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0t']);
    shows(d, ['current-context', 'prod-eu', 'dev-local', 'https://k8s.prod.example.com', 'payments', 'users[admin].user.token']);
    assert.equal(d.environmentBefore?.environment, 'development');
    assert.equal(d.environmentAfter?.environment, 'production');
  });
});

describe('PEM keys and binary files', () => {
  test('a private key replaced: only its kind, size and fingerprint', () => {
    const k1 = '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\n-----END OPENSSH PRIVATE KEY-----\n';
    const k2 = '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZX\n-----END OPENSSH PRIVATE KEY-----\n';
    const d = maskedDiff('/home/u/.ssh/id_ed25519', k1, k2);
    assert.equal(d.format, 'pem');
    noSecret(d, ['b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ']);
    assert.match(d.text, /private key \(OPENSSH PRIVATE KEY, \d+ chars, sha256:[0-9a-f]{12}\) → .*private key/);
    assert.deepEqual(d.changedKeys, ['OPENSSH PRIVATE KEY #1']);
  });

  test('a binary key store: size and fingerprint only', () => {
    const bytes = (n: number) => Uint8Array.from({ length: 64 }, (_, i) => (i * n) % 256);
    const d = maskedDiff('/ws/keystore.p12', bytes(7), bytes(11));
    assert.equal(d.format, 'binary');
    assert.match(d.text, /binary content, 64 bytes, sha256:[0-9a-f]{12}/);
  });
});

describe('tfvars and guard files', () => {
  test('tfvars: region visible, password masked', () => {
    const d = maskedDiff('/ws/prod.tfvars', 'region = "eu-west-1"\ndb_password = "correct-horse-battery"\n', 'region = "eu-west-1"\ndb_password = "staple-horse-battery"\n');
    noSecret(d, ['correct-horse-battery', 'staple-horse-battery']);
    assert.deepEqual(d.changedKeys, ['db_password']);
    assert.match(d.right, /region = "eu-west-1"/);
  });

  test('a configuration file shows its values, masking only secrets', () => {
    const d = maskedDiff('/ws/.twokey/policy.json', '{"overrides":[{"rule":"fs.*","decision":"ask"}]}', '{"overrides":[{"rule":"fs.*","decision":"allow"}],"token":"ghp_abcdefghijklmnopqrstuvwxyz0123456789"}', { configuration: true });
    assert.match(d.text, /overrides\[0\]\.decision: ask → allow/);
    noSecret(d, ['abcdefghijklmnopqrstuvwxyz0123456789']);
  });
});
