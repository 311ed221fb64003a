/**
 * Captures on S3, against a real S3-protocol server (s3rver on 127.0.0.1):
 * ListCaptures pages through the day partitions newest first with few list
 * requests, GetCapture reads both layouts, and retention deletes whole
 * captures (never one still in the spool).
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { type Capture, captureKeys, createCaptureRepository, newCaptureId, pruneCaptures } from '../src/capture/index.ts';
import { isGopprofError } from '../src/errors.ts';
import { createLocalStore, createS3Store, createSpoolingStore, type ObjectStore } from '../src/storage/index.ts';
import { captureRecord } from './support/capture-record.ts';
import { type S3rverServer, startS3rver } from './support/s3rver-server.ts';

const NOW = new Date('2026-11-25T12:00:00.000Z');
const HOUR = 3_600_000;

let dir: string;
let s3: S3rverServer;
let buckets = 0;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gopprof-capture-s3-'));
  s3 = await startS3rver(join(dir, 's3rver'));
});
after(async () => {
  await s3.close().catch(() => {});
  await rm(dir, { recursive: true, force: true });
});

/** An S3 store on a new bucket, counting its list requests by kind. */
function countingS3Store(): { store: ObjectStore; calls: { list: number; listPrefixes: number; get: number } } {
  const inner = createS3Store(s3.storeOptions(`captures-${++buckets}`));
  const calls = { list: 0, listPrefixes: 0, get: 0 };
  const store: ObjectStore = {
    ...inner,
    list: (prefix, signal) => {
      calls.list++;
      return inner.list(prefix, signal);
    },
    listPrefixes: (prefix, signal) => {
      calls.listPrefixes++;
      return inner.listPrefixes(prefix, signal);
    },
    get: (key, signal) => {
      calls.get++;
      return inner.get(key, signal);
    },
  };
  return { store, calls };
}

let seq = 0;
function record(id: string, at: number): Capture {
  return captureRecord(id, { type: 'cpu', seconds: 1, startedAt: new Date(at).toISOString(), finishedAt: new Date(at).toISOString() });
}

/** Stores a capture's artifacts and (unless legacy) its record through the repository; returns the id. */
async function storeCapture(store: ObjectStore, at: number, legacy = false): Promise<string> {
  const id = newCaptureId(new Date(at), 'cpu', () => (++seq).toString(16).padStart(8, '0'));
  const keys = captureKeys(id);
  const base = legacy ? `captures/${id}/` : keys.profile.slice(0, keys.profile.lastIndexOf('/') + 1);
  for (const name of ['profile.pb.gz', 'graph.dot', 'graph.svg']) {
    await store.put(base + name, new Uint8Array(50), { contentType: 'application/octet-stream' });
  }
  const body = new TextEncoder().encode(JSON.stringify(record(id, at)));
  await store.put(`${base}capture.json`, body, { contentType: 'application/json' });
  return id;
}

async function keysOf(store: ObjectStore): Promise<string[]> {
  const out: string[] = [];
  for await (const o of store.list('captures/')) out.push(o.key);
  return out;
}

test('ListCaptures pages newest first across days on S3, listing one day per page and reading only the page', async () => {
  const { store, calls } = countingS3Store();
  const startedAt = new Map<string, number>();
  for (let d = 4; d >= 0; d--) {
    for (let h = 0; h < 6; h++) {
      const at = NOW.getTime() - d * 24 * HOUR - h * HOUR;
      startedAt.set(await storeCapture(store, at), at);
    }
  }
  const newestFirst = [...startedAt.keys()].sort().reverse();
  const repo = createCaptureRepository(store, { now: () => NOW, cacheSize: 1 });

  Object.assign(calls, { list: 0, listPrefixes: 0, get: 0 });
  const first = await repo.list({ pageSize: 4 });
  assert.deepEqual(first.captures.map((c) => c.id), newestFirst.slice(0, 4));
  assert.deepEqual(calls, { list: 0, listPrefixes: 1, get: 4 }, 'one day listed, four records read');

  const seen = first.captures.map((c) => c.id);
  let token = first.nextPageToken;
  while (token) {
    const page = await repo.list({ pageSize: 4, pageToken: token });
    seen.push(...page.captures.map((c) => c.id));
    token = page.nextPageToken;
  }
  assert.deepEqual(seen, newestFirst);

  Object.assign(calls, { list: 0, listPrefixes: 0, get: 0 });
  const since = NOW.getTime() - 2 * 24 * HOUR - 3 * HOUR;
  const until = NOW.getTime() - 24 * HOUR - 2 * HOUR;
  const ranged = await repo.list({ since: new Date(since).toISOString(), until: new Date(until).toISOString(), pageSize: 100 });
  const want = newestFirst.filter((id) => (startedAt.get(id) ?? 0) >= since && (startedAt.get(id) ?? 0) <= until);
  assert.deepEqual(ranged.captures.map((c) => c.id), want);
  assert.equal(want.length, 8);
  assert.equal(calls.listPrefixes, 2, 'only the two days in range are listed');
});

