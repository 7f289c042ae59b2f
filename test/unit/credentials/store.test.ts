/**
 * The snapshot store (0600 files in a 0700 folder, byte-for-byte revert, binary and CRLF
 * included, "absent" as an approved state), the expected-change registry, the policy gate
 * and the masked-variable selection.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ExpectedChanges, PolicyGate, SnapshotStore, classifyWatchedFile, homeCredentialFiles, maskedVariableNames, pathsInCommand, policyWatchSpecs, workspaceSpecs } from '../../../src/core/credentials';

function tmp(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'twokey-cred-'));
}

describe('SnapshotStore', () => {
  test('keeps copies 0600 in a 0700 folder, named by a hash of the path', () => {
    const dir = tmp();
    const store = new SnapshotStore(path.join(dir, 'snaps'));
    store.approve('/ws/.env', 'A=1\n');
    assert.equal(fs.statSync(path.join(dir, 'snaps')).mode & 0o777, 0o700);
    const files = fs.readdirSync(path.join(dir, 'snaps'));
    assert.equal(files.length, 1);
    assert.match(files[0], /^[0-9a-f]{40}\.snap$/);
    assert.equal(fs.statSync(path.join(dir, 'snaps', files[0])).mode & 0o777, 0o600);
    assert.ok(!files[0].includes('env'), 'the name does not tell the path');
  });

  test('reverts byte for byte: CRLF, no final newline, binary', () => {
    const dir = tmp();
    const store = new SnapshotStore(path.join(dir, 'snaps'));
    const file = path.join(dir, '.env');
    const original = Buffer.concat([Buffer.from('A=1\r\nB="x y"\r\n\tC=\u00e9', 'utf8'), Buffer.from([0, 255, 254, 13, 10, 13])]);
    fs.writeFileSync(file, original, { mode: 0o640 });
    store.approve(file, fs.readFileSync(file));
    fs.writeFileSync(file, 'A=2\n');
    assert.equal(store.matches(file, fs.readFileSync(file)), false);
    assert.ok(store.revert(file));
    assert.ok(fs.readFileSync(file).equals(original));
    assert.equal(fs.statSync(file).mode & 0o777, 0o640, 'the file keeps its mode');
    assert.equal(store.matches(file, fs.readFileSync(file)), true);
    assert.deepEqual(fs.readdirSync(dir).sort(), ['.env', 'snaps'], 'no temporary file left');
  });

  test('a deleted file is written back; a file approved as absent is removed again', () => {
    const dir = tmp();
    const store = new SnapshotStore(path.join(dir, 'snaps'));
    const file = path.join(dir, 'creds', 'key.pem');
    fs.mkdirSync(path.dirname(file));
    fs.writeFileSync(file, '-----BEGIN PRIVATE KEY-----\nabc\n-----END PRIVATE KEY-----\n');
    store.approve(file, fs.readFileSync(file));
    fs.rmSync(file);
    assert.ok(store.revert(file));
    assert.match(fs.readFileSync(file, 'utf8'), /abc/);
    const other = path.join(dir, '.env.production');
    store.approve(other, undefined);
    assert.deepEqual(store.lastApproved(other), { exists: false });
    fs.writeFileSync(other, 'X=1');
    assert.ok(store.revert(other));
    assert.ok(!fs.existsSync(other));
    assert.equal(store.revert(path.join(dir, 'never-seen')), false);
  });
});

describe('ExpectedChanges', () => {
  test('explains a change of a path an approved command names, for a while', () => {
    let now = 1000;
    const x = new ExpectedChanges(() => now);
    x.expectChange(['.env', 'https://example.com/x'], 5000, 'cp .env.production .env', '/ws');
    assert.equal(x.explains('/ws/.env')?.because, 'cp .env.production .env');
    assert.equal(x.explains('/ws/.env.local'), undefined);
    now += 6000;
    assert.equal(x.explains('/ws/.env'), undefined);
    assert.equal(x.size, 0);
  });

  test('a folder target covers the files inside it', () => {
    const x = new ExpectedChanges(() => 0);
    x.expectChange(['/home/u/.aws'], 1000);
    assert.ok(x.explains('/home/u/.aws/credentials'));
    assert.equal(x.explains('/home/u/.aws-other/credentials'), undefined);
  });

  test('paths named by a command line', () => {
    assert.deepEqual(pathsInCommand('cp .env.production .env && echo ok >~/.netrc', '/ws', '/home/u'), ['/ws/.env.production', '/ws/.env', '/home/u/.netrc']);
  });
});

describe('PolicyGate', () => {
  test('holds back a loosening until it is approved; tightening goes through', () => {
    const dir = tmp();
    const store = new SnapshotStore(path.join(dir, 'snaps'));
    const file = path.join(dir, 'policy.json');
    const strict = '{"overrides":[{"rule":"fs.*","decision":"ask"}]}';
    fs.writeFileSync(file, strict);
    store.approve(file, strict);
    const gate = new PolicyGate(store);
    const seen: string[] = [];
    gate.onPending((f) => seen.push(f));
    assert.equal(gate.policyText(file), undefined, 'unchanged: read the disk');
    fs.writeFileSync(file, '{"overrides":[{"rule":"fs.*","decision":"allow"}]}');
    assert.equal(gate.policyText(file), strict, 'loosened: the approved text applies');
    assert.equal(gate.policyText(file), strict);
    assert.deepEqual(seen, [file], 'one pending notice');
    assert.ok(gate.isPending(file));
    fs.writeFileSync(file, '{"overrides":[{"rule":"fs.*","decision":"deny"}]}');
    assert.equal(gate.policyText(file), undefined, 'tightened: the disk applies');
    const none = path.join(dir, 'other.json');
    store.approve(none, undefined);
    fs.writeFileSync(none, '{"overrides":[{"rule":"*","decision":"allow"}]}');
    assert.equal(gate.policyText(none), '{}', 'a new permissive file applies as an empty policy');
    assert.equal(gate.policyText(path.join(dir, 'never.json')), undefined, 'nothing approved yet: the disk');
  });
});

describe('watched paths', () => {
  test('home files follow HOME and the tool variables; policy globs split into home and workspace', () => {
    const specs = homeCredentialFiles('/home/u', { KUBECONFIG: '/tmp/k/config' });
    const abs = specs.map((s) => path.join(s.base, s.pattern));
    assert.ok(abs.includes('/home/u/.aws/credentials'));
    assert.ok(abs.includes('/tmp/k/config'));
    assert.ok(!abs.includes('/home/u/.kube/config'));
    assert.ok(specs.some((s) => s.base === '/home/u/.ssh' && !s.pattern.includes('known_hosts')));
    assert.deepEqual(policyWatchSpecs(['~/.config/gcloud/**', '~/.pgpass', '**/.env'], '/home/u', '/ws'), [
      { base: '/home/u/.config/gcloud', pattern: '**', kind: 'credential' },
      { base: '/home/u', pattern: '.pgpass', kind: 'credential' },
      { base: '/ws', pattern: '**/.env', kind: 'credential' },
    ]);
  });

  test('classifies guard files, credential files and neither', () => {
    const specs = [...workspaceSpecs('/ws'), ...homeCredentialFiles('/home/u')];
    assert.deepEqual(classifyWatchedFile('/ws/.twokey/policy.json', '/ws', specs), { kind: 'guard', guard: 'policy', rel: '.twokey/policy.json' });
    assert.equal(classifyWatchedFile('/ws/.twokey/audit.jsonl', '/ws', specs), undefined, 'the audit log is not a guard file');
    assert.equal(classifyWatchedFile('/ws/.claude/settings.local.json', '/ws', specs)?.kind, 'guard');
    assert.equal(classifyWatchedFile('/ws/.github/hooks/twokey.json', '/ws', specs)?.kind, 'guard');
    assert.deepEqual(classifyWatchedFile('/ws/config/.env.production', '/ws', specs), { kind: 'credential', rel: 'config/.env.production' });
    assert.equal(classifyWatchedFile('/ws/node_modules/x/.env', '/ws', specs), undefined);
    assert.equal(classifyWatchedFile('/ws/src/index.ts', '/ws', specs), undefined);
    assert.equal(classifyWatchedFile('/home/u/.aws/credentials', '/ws', specs)?.kind, 'credential');
    assert.equal(classifyWatchedFile('/home/u/.ssh/known_hosts', '/ws', specs), undefined);
  });
});

describe('masked variables', () => {
  test('names and globs select variables present; what the shell and TwoKey need is never masked', () => {
    const env = { PROD_DATABASE_URL: 'x', STRIPE_SECRET_KEY: 'y', PATH: '/bin', TWOKEY_SOCKET: 's', UNSET: undefined, HOME: '/h' };
    assert.deepEqual(maskedVariableNames(['PROD_*', 'STRIPE_SECRET_KEY', 'PATH', 'TWOKEY_*', 'UNSET', '*HOME*'], env), ['PROD_DATABASE_URL', 'STRIPE_SECRET_KEY']);
    assert.deepEqual(maskedVariableNames([], env), []);
  });
});
