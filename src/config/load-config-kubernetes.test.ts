// The `kubernetes` section of the configuration: defaults, file and
// environment values, and validation that names each bad key.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { writeTempFile } from '../../test/support/temp-file.ts';
import { isGopprofError } from '../errors.ts';
import { loadConfig } from './load-config.ts';

/** A config file holding `text`. */
const file = (text: string): Promise<string> => writeTempFile('gopprof-config-k8s-', 'config.yaml', text);

test('kubernetes discovery is off by default and configurable by file and environment', async () => {
  const d = await loadConfig({ file: '', env: {} });
  assert.deepEqual(d.kubernetes, {
    enabled: false,
    namespaces: [],
    kubeconfig: '',
    resyncSeconds: 300,
    annotationPrefix: 'gopprof.io',
    startWaitSeconds: 15,
  });
  const p = await file('kubernetes:\n  enabled: true\n  namespaces: [shop, payments]\n  resyncSeconds: 60\n');
  const c = await loadConfig({
    file: p,
    env: {
      GOPPROF_KUBERNETES_KUBECONFIG: '/etc/kube/config',
      GOPPROF_KUBERNETES_ANNOTATION_PREFIX: 'profiling.example.com',
      GOPPROF_KUBERNETES_START_WAIT_SECONDS: '0',
    },
  });
  assert.deepEqual(c.kubernetes, {
    enabled: true,
    namespaces: ['shop', 'payments'],
    kubeconfig: '/etc/kube/config',
    resyncSeconds: 60,
    annotationPrefix: 'profiling.example.com',
    startWaitSeconds: 0,
  });
  const e = await loadConfig({ file: '', env: { GOPPROF_KUBERNETES_ENABLED: 'true', GOPPROF_KUBERNETES_NAMESPACES: '["a"]' } });
  assert.deepEqual(e.kubernetes.namespaces, ['a']);
  assert.ok(Object.isFrozen(e.kubernetes.namespaces));
});

test('bad kubernetes values are each reported by key', async () => {
  const p = await file(
    'kubernetes:\n  namespaces: [Shop, ok, ok, 7]\n  resyncSeconds: 1.5\n  annotationPrefix: "gopprof.io/"\n  watch: true\n',
  );
  await assert.rejects(loadConfig({ file: p, env: {} }), (err: unknown) => {
    assert.ok(isGopprofError(err, 'CONFIG_INVALID'));
    assert.match(err.message, /kubernetes\.watch: unknown key/);
    return true;
  });
  const q = await file('kubernetes:\n  namespaces: [Shop, ok, ok, 7]\n  resyncSeconds: 1.5\n  annotationPrefix: "gopprof.io/"\n  startWaitSeconds: -1\n');
  await assert.rejects(loadConfig({ file: q, env: {} }), (err: unknown) => {
    assert.ok(isGopprofError(err, 'CONFIG_INVALID'));
    assert.match(err.message, /kubernetes\.namespaces\[0\]: "Shop" is not a namespace name/);
    assert.match(err.message, /kubernetes\.namespaces\[2\]: "ok" is listed twice/);
    assert.match(err.message, /kubernetes\.namespaces\[3\]: 7 is not a namespace name/);
    assert.match(err.message, /kubernetes\.resyncSeconds: want a whole number from 10 to 86400, got 1.5/);
    assert.match(err.message, /kubernetes\.annotationPrefix: "gopprof.io\/" is not a DNS subdomain/);
    assert.match(err.message, /kubernetes\.startWaitSeconds: want a whole number from 0 to 300, got -1/);
    return true;
  });
  await assert.rejects(loadConfig({ file: '', env: { GOPPROF_KUBERNETES_NAMESPACES: 'shop' } }), /kubernetes\.namespaces \(GOPPROF_KUBERNETES_NAMESPACES\): not valid JSON/);
});
