// A capture taken while the object store is down is kept in the spool and
// says so (storedIn: spool); once the spool has uploaded it, the record read
// back says primary, as the README promises, rather than spool forever.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { createAnalyzer, createCaptureService } from '../src/capture/index.ts';
import { GopprofError } from '../src/errors.ts';
import { createSpoolingStore, type ObjectStore } from '../src/storage/index.ts';
import { createStaticTargetRegistry } from '../src/targets/index.ts';
import { createLogger, MetricsRegistry } from '../src/telemetry/index.ts';
import { createTestLocalStore, TEST_CAPTURE_LIMITS } from './support/capture-service.ts';
import { PROFILES_DIR } from './support/fixtures.ts';

const PROFILE = new Uint8Array(await readFile(join(PROFILES_DIR, 'heap.pb.gz')));

test('a spooled capture says storedIn spool until the spool has uploaded it, then primary', async (t) => {
  const root = await mkdtemp(join(tmpdir(), 'gopprof-capture-spool-'));
  t.after(() => rm(root, { recursive: true, force: true }));
  const real = createTestLocalStore(join(root, 'primary'));
  let down = true;
  const unavailable = () => Promise.reject(new GopprofError('STORAGE_UNAVAILABLE', 'the primary is down (test)'));
  // The primary refuses writes while down; reads of what it has keep working.
  const primary: ObjectStore = {
    ...real,
    put: (key, body, options, signal) => (down ? unavailable() : real.put(key, body, options, signal)),
    check: (signal) => (down ? unavailable() : real.check(signal)),
  };
  const store = createSpoolingStore(primary, createTestLocalStore(join(root, 'spool')), { retryIntervalMs: 60_000 });
  t.after(() => store.stop());
  const service = createCaptureService({
    targets: createStaticTargetRegistry([{ name: 'go', url: 'http://go.test/debug/pprof', labels: {}, owner: '' }]),
    fetch: async () => ({ bytes: PROFILE, url: 'http://go.test/debug/pprof/heap', contentType: 'application/octet-stream', status: 200, startedAt: new Date(), elapsedMs: 1 }),
    analyze: createAnalyzer(64 * 2 ** 20),
    render: async () => '<svg xmlns="http://www.w3.org/2000/svg"/>',
    store,
    limits: TEST_CAPTURE_LIMITS,
    metrics: new MetricsRegistry(),
    logger: createLogger('silent'),
  });

  const c = await service.profile({ targetId: 'go', type: 'heap', seconds: 0 });
  assert.equal(c.storedIn, 'spool');
  assert.equal((await service.get(c.id)).storedIn, 'spool');
  assert.equal((await service.list({})).captures[0].storedIn, 'spool');

  down = false;
  await store.drain();
  assert.equal(store.stats().pending, 0, 'everything was uploaded');
  assert.deepEqual(await real.get(c.artifacts.profile!.key), PROFILE);
  const after = await service.get(c.id);
  assert.equal(after.storedIn, 'primary');
  assert.equal((await service.list({})).captures[0].storedIn, 'primary');
});
