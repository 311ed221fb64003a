import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type TestContext, test } from 'node:test';
import { isGopprofError } from '../errors.ts';
import { createLocalStore, type ObjectStore } from '../storage/index.ts';
import type { ProfileType } from '../targets/index.ts';
import type { CaptureFilter, Trigger } from './capture.ts';
import { captureRecord } from '../../test/support/capture-record.ts';
import { newCaptureId } from './capture-keys.ts';
import { createCaptureRepository } from './capture-repository.ts';

const record = captureRecord;

/** A local store that records the record reads and the day listings made through it. */
async function countingStore(t: TestContext): Promise<{ store: ObjectStore; reads: string[]; listed: string[] }> {
  const root = await mkdtemp(join(tmpdir(), 'gopprof-repo-'));
  t.after(() => rm(root, { recursive: true, force: true }));
  const local = createLocalStore({ root, publicBaseUrl: 'http://gopprof.test' });
  const reads: string[] = [];
  const listed: string[] = [];
  const store: ObjectStore = {
    ...local,
    get: (key, signal) => {
      reads.push(key);
      return local.get(key, signal);
    },
    listPrefixes: (prefix, signal) => {
      listed.push(prefix);
      return local.listPrefixes(prefix, signal);
    },
  };
  return { store, reads, listed };
}

const NOW = new Date('2026-11-25T12:00:00.000Z');
let seq = 0;
/** An id started at `iso` with a distinct random part. */
const idAt = (iso: string, type: ProfileType = 'heap') =>
  newCaptureId(new Date(iso), type, () => (++seq).toString(16).padStart(8, '0'));

interface Spec {
  readonly at: string;
  readonly type?: ProfileType;
  readonly trigger?: Trigger;
  readonly target?: string;
}

/** Stores captures at the given times (shuffled order), returns their ids newest first. */
async function seed(store: ObjectStore, specs: readonly Spec[]): Promise<{ ids: string[]; byId: Map<string, Spec> }> {
  const repo = createCaptureRepository(store, { now: () => NOW });
  const byId = new Map<string, Spec>();
  for (const s of specs) {
    const id = idAt(s.at, s.type);
    byId.set(id, s);
    await repo.save(
      record(id, {
        type: s.type ?? 'heap',
        trigger: s.trigger ?? 'manual',
        targetId: `static/${s.target ?? 'go'}`,
        targetName: s.target ?? 'go',
        startedAt: new Date(s.at).toISOString(),
      }),
    );
  }
  return { ids: [...byId.keys()].sort().reverse(), byId };
}

/** Every page of `filter`, each page's ids. */
async function pages(store: ObjectStore, filter: CaptureFilter): Promise<string[][]> {
  const repo = createCaptureRepository(store, { now: () => NOW, cacheSize: 1 });
  const out: string[][] = [];
  let pageToken = '';
  for (let i = 0; i < 100; i++) {
    const page = await repo.list({ ...filter, pageToken });
    out.push(page.captures.map((c) => c.id));
    if (!page.nextPageToken) return out;
    assert.equal(page.nextPageToken, page.captures.at(-1)?.id, 'the token is the last id of the page');
    pageToken = page.nextPageToken;
  }
  assert.fail('paging did not end');
}

// Four days, two of them with captures either side of midnight, and an empty day between.
const SPECS: readonly Spec[] = [
  { at: '2026-11-20T08:00:00.000Z', type: 'cpu', trigger: 'auto', target: 'api' },
  { at: '2026-11-20T23:59:59.999Z' },
  { at: '2026-11-22T00:00:00.000Z', type: 'goroutine' },
  { at: '2026-11-22T10:00:00.000Z', type: 'cpu', target: 'api' },
  { at: '2026-11-22T23:00:00.000Z', trigger: 'auto' },
  { at: '2026-11-23T00:00:00.001Z', type: 'cpu', trigger: 'auto', target: 'api' },
  { at: '2026-11-25T01:00:00.000Z' },
  { at: '2026-11-25T11:00:00.000Z', type: 'cpu' },
];

