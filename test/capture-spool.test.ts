// A capture taken while the object store is down is kept in the spool and
// says so (storedIn: spool); once the spool has uploaded it, the record read
// back says primary, as the README promises, rather than spool forever.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type TestContext, test } from 'node:test';
import { captureKeys, createAnalyzer, createCaptureService } from '../src/capture/index.ts';
import { GopprofError } from '../src/errors.ts';
import { createSpoolingStore, type ObjectStore } from '../src/storage/index.ts';
import { createStaticTargetRegistry } from '../src/targets/index.ts';
import { createLogger, MetricsRegistry } from '../src/telemetry/index.ts';
import { createTestLocalStore, TEST_CAPTURE_LIMITS } from './support/capture-service.ts';
import { PROFILES_DIR } from './support/fixtures.ts';

const PROFILE = new Uint8Array(await readFile(join(PROFILES_DIR, 'heap.pb.gz')));

/** A capture service on a spooling store whose primary goes down when `state.down` (or at the record's put when `state.downAtRecord`). */
async function setup(t: TestContext) {
  const root = await mkdtemp(join(tmpdir(), 'gopprof-capture-spool-'));
  t.after(() => rm(root, { recursive: true, force: true }));
  const real = createTestLocalStore(join(root, 'primary'));
  const state = { down: false, downAtRecord: false, recordPuts: 0 };
  const unavailable = () => Promise.reject(new GopprofError('STORAGE_UNAVAILABLE', 'the primary is down (test)'));
  // The primary refuses writes while down; reads of what it has keep working.
  const primary: ObjectStore = {
    ...real,
    put: (key, body, options, signal) => {
      if (key.endsWith('/capture.json') && state.downAtRecord) state.down = true;
      return state.down ? unavailable() : real.put(key, body, options, signal);
    },
    check: (signal) => (state.down ? unavailable() : real.check(signal)),
  };
  const spooling = createSpoolingStore(primary, createTestLocalStore(join(root, 'spool')), { retryIntervalMs: 60_000 });
  t.after(() => spooling.stop());
  const store: ObjectStore = {
    ...spooling,
    put: (key, body, options, signal) => {
      if (key.endsWith('/capture.json')) state.recordPuts++;
      return spooling.put(key, body, options, signal);
    },
  };
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
  return { service, spooling, real, state };
}

test('a spooled capture says storedIn spool until the spool has uploaded it, then primary; its record is written once', async (t) => {
  const { service, spooling, real, state } = await setup(t);
  state.down = true;
  const c = await service.profile({ targetId: 'go', type: 'heap', seconds: 0 });
  assert.equal(c.storedIn, 'spool');
  assert.equal(state.recordPuts, 1, 'one record write, already saying spool');
  assert.equal((await service.get(c.id)).storedIn, 'spool');
  assert.equal((await service.list({})).captures[0].storedIn, 'spool');

  state.down = false;
  await spooling.drain();
  assert.equal(spooling.stats().pending, 0, 'everything was uploaded');
  assert.deepEqual(await real.get(c.artifacts.profile!.key), PROFILE);
  assert.equal(JSON.parse(new TextDecoder().decode(await real.get(captureKeys(c.id).metadata))).storedIn, 'spool');
  const after = await service.get(c.id);
  assert.equal(after.storedIn, 'primary');
  assert.equal((await service.list({})).captures[0].storedIn, 'primary');
  assert.equal(state.recordPuts, 1);
});

test('a record spooled after its artifacts reached the primary says spool until it is uploaded', async (t) => {
  const { service, spooling, state } = await setup(t);
  state.downAtRecord = true;
  const c = await service.profile({ targetId: 'go', type: 'heap', seconds: 0 });
  assert.equal(c.storedIn, 'spool', 'the caller hears where the record went');
  assert.equal(state.recordPuts, 1);
  assert.equal((await service.get(c.id)).storedIn, 'spool');
  assert.equal((await service.list({})).captures[0].storedIn, 'spool');
  state.down = false;
  state.downAtRecord = false;
  await spooling.drain();
  assert.equal((await service.get(c.id)).storedIn, 'primary');
});
