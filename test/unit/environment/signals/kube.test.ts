import { test, describe, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { kubeconfig, parseKube } from '../../../../src/core/environment/signals';
import { Fixture, read, shown } from './helpers';

let fx: Fixture;
afterEach(() => fx?.cleanup());

const KUBECONFIG = `apiVersion: v1
kind: Config
current-context: payments
clusters:
- name: eks-1
  cluster:
    server: https://ABCDEF.gr7.eu-west-1.eks.amazonaws.com
contexts:
- name: payments
  context:
    cluster: eks-1
    namespace: production
    user: admin
users:
- name: admin
  user:
    token: kube-secret-token
`;

describe('kubeconfig', () => {
  test('the current context, its cluster, namespace and server host; no user kept', () => {
    const k = parseKube(KUBECONFIG);
    assert.equal(k.current, 'payments');
    assert.deepEqual(k.contexts.get('payments'), { cluster: 'eks-1', namespace: 'production' });
    assert.equal(k.servers.get('eks-1'), 'https://ABCDEF.gr7.eu-west-1.eks.amazonaws.com');
    assert.ok(!JSON.stringify([...k.contexts, ...k.servers]).includes('kube-secret-token'));
  });

  test('a signal named after the context, placed by its namespace', () => {
    fx = new Fixture();
    fx.write('~/.kube/config', KUBECONFIG);
    const s = read(fx, kubeconfig);
    assert.deepEqual(shown(s), [['kubeconfig:current-context', 'payments', 'production']]);
    assert.equal(s[0].detail, 'cluster eks-1, namespace production, server abcdef.gr7.eu-west-1.eks.amazonaws.com');
  });

  test('KUBECONFIG lists files: the current context from one, the context from another', () => {
    fx = new Fixture();
    const a = fx.write('~/k/a.yaml', 'current-context: kind-dev\n');
    const b = fx.write('~/k/b.yaml', 'contexts:\n- name: kind-dev\n  context:\n    cluster: kind-dev\nclusters:\n- name: kind-dev\n  cluster:\n    server: https://127.0.0.1:6443\n');
    const s = read(fx, kubeconfig, { env: { KUBECONFIG: [a, b].join(path.delimiter) } });
    assert.deepEqual(shown(s), [['kubeconfig:current-context', 'kind-dev', 'development']]);
    assert.equal(s[0].source, a);
  });

  test('no current context, or no file: nothing', () => {
    fx = new Fixture();
    assert.deepEqual(read(fx, kubeconfig), []);
    fx.write('~/.kube/config', 'apiVersion: v1\nclusters: []\n');
    assert.deepEqual(read(fx, kubeconfig), []);
  });
});
