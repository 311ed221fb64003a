import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { isGopprofError } from '../errors.ts';
import { loadKubeConfig } from './kubernetes-kube-config.ts';

const KUBECONFIG = `apiVersion: v1
kind: Config
clusters:
- name: c
  cluster: {server: "https://10.0.0.1:6443", insecure-skip-tls-verify: true}
users:
- name: u
  user: {token: t0k3n}
contexts:
- name: x
  context: {cluster: c, user: u}
current-context: x
`;

test('a named kubeconfig file wins, even inside a pod', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'gopprof-kc-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const file = join(dir, 'config');
  await writeFile(file, KUBECONFIG);
  const { kubeConfig, origin } = loadKubeConfig({ kubeconfig: file, env: { KUBERNETES_SERVICE_HOST: '10.96.0.1' } });
  assert.equal(origin, 'file');
  assert.equal(kubeConfig.getCurrentCluster()?.server, 'https://10.0.0.1:6443');
  assert.equal(kubeConfig.getCurrentUser()?.token, 't0k3n');
});

test('inside a pod the service account is used', async (t) => {
  const prefix = await mkdtemp(join(tmpdir(), 'gopprof-sa-'));
  t.after(() => rm(prefix, { recursive: true, force: true }));
  const sa = join(prefix, 'var/run/secrets/kubernetes.io/serviceaccount');
  await mkdir(sa, { recursive: true });
  await writeFile(join(sa, 'token'), 'sa-token');
  await writeFile(join(sa, 'namespace'), 'gopprof');
  // loadFromCluster reads the service address from process.env itself.
  const saved = { host: process.env.KUBERNETES_SERVICE_HOST, port: process.env.KUBERNETES_SERVICE_PORT };
  process.env.KUBERNETES_SERVICE_HOST = 'fd00::1';
  process.env.KUBERNETES_SERVICE_PORT = '443';
  t.after(() => {
    for (const [k, v] of [['KUBERNETES_SERVICE_HOST', saved.host], ['KUBERNETES_SERVICE_PORT', saved.port]] as const) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  });
  const { kubeConfig, origin } = loadKubeConfig({ kubeconfig: '', env: process.env, inClusterPathPrefix: prefix });
  assert.equal(origin, 'in-cluster');
  assert.equal(kubeConfig.getCurrentCluster()?.server, 'https://[fd00::1]:443');
  assert.equal(kubeConfig.getCurrentCluster()?.caFile, join(sa, 'ca.crt'));
  assert.equal(kubeConfig.getContextObject(kubeConfig.getCurrentContext())?.namespace, 'gopprof');
});

test('an unreadable or cluster-less kubeconfig fails the start with CONFIG_INVALID', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'gopprof-kc-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  assert.throws(
    () => loadKubeConfig({ kubeconfig: join(dir, 'missing'), env: {} }),
    (e: unknown) => isGopprofError(e, 'CONFIG_INVALID') && e.message.includes(`cannot load kubeconfig ${join(dir, 'missing')}`),
  );
  const empty = join(dir, 'empty');
  await writeFile(empty, 'apiVersion: v1\nkind: Config\nclusters: []\ncontexts: []\nusers: []\n');
  assert.throws(
    () => loadKubeConfig({ kubeconfig: empty, env: {} }),
    (e: unknown) => isGopprofError(e, 'CONFIG_INVALID') && /has no current cluster/.test(e.message),
  );
});
