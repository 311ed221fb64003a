import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type TestContext, test } from 'node:test';
import { GopprofError, isGopprofError } from '../errors.ts';
import { createLocalStore, createSpoolingStore, type ObjectInfo, type ObjectStore } from '../storage/index.ts';
import { captureKeys, capturePrefix, newCaptureId } from './capture-keys.ts';
import { createCaptureRepository } from './capture-repository.ts';
import { type PrunedCapture, pruneCaptures } from './prune-captures.ts';

const NOW = new Date('2026-11-25T12:00:00.000Z');
const HOUR = 3_600_000;
let seq = 0;
const idAt = (ms: number) => newCaptureId(new Date(ms), 'heap', () => (++seq).toString(16).padStart(8, '0'));
const bytes = (n: number) => new Uint8Array(n);

async function tempRoot(t: TestContext): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'gopprof-prune-'));
  t.after(() => rm(root, { recursive: true, force: true }));
  return root;
}

/**
 * Stores a capture as the service does: profile, DOT and SVG of `size` bytes
 * each, then its record (unless `record` is false: a capture in progress).
 */
async function storeCapture(store: ObjectStore, startedMs: number, options: { size?: number; record?: boolean; legacy?: boolean } = {}) {
  const id = idAt(startedMs);
  const size = options.size ?? 100;
  const keys = options.legacy
    ? Object.fromEntries(Object.entries(captureKeys(id)).map(([k, v]) => [k, v.replace(/^captures\/[^/]+\//, 'captures/')]))
    : captureKeys(id);
  const type = { contentType: 'application/octet-stream' };
  for (const key of [keys.profile, keys.dot, keys.svg]) await store.put(key, bytes(size), type);
  if (options.record !== false) {
    const record = { id, startedAt: new Date(startedMs).toISOString(), artifacts: {}, storedIn: 'primary' };
    await store.put(keys.metadata, new TextEncoder().encode(JSON.stringify(record)), { contentType: 'application/json' });
  }
  return id;
}

async function keys(store: ObjectStore, prefix = 'captures/'): Promise<string[]> {
  const out: string[] = [];
  for await (const o of store.list(prefix)) out.push(o.key);
  return out;
}

const idsOf = (list: readonly string[]) => [...new Set(list.map((k) => /(\d{8}T\d{9}Z-[a-z]+-[0-9a-f]{8})/.exec(k)?.[1]))].sort();

test('age: whole captures older than the limit go, in both layouts and without records; newer ones and stray keys stay', async (t) => {
  const root = await tempRoot(t);
  const store = createLocalStore({ root, publicBaseUrl: 'http://gopprof.test' });
  const t0 = NOW.getTime();
  const old = [
    await storeCapture(store, t0 - 10 * 24 * HOUR),
    await storeCapture(store, t0 - 49 * HOUR),
    await storeCapture(store, t0 - 48 * HOUR - 1), // the cutoff's day, just before it
    await storeCapture(store, t0 - 30 * 24 * HOUR, { legacy: true }),
    await storeCapture(store, t0 - 72 * HOUR, { record: false }), // left over by an interrupted pass
  ].sort();
  const kept = [
    await storeCapture(store, t0 - 48 * HOUR + 1),
    await storeCapture(store, t0 - HOUR),
    await storeCapture(store, t0 - 47 * HOUR, { legacy: true }),
    await storeCapture(store, t0 - 60_000, { record: false }), // in progress
  ].sort();
  await store.put('captures/README.txt', bytes(1), { contentType: 'text/plain' });
  await store.put('captures/2026-11-01/notes.txt', bytes(1), { contentType: 'text/plain' });

  const reported: PrunedCapture[] = [];
  const r = await pruneCaptures({ store, now: () => NOW, onDeleted: (c) => reported.push(c) }, { maxAgeHours: 48, maxTotalBytes: 0 });
  assert.deepEqual({ deleted: r.deleted, keptInSpool: r.keptInSpool, totalBytes: r.totalBytes }, { deleted: 5, keptInSpool: 0, totalBytes: undefined });
  assert.deepEqual(reported.map((c) => c.id).sort(), old);
  assert.ok(reported.every((c) => c.reason === 'age'));
  assert.equal(r.deletedBytes, reported.reduce((s, c) => s + c.bytes, 0));
  assert.ok(r.deletedBytes >= 5 * 300);
  const left = await keys(store);
  assert.deepEqual(idsOf(left.filter((k) => !k.endsWith('.txt'))), kept);
  assert.ok(left.includes('captures/README.txt') && left.includes('captures/2026-11-01/notes.txt'), 'stray keys are not ours to delete');
  // The expired days' directories are gone from disk, objects and sidecars alike.
  const onDisk = ['2026-11-01', '2026-11-23', '2026-11-25', 'README.txt', kept.find((id) => id.startsWith('20261123T13'))];
  assert.deepEqual((await readdir(join(root, 'objects', 'captures'))).sort(), onDisk.sort());
  assert.deepEqual((await readdir(join(root, 'meta', 'captures'))).sort(), onDisk.sort());

  const again = await pruneCaptures({ store, now: () => NOW }, { maxAgeHours: 48, maxTotalBytes: 0 });
  assert.equal(again.deleted, 0, 'a second pass finds nothing');
});

test('the record is deleted first: a pass that fails midway leaves no listed capture, and the next pass finishes it', async (t) => {
  const root = await tempRoot(t);
  const local = createLocalStore({ root, publicBaseUrl: 'http://gopprof.test' });
  const id = await storeCapture(local, NOW.getTime() - 9 * 24 * HOUR);
  const deletes: string[] = [];
  const failing: ObjectStore = {
    ...local,
    delete: async (key, signal) => {
      deletes.push(key);
      if (deletes.length === 2) throw new GopprofError('STORAGE_UNAVAILABLE', 'the store went away (test)');
      return local.delete(key, signal);
    },
  };
  await assert.rejects(
    pruneCaptures({ store: failing, now: () => NOW }, { maxAgeHours: 168, maxTotalBytes: 0 }),
    (err) => isGopprofError(err, 'STORAGE_UNAVAILABLE'),
  );
  assert.equal(deletes[0], captureKeys(id).metadata, 'the record went first');
  const repo = createCaptureRepository(local, { now: () => NOW });
  assert.deepEqual((await repo.list({})).captures, [], 'nothing half-deleted is listed');
  await assert.rejects(repo.get(id), (err) => isGopprofError(err, 'CAPTURE_NOT_FOUND'));
  assert.equal((await keys(local)).length, 3, 'the three artifacts are left over');

  const r = await pruneCaptures({ store: local, now: () => NOW }, { maxAgeHours: 168, maxTotalBytes: 0 });
  assert.equal(r.deleted, 1);
  assert.deepEqual(await keys(local), []);
});

test('size: the oldest captures go until the rest fit; a capture still being written is left alone', async (t) => {
  const root = await tempRoot(t);
  const store = createLocalStore({ root, publicBaseUrl: 'http://gopprof.test' });
  const t0 = NOW.getTime();
  const writing = await storeCapture(store, t0 - 2 * 24 * HOUR - 10 * 60_000, { size: 1000, record: false });
  const ids: string[] = [];
  for (let i = 0; i < 6; i++) ids.push(await storeCapture(store, t0 - (48 - i * 8) * HOUR, { size: 1000 }));
  const inProgress = await storeCapture(store, t0 - 60_000, { size: 1000, record: false });
  const sizeOf = async (prefix: string) => {
    let n = 0;
    for await (const o of store.list(prefix)) n += o.size;
    return n;
  };
  const each = await sizeOf(capturePrefix(ids[0]));
  const total = await sizeOf('captures/');
  assert.equal(total, 6 * each + 2 * 3000);

  // Room for the capture in progress and three finished ones.
  const limit = 3000 + 3 * each;
  const r = await pruneCaptures({ store, now: () => NOW }, { maxAgeHours: 0, maxTotalBytes: limit });
  const left = idsOf(await keys(store));
  assert.deepEqual(left, [...ids.slice(3), inProgress].sort(), 'the oldest went first, the one being written stayed');
  assert.ok(!left.includes(writing), 'an old capture without a record is a leftover, not one in progress');
  assert.equal(r.deleted, 4);
  assert.equal(r.totalBytes, await sizeOf('captures/'));
  assert.ok((r.totalBytes ?? Infinity) <= limit);
  assert.equal(r.deletedBytes, total - (r.totalBytes ?? 0));

  const none = await pruneCaptures({ store, now: () => NOW }, { maxAgeHours: 0, maxTotalBytes: 10 * total });
  assert.deepEqual({ deleted: none.deleted, totalBytes: none.totalBytes }, { deleted: 0, totalBytes: r.totalBytes });

  // A limit nothing fits under: every finished capture goes, the one being written stays.
  const all = await pruneCaptures({ store, now: () => NOW }, { maxAgeHours: 0, maxTotalBytes: 1 });
  assert.equal(all.deleted, 3);
  assert.deepEqual(idsOf(await keys(store)), [inProgress]);
  assert.equal(all.totalBytes, 3000);
});

test('a capture still in the spool is never deleted, even when expired; it goes once uploaded', async (t) => {
  const root = await tempRoot(t);
  const real = createLocalStore({ root: join(root, 'primary'), publicBaseUrl: 'http://primary.test' });
  let down = false;
  const unavailable = () => Promise.reject(new GopprofError('STORAGE_UNAVAILABLE', 'the primary is down (test)'));
  const primary: ObjectStore = {
    ...real,
    put: (key, body, options, signal) => (down ? unavailable() : real.put(key, body, options, signal)),
    check: (signal) => (down ? unavailable() : real.check(signal)),
  };
  const store = createSpoolingStore(primary, createLocalStore({ root: join(root, 'spool'), publicBaseUrl: 'http://gopprof.test' }), {
    retryIntervalMs: 60_000,
  });
  t.after(() => store.stop());
  const t0 = NOW.getTime();
  const uploaded = await storeCapture(store, t0 - 20 * 24 * HOUR);
  down = true;
  const spooled = await storeCapture(store, t0 - 10 * 24 * HOUR);
  const partly = await storeCapture(store, t0 - 9 * 24 * HOUR, { record: false });
  down = false;
  // Its record reached the primary when it came back; its artifacts wait in the spool.
  await real.put(captureKeys(partly).metadata, bytes(2), { contentType: 'application/json' });

  const r = await pruneCaptures({ store, now: () => NOW }, { maxAgeHours: 168, maxTotalBytes: 0 });
  assert.deepEqual({ deleted: r.deleted, keptInSpool: r.keptInSpool }, { deleted: 1, keptInSpool: 2 });
  assert.deepEqual(idsOf(await keys(store)), [spooled, partly].sort());
  assert.deepEqual(idsOf(await keys(real)), [partly], 'only the record of the partly spooled capture reached the primary');
  assert.ok(!idsOf(await keys(store)).includes(uploaded));

  await store.drain();
  const after = await pruneCaptures({ store, now: () => NOW }, { maxAgeHours: 168, maxTotalBytes: 0 });
  assert.deepEqual({ deleted: after.deleted, keptInSpool: after.keptInSpool }, { deleted: 2, keptInSpool: 0 });
  assert.deepEqual(await keys(store), []);
});

test('a cancelled pass stops with ABORTED before deleting more', async (t) => {
  const root = await tempRoot(t);
  const local = createLocalStore({ root, publicBaseUrl: 'http://gopprof.test' });
  for (let i = 0; i < 3; i++) await storeCapture(local, NOW.getTime() - (10 + i) * 24 * HOUR);
  const controller = new AbortController();
  const store: ObjectStore = {
    ...local,
    delete: async (key, signal) => {
      await local.delete(key, signal);
      controller.abort();
    },
  };
  const listed: ObjectInfo[] = [];
  for await (const o of local.list('captures/')) listed.push(o);
  await assert.rejects(
    pruneCaptures({ store, now: () => NOW }, { maxAgeHours: 1, maxTotalBytes: 0 }, controller.signal),
    (err) => isGopprofError(err, 'ABORTED'),
  );
  assert.equal((await keys(local)).length, listed.length - 1, 'only the record of the capture in hand was deleted');
  assert.equal(idsOf(await keys(local)).length, 3, 'its artifacts stay until the next pass');
});
