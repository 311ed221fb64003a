import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type TestContext, test } from 'node:test';
import { GopprofError, isGopprofError } from '../errors.ts';
import { createLocalStore, type ObjectStore } from '../storage/index.ts';
import { createLogger, MetricsRegistry } from '../telemetry/index.ts';
import { captureKeys, newCaptureId } from './capture-keys.ts';
import { createCapturePruner } from './capture-pruner.ts';

const NOW = new Date('2026-11-25T12:00:00.000Z');
const DAY = 86_400_000;

async function waitFor(what: string, condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** A local store with `n` captures 10+ days old, behind a switch that makes it fail like an unreachable S3. */
async function setup(t: TestContext, n: number) {
  const root = await mkdtemp(join(tmpdir(), 'gopprof-pruner-'));
  t.after(() => rm(root, { recursive: true, force: true }));
  const local = createLocalStore({ root, publicBaseUrl: 'http://gopprof.test' });
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const id = newCaptureId(new Date(NOW.getTime() - (10 + i) * DAY), 'cpu', () => `0000000${i}`);
    await local.put(captureKeys(id).metadata, new TextEncoder().encode('{}'), { contentType: 'application/json' });
    await local.put(captureKeys(id).profile, new Uint8Array(10), { contentType: 'application/octet-stream' });
    ids.push(id);
  }
  const sw = { down: false, calls: 0 };
  const guard = () => {
    sw.calls++;
    if (sw.down) throw new GopprofError('STORAGE_UNAVAILABLE', 'the store is down (test)');
  };
  const store: ObjectStore = {
    ...local,
    async *list(prefix, signal) {
      guard();
      yield* local.list(prefix, signal);
    },
    async *listPrefixes(prefix, signal) {
      guard();
      yield* local.listPrefixes(prefix, signal);
    },
  };
  return { store, local, ids, sw };
}

test('a failed pass is logged and counted, the loop carries on, and the next pass deletes', async (t) => {
  const { store, local, ids, sw } = await setup(t, 3);
  const metrics = new MetricsRegistry();
  const forgotten: string[] = [];
  sw.down = true;
  const pruner = createCapturePruner({
    store,
    policy: { maxAgeHours: 168, maxTotalBytes: 0 },
    logger: createLogger('silent'),
    metrics,
    now: () => NOW,
    intervalMs: 20,
    onDeleted: (id) => {
      forgotten.push(id);
      throw new Error('a listener that throws does not stop retention');
    },
  });
  t.after(() => pruner.stop());
  pruner.start();
  pruner.start(); // idempotent
  const text = () => metrics.render();
  await waitFor('two failed passes', () => /gopprof_retention_runs_total\{result="failed"\} [2-9]/.test(text()));
  assert.equal(forgotten.length, 0);
  sw.down = false;
  await waitFor('a pass that deletes', () => forgotten.length === 3);
  assert.deepEqual(forgotten.sort(), [...ids].sort());
  await waitFor('the ok pass counted', () => /gopprof_retention_runs_total\{result="ok"\} [1-9]/.test(text()));
  assert.match(text(), /gopprof_retention_deleted_captures_total\{reason="age"\} 3\n/);
  assert.match(text(), /gopprof_retention_deleted_bytes_total 36\n/);
  const left: string[] = [];
  for await (const o of local.list('')) left.push(o.key);
  assert.deepEqual(left, []);
  await pruner.stop();
  await pruner.stop(); // idempotent
  const calls = sw.calls;
  await new Promise((resolve) => setTimeout(resolve, 60));
  assert.equal(sw.calls, calls, 'no pass after stop');
});

test('stop cancels a pass in flight promptly, and that pass is not counted as a failure', async (t) => {
  const { local } = await setup(t, 1);
  let entered!: () => void;
  const inList = new Promise<void>((resolve) => {
    entered = resolve;
  });
  const hanging: ObjectStore = {
    ...local,
    async *listPrefixes(_prefix, signal) {
      entered();
      await new Promise((_resolve, reject) => signal?.addEventListener('abort', () => reject(signal.reason)));
    },
  };
  const metrics = new MetricsRegistry();
  const pruner = createCapturePruner({ store: hanging, policy: { maxAgeHours: 1, maxTotalBytes: 0 }, logger: createLogger('silent'), metrics });
  pruner.start();
  await inList;
  const t0 = performance.now();
  await pruner.stop();
  assert.ok(performance.now() - t0 < 1000, 'stop did not wait for the hanging listing');
  assert.doesNotMatch(metrics.render(), /result="failed"/);
});

test('prune() runs one pass and rejects with its error; a pass has a deadline', async (t) => {
  const { store, sw, local } = await setup(t, 1);
  const metrics = new MetricsRegistry();
  const pruner = createCapturePruner({ store, policy: { maxAgeHours: 1, maxTotalBytes: 0 }, logger: createLogger('silent'), metrics, now: () => NOW });
  sw.down = true;
  await assert.rejects(pruner.prune(), (err) => isGopprofError(err, 'STORAGE_UNAVAILABLE'));
  sw.down = false;
  assert.equal((await pruner.prune()).deleted, 1);
  assert.match(metrics.render(), /gopprof_retention_runs_total\{result="failed"\} 1\n/);
  assert.match(metrics.render(), /gopprof_retention_runs_total\{result="ok"\} 1\n/);

  const slow: ObjectStore = {
    ...local,
    async *listPrefixes(_prefix, signal) {
      await new Promise((_resolve, reject) => signal?.addEventListener('abort', () => reject(signal.reason)));
    },
  };
  const timed = createCapturePruner({ store: slow, policy: { maxAgeHours: 1, maxTotalBytes: 0 }, logger: createLogger('silent'), metrics: new MetricsRegistry(), timeoutMs: 50 });
  await assert.rejects(timed.prune(), (err) => isGopprofError(err, 'ABORTED') && /deadline of 50 ms/.test(err.message));
});

test('a policy that keeps everything never touches the store', async (t) => {
  const { store, sw } = await setup(t, 1);
  const pruner = createCapturePruner({ store, policy: { maxAgeHours: 0, maxTotalBytes: 0 }, logger: createLogger('silent'), metrics: new MetricsRegistry(), intervalMs: 10 });
  pruner.start();
  await new Promise((resolve) => setTimeout(resolve, 50));
  await pruner.stop();
  assert.equal(sw.calls, 0);
});