test('pages run newest first across day boundaries and empty days; the tokens reach every capture once', async (t) => {
  const { store } = await countingStore(t);
  const { ids } = await seed(store, SPECS);
  for (const pageSize of [1, 2, 3, 5, 8, 50]) {
    const got = await pages(store, { pageSize });
    assert.deepEqual(got.flat(), ids, `pageSize ${pageSize}`);
    assert.ok(got.slice(0, -1).every((p) => p.length === pageSize), `pageSize ${pageSize}: only the last page is short`);
    // A page that ends exactly at the oldest capture says there is no next page.
    if (ids.length % pageSize === 0) assert.equal(got.at(-1)?.length, pageSize, `pageSize ${pageSize}: no empty last page`);
  }
});

test('since and until bound the captures and the days listed at all', async (t) => {
  const { store, listed } = await countingStore(t);
  const { ids, byId } = await seed(store, SPECS);
  const inRange = (from: string, to: string) =>
    ids.filter((id) => (byId.get(id) as Spec).at >= from && (byId.get(id) as Spec).at <= to);
  listed.length = 0;
  const since = '2026-11-22T00:00:00.000Z';
  const until = '2026-11-23T00:00:00.001Z';
  const got = (await pages(store, { since, until, pageSize: 2 })).flat();
  assert.deepEqual(got, inRange(since, until));
  assert.equal(got.length, 4);
  const days = new Set(listed.map((p) => p.split('/')[1]));
  assert.deepEqual([...days].sort(), ['2026-11-22', '2026-11-23'], 'only the days in range are listed');

  // Offsets are times too; a bound inside a day cuts within it.
  listed.length = 0;
  const inside = (await pages(store, { since: '2026-11-22T11:00:00+01:00', until: '2026-11-22T23:30:00Z' })).flat();
  assert.equal(inside.length, 2);
  assert.deepEqual([...new Set(listed.map((p) => p.split('/')[1]))], ['2026-11-22']);

  await assert.rejects(pages(store, { since: 'yesterday' }), (err) => isGopprofError(err, 'OPTION_INVALID'));
  const repo = createCaptureRepository(store, { now: () => NOW });
  await assert.rejects(repo.list({ pageToken: '../x' }), (err) => isGopprofError(err, 'OPTION_INVALID'));
});

test('type, target and trigger filters page like the unfiltered listing, across days', async (t) => {
  const { store } = await countingStore(t);
  const { ids, byId } = await seed(store, SPECS);
  const want = (f: (s: Spec) => boolean) => ids.filter((id) => f(byId.get(id) as Spec));
  assert.deepEqual((await pages(store, { type: 'cpu', pageSize: 2 })).flat(), want((s) => s.type === 'cpu'));
  assert.deepEqual((await pages(store, { trigger: 'auto', pageSize: 1 })).flat(), want((s) => s.trigger === 'auto'));
  assert.deepEqual((await pages(store, { targetId: 'static/api', pageSize: 2 })).flat(), want((s) => s.target === 'api'));
  assert.deepEqual((await pages(store, { targetId: 'api', type: 'cpu', trigger: 'auto' })).flat(), want((s) => s.target === 'api' && s.type === 'cpu' && s.trigger === 'auto'));
  assert.deepEqual((await pages(store, { type: 'block' })).flat(), []);
});

test('the first page reads only its own records and lists only the days it needs', async (t) => {
  const { store, reads, listed } = await countingStore(t);
  const specs: Spec[] = [];
  for (let d = 20; d <= 25; d++) for (let h = 0; h < 10; h++) specs.push({ at: `2026-11-${d}T0${h}:00:00.000Z` });
  const { ids } = await seed(store, specs);
  reads.length = 0;
  listed.length = 0;
  const repo = createCaptureRepository(store, { now: () => NOW, cacheSize: 1 });
  const page = await repo.list({ pageSize: 5 });
  assert.deepEqual(page.captures.map((c) => c.id), ids.slice(0, 5));
  assert.equal(reads.length, 5, 'one record read per capture on the page');
  assert.deepEqual(listed, ['captures/2026-11-25/'], 'only today is listed');
  reads.length = 0;
  listed.length = 0;
  const next = await repo.list({ pageSize: 12, pageToken: page.nextPageToken });
  assert.deepEqual(next.captures.map((c) => c.id), ids.slice(5, 17));
  assert.equal(reads.length, 12);
  assert.deepEqual(listed, ['captures/2026-11-25/', 'captures/2026-11-24/'], 'from the day of the token on');
});

