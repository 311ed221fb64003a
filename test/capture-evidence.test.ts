// A fetched profile is evidence: once the bytes are in, a caller that gives up
// (a gRPC client's Ctrl-C or deadline, the server stopping) cancels the
// analysis, not the storing. The raw profile and a failed record saying
// ABORTED are kept, and ListCaptures shows them.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type TestContext, test } from 'node:test';
import { type CaptureServiceHandle, createAnalyzer, createCaptureService, createWorkerAnalyzer } from '../src/capture/index.ts';
import { isGopprofError } from '../src/errors.ts';
import type { FetchResult } from '../src/fetch/index.ts';
import type { ObjectStore } from '../src/storage/index.ts';
import { createStaticTargetRegistry } from '../src/targets/index.ts';
import { createLogger, MetricsRegistry } from '../src/telemetry/index.ts';
import { createTestLocalStore, TEST_CAPTURE_LIMITS } from './support/capture-service.ts';
import { eventually } from './support/eventually.ts';
import { PROFILES_DIR } from './support/fixtures.ts';

const PROFILE = new Uint8Array(await readFile(join(PROFILES_DIR, 'cpu.pb.gz')));

function fetched(): FetchResult {
  return { bytes: PROFILE, url: 'http://go.test/debug/pprof/profile?seconds=1', contentType: 'application/octet-stream', status: 200, startedAt: new Date(), elapsedMs: 1 };
}

/** A capture service over a local store; `hooks` may step in before the store's put or the analysis. */
async function setup(
  t: TestContext,
  hooks: { beforePut?: (key: string) => void; beforeAnalyze?: () => void },
): Promise<{ service: CaptureServiceHandle; store: ObjectStore }> {
  const root = await mkdtemp(join(tmpdir(), 'gopprof-evidence-'));
  t.after(() => rm(root, { recursive: true, force: true }));
  const local = createTestLocalStore(root);
  const store: ObjectStore = {
    ...local,
    put: (key, body, options, signal) => {
      hooks.beforePut?.(key);
      return local.put(key, body, options, signal);
    },
  };
  const analyze = createAnalyzer(64 * 2 ** 20);
  const service = createCaptureService({
    targets: createStaticTargetRegistry([{ name: 'go', url: 'http://go.test/debug/pprof', labels: {}, owner: '' }]),
    fetch: async () => fetched(),
    analyze: (bytes, options, signal) => {
      hooks.beforeAnalyze?.();
      return analyze(bytes, options, signal);
    },
    render: async () => '<svg xmlns="http://www.w3.org/2000/svg"/>',
    store,
    limits: TEST_CAPTURE_LIMITS,
    metrics: new MetricsRegistry(),
    logger: createLogger('silent'),
  });
  return { service, store };
}

async function theOnlyRecord(service: CaptureServiceHandle) {
  const page = await eventually('the capture record is stored', async () => {
    const p = await service.list({});
    return p.captures.length > 0 && p;
  });
  assert.equal(page.captures.length, 1);
  return page.captures[0];
}

test('a caller that cancels while the fetched profile is analysed still leaves the profile and a failed record', async (t) => {
  const caller = new AbortController();
  const { service, store } = await setup(t, { beforeAnalyze: () => caller.abort() });
  await assert.rejects(service.profile({ targetId: 'go', type: 'cpu', seconds: 1 }, caller.signal), (e: unknown) => isGopprofError(e, 'ABORTED'));
  const c = await theOnlyRecord(service);
  assert.equal(c.status, 'failed');
  assert.equal(c.error?.code, 'ABORTED');
  assert.deepEqual(await store.get(c.artifacts.profile!.key), PROFILE);
  assert.equal(service.targets()[0].lastError?.code, 'ABORTED');
});

test('a caller that cancels while the fetched profile is being stored does not stop it being stored', async (t) => {
  const caller = new AbortController();
  const { service, store } = await setup(t, { beforePut: (key) => key.endsWith('/profile.pb.gz') && caller.abort() });
  await assert.rejects(service.profile({ targetId: 'go', type: 'cpu', seconds: 1 }, caller.signal), (e: unknown) => isGopprofError(e, 'ABORTED'));
  const c = await theOnlyRecord(service);
  assert.equal(c.status, 'failed');
  assert.equal(c.error?.code, 'ABORTED');
  assert.deepEqual(await store.get(c.artifacts.profile!.key), PROFILE);
});

test('without a cancellation the same capture is complete (the hooks themselves break nothing)', async (t) => {
  const { service, store } = await setup(t, {});
  const c = await service.profile({ targetId: 'go', type: 'cpu', seconds: 1 });
  assert.equal(c.status, 'ok');
  assert.deepEqual(Object.keys(c.artifacts).sort(), ['dot', 'profile', 'svg']);
  assert.deepEqual(await store.get(c.artifacts.profile!.key), PROFILE);
  assert.equal((await theOnlyRecord(service)).id, c.id);
});

test('an analysis past its deadline fails the capture with ANALYSIS_TIMEOUT; the profile is kept', async (t) => {
  const root = await mkdtemp(join(tmpdir(), 'gopprof-evidence-'));
  t.after(() => rm(root, { recursive: true, force: true }));
  const store = createTestLocalStore(root);
  const service = createCaptureService({
    targets: createStaticTargetRegistry([{ name: 'go', url: 'http://go.test/debug/pprof', labels: {}, owner: '' }]),
    fetch: async () => fetched(),
    // No analysis (not even a worker's start) fits in 1 ms.
    analyze: createWorkerAnalyzer({ maxDecompressedBytes: 64 * 2 ** 20, timeoutMs: 1 }),
    render: async () => '<svg xmlns="http://www.w3.org/2000/svg"/>',
    store,
    limits: TEST_CAPTURE_LIMITS,
    metrics: new MetricsRegistry(),
    logger: createLogger('silent'),
  });
  await assert.rejects(service.profile({ targetId: 'go', type: 'cpu', seconds: 1 }), (e: unknown) =>
    isGopprofError(e, 'ANALYSIS_TIMEOUT'),
  );
  const c = await theOnlyRecord(service);
  assert.equal(c.error?.code, 'ANALYSIS_TIMEOUT');
  assert.deepEqual(await store.get(c.artifacts.profile!.key), PROFILE);
});
