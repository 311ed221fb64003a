import assert from 'node:assert/strict';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { createLocalStore } from '../storage/index.ts';
import { createLogger, MetricsRegistry } from '../telemetry/index.ts';
import { createHttpServer } from './http-server.ts';

test('serves health, readiness, metrics and local artifacts with their content type', async (t) => {
  const root = await mkdtemp(join(tmpdir(), 'gopprof-http-'));
  const store = createLocalStore({ root, publicBaseUrl: 'http://127.0.0.1' });
  const svg = '<svg xmlns="http://www.w3.org/2000/svg"></svg>';
  await store.put('captures/x/graph.svg', new TextEncoder().encode(svg), { contentType: 'image/svg+xml' });
  const metrics = new MetricsRegistry();
  metrics.counter('gopprof_test_total', 'test').inc();
  let ready = true;
  const server = createHttpServer({
    metrics,
    artifactRoots: [join(root, 'missing'), root],
    ready: async () => {
      if (!ready) throw new Error('store down');
    },
    logger: createLogger('silent'),
  });
  const port = await server.start('127.0.0.1', 0);
  t.after(() => server.stop());
  const base = `http://127.0.0.1:${port}`;

  assert.equal((await fetch(`${base}/healthz`)).status, 200);
  assert.equal((await fetch(`${base}/readyz`)).status, 200);
  ready = false;
  const notReady = await fetch(`${base}/readyz`);
  assert.equal(notReady.status, 503);
  assert.match(await notReady.text(), /store down/);

  const m = await fetch(`${base}/metrics`);
  assert.match(m.headers.get('content-type') ?? '', /version=0\.0\.4/);
  assert.match(await m.text(), /^gopprof_test_total 1$/m);

  const a = await fetch(`${base}/artifacts/captures/x/graph.svg`);
  assert.equal(a.status, 200);
  assert.equal(a.headers.get('content-type'), 'image/svg+xml');
  assert.equal(await a.text(), svg);

  assert.equal((await fetch(`${base}/artifacts/captures/x/none.svg`)).status, 404);
  assert.equal((await fetch(`${base}/artifacts/other/graph.svg`)).status, 404);
  assert.equal((await fetch(`${base}/artifacts/captures%2F..%2F..%2Fetc%2Fpasswd`)).status, 400);
  assert.equal((await fetch(`${base}/artifacts/captures/x/graph.svg`, { method: 'POST' })).status, 405);
  await server.stop();
  await server.stop();
});