test('GetCapture reads the day layout and the flat layout of earlier versions on S3', async () => {
  const { store } = countingS3Store();
  const repo = createCaptureRepository(store, { now: () => NOW });
  const current = await storeCapture(store, NOW.getTime() - HOUR);
  const legacy = await storeCapture(store, NOW.getTime() - 2 * HOUR, true);
  assert.equal((await repo.get(current)).id, current);
  assert.equal((await repo.get(legacy)).id, legacy);
  await assert.rejects(repo.get(newCaptureId(NOW, 'cpu')), (err) => isGopprofError(err, 'CAPTURE_NOT_FOUND'));
});

test('retention on S3: expired days and flat-layout captures go whole; a byte limit deletes the oldest first', async () => {
  const { store } = countingS3Store();
  const t0 = NOW.getTime();
  const expired = [
    await storeCapture(store, t0 - 9 * 24 * HOUR),
    await storeCapture(store, t0 - 8 * 24 * HOUR),
    await storeCapture(store, t0 - 8 * 24 * HOUR - HOUR, true),
  ];
  const kept = [await storeCapture(store, t0 - 6 * 24 * HOUR), await storeCapture(store, t0 - HOUR), await storeCapture(store, t0 - 2 * HOUR, true)];
  const deleted: string[] = [];
  const r = await pruneCaptures({ store, now: () => NOW, onDeleted: (c) => deleted.push(c.id) }, { maxAgeHours: 168, maxTotalBytes: 0 });
  assert.equal(r.deleted, 3);
  assert.deepEqual(deleted.sort(), expired.sort());
  const left = await keysOf(store);
  assert.equal(left.length, 12);
  for (const id of kept) assert.equal(left.filter((k) => k.includes(id)).length, 4, `${id} is whole`);

  // Each capture is 3 × 50 bytes of artifacts plus its record: room for two leaves the two newest.
  const each = r.deletedBytes / 3;
  const bySize = await pruneCaptures({ store, now: () => NOW }, { maxAgeHours: 0, maxTotalBytes: Math.ceil(2 * each) });
  assert.equal(bySize.deleted, 1);
  const newest = [...kept].sort().slice(1);
  assert.deepEqual([...new Set((await keysOf(store)).map((k) => k.split('/').at(-2)))].sort(), newest);
});

test('retention on S3 never deletes a capture whose objects wait in the spool; it goes once they are uploaded', async () => {
  const { store: primary } = countingS3Store();
  const spool = createLocalStore({ root: join(dir, `spool-${buckets}`), publicBaseUrl: 'http://gopprof.test' });
  const store = createSpoolingStore(primary, spool, { retryIntervalMs: 60_000 });
  const t0 = NOW.getTime();
  const uploaded = await storeCapture(primary, t0 - 10 * 24 * HOUR);
  // Left in the spool by an earlier process while the object store was down.
  const waiting = await storeCapture(spool, t0 - 9 * 24 * HOUR);
  const r = await pruneCaptures({ store, now: () => NOW }, { maxAgeHours: 168, maxTotalBytes: 0 });
  assert.deepEqual({ deleted: r.deleted, keptInSpool: r.keptInSpool }, { deleted: 1, keptInSpool: 1 });
  assert.deepEqual([...new Set((await keysOf(store)).map((k) => k.split('/').at(-2)))], [waiting]);
  assert.ok(!(await keysOf(primary)).some((k) => k.includes(uploaded)));

  await store.drain();
  assert.equal((await keysOf(primary)).length, 4, 'the spool uploaded it');
  const after = await pruneCaptures({ store, now: () => NOW }, { maxAgeHours: 168, maxTotalBytes: 0 });
  assert.deepEqual({ deleted: after.deleted, keptInSpool: after.keptInSpool }, { deleted: 1, keptInSpool: 0 });
  assert.deepEqual(await keysOf(store), []);
  await store.stop();
});