test('a capture whose record is not written yet is not listed; one from a clock slightly ahead is', async (t) => {
  const { store } = await countingStore(t);
  const { ids } = await seed(store, [{ at: '2026-11-25T10:00:00.000Z' }]);
  const inProgress = idAt('2026-11-25T11:00:00.000Z');
  await store.put(`captures/2026-11-25/${inProgress}/profile.pb.gz`, new Uint8Array(1), { contentType: 'application/octet-stream' });
  const repo = createCaptureRepository(store, { now: () => new Date('2026-11-25T23:55:00.000Z') });
  const ahead = idAt('2026-11-26T00:01:00.000Z');
  await repo.save(record(ahead));
  const page = await repo.list({});
  assert.deepEqual(page.captures.map((c) => c.id), [ahead, ...ids]);
  assert.equal(page.nextPageToken, '');
  await assert.rejects(repo.get(inProgress), (err) => isGopprofError(err, 'CAPTURE_NOT_FOUND'));
});

test('get reads the day layout, falls back to the flat layout of earlier versions, and forget drops a deleted record', async (t) => {
  const { store, reads } = await countingStore(t);
  const repo = createCaptureRepository(store, { now: () => NOW });
  const id = idAt('2026-11-24T09:30:00.000Z');
  await repo.save(record(id));
  assert.ok(await store.head(`captures/2026-11-24/${id}/capture.json`), 'the record is filed under its day');
  const fresh = createCaptureRepository(store, { now: () => NOW });
  assert.equal((await fresh.get(id)).id, id);
  assert.deepEqual(reads, [`captures/2026-11-24/${id}/capture.json`]);

  const old = idAt('2026-10-01T00:00:00.000Z');
  const body = new TextEncoder().encode(JSON.stringify(record(old)));
  await store.put(`captures/${old}/capture.json`, body, { contentType: 'application/json' });
  assert.equal((await fresh.get(old)).id, old);
  assert.deepEqual(reads.slice(1), [`captures/2026-10-01/${old}/capture.json`, `captures/${old}/capture.json`]);

  await assert.rejects(fresh.get(idAt('2026-11-01T00:00:00.000Z')), (err) => isGopprofError(err, 'CAPTURE_NOT_FOUND'));
  await assert.rejects(fresh.get('../../etc/passwd'), (err) => isGopprofError(err, 'CAPTURE_NOT_FOUND'));

  await store.delete(`captures/2026-11-24/${id}/capture.json`);
  assert.equal((await fresh.get(id)).id, id, 'still cached');
  fresh.forget(id);
  await assert.rejects(fresh.get(id), (err) => isGopprofError(err, 'CAPTURE_NOT_FOUND'));
});

test('the record cache is bounded: the oldest records are read from the store again, the newest are not', async (t) => {
  const { store, reads } = await countingStore(t);
  const repo = createCaptureRepository(store, { cacheSize: 3 });
  const ids = [1, 2, 3, 4, 5].map((n) => newCaptureId(new Date(n * 1000), 'heap', () => `0000000${n}`));
  for (const id of ids) await repo.save(record(id));

  assert.deepEqual((await repo.get(ids[4])).id, ids[4]);
  assert.deepEqual((await repo.get(ids[2])).id, ids[2]);
  assert.deepEqual(reads, [], 'the 3 newest records come from the cache');
  assert.deepEqual((await repo.get(ids[0])).id, ids[0]);
  assert.deepEqual(reads, [`captures/1970-01-01/${ids[0]}/capture.json`], 'an evicted record is read from the store');
  // Reading ids[0] evicted the least recently used one (ids[3]); ids[2] and ids[4] were used since.
  await repo.get(ids[2]);
  await repo.get(ids[4]);
  assert.equal(reads.length, 1);
  await repo.get(ids[3]);
  assert.equal(reads.length, 2);
});
