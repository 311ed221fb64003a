import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { GopprofError, isGopprofError } from '../errors.ts';
import { createLocalStore } from './local-store.ts';
import type { ObjectInfo, ObjectStore } from './object-store.ts';
import type { SpoolEvent, SpoolTimers } from './spool-event.ts';
import { createSpoolingStore } from './spooling-store.ts';

// The primary here is a real local store behind a switch that makes it answer like an
// unreachable S3; test/storage-s3.test.ts runs the same store against a real s3rver.

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gopprof-spool-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

interface Switch {
  down: boolean;
  /** Thrown by put instead of writing, when set. */
  reject?: (key: string) => GopprofError | undefined;
  /** Delays each put, to make uploads overlap with other work. */
  putDelayMs: number;
  puts: string[];
  /** How many puts have finished (written or failed). */
  putsDone: number;
}

let n = 0;
function setup(options: { timers?: SpoolTimers } = {}) {
  const id = ++n;
  const inner = createLocalStore({ root: join(dir, `primary-${id}`), publicBaseUrl: 'http://primary' });
  const spool = createLocalStore({ root: join(dir, `spool-${id}`), publicBaseUrl: 'http://gopprof:8080' });
  const sw: Switch = { down: false, putDelayMs: 0, puts: [], putsDone: 0 };
  const unavailable = () => new GopprofError('STORAGE_UNAVAILABLE', 'primary: unreachable (ECONNREFUSED)');
  const guard = () => {
    if (sw.down) throw unavailable();
  };
  const primary: ObjectStore = {
    async put(key, body, putOptions, signal) {
      sw.puts.push(key);
      try {
        if (sw.putDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, sw.putDelayMs));
        guard();
        const rejected = sw.reject?.(key);
        if (rejected) throw rejected;
        return await inner.put(key, body, putOptions, signal);
      } finally {
        sw.putsDone++;
      }
    },
    get: async (key, signal) => {
      guard();
      return inner.get(key, signal);
    },
    head: async (key, signal) => {
      guard();
      return inner.head(key, signal);
    },
    async *list(prefix, signal) {
      for await (const item of inner.list(prefix, signal)) {
        guard();
        yield item;
      }
      guard();
    },
    async *listPrefixes(prefix, signal) {
      for await (const item of inner.listPrefixes(prefix, signal)) {
        guard();
        yield item;
      }
      guard();
    },
    delete: async (key, signal) => {
      guard();
      return inner.delete(key, signal);
    },
    url: async (key, urlOptions, signal) => {
      guard();
      return inner.url(key, urlOptions, signal);
    },
    check: async (signal) => {
      guard();
      return inner.check(signal);
    },
    describe: () => 'switchable primary',
  };
  const events: SpoolEvent[] = [];
  const store = createSpoolingStore(primary, spool, {
    retryIntervalMs: 20,
    onEvent: (e) => events.push(e),
    ...options,
  });
  return { store, primary: inner, spool, sw, events };
}

async function collect(items: AsyncIterable<ObjectInfo>): Promise<string[]> {
  const out: string[] = [];
  for await (const item of items) out.push(item.key);
  return out;
}

const bytes = (text: string) => new TextEncoder().encode(text);
const text = (data: Uint8Array) => new TextDecoder().decode(data);
const json = { contentType: 'application/json' };

test('puts go to the primary; while it is down to the spool, without retrying the primary each time', async () => {
  const { store, primary, spool, sw, events } = setup();
  assert.equal((await store.put('a', bytes('1'), json)).storedIn, 'primary');
  sw.down = true;
  assert.deepEqual(await store.put('b', bytes('22'), json), { key: 'b', size: 2, storedIn: 'spool' });
  assert.equal((await store.put('c', bytes('3'), json)).storedIn, 'spool');
  assert.deepEqual(sw.puts, ['a', 'b']); // after 'b' failed, 'c' went straight to the spool
  assert.deepEqual(await collect(spool.list('')), ['b', 'c']);
  assert.deepEqual(await collect(primary.list('')), ['a']);
  assert.deepEqual(
    events.map((e) => e.type),
    ['primary-down', 'spooled', 'spooled'],
  );
  const stats = store.stats();
  assert.deepEqual({ ...stats, lastError: undefined }, {
    spooled: 2,
    uploaded: 0,
    failures: 0,
    pending: 2,
    primary: 'down',
    lastError: undefined,
  });
  assert.equal(stats.lastError?.code, 'STORAGE_UNAVAILABLE');

  // A pass while still down uploads nothing and keeps everything.
  await store.drain();
  assert.deepEqual(await collect(spool.list('')), ['b', 'c']);
  assert.equal(store.stats().failures, 1);

  sw.down = false;
  await store.drain();
  assert.deepEqual(await collect(spool.list('')), []);
  assert.deepEqual(await collect(primary.list('')), ['a', 'b', 'c']);
  assert.equal(text(await primary.get('b')), '22');
  assert.equal((await primary.head('b')).contentType, 'application/json');
  assert.deepEqual(
    (({ spooled, uploaded, pending, primary: state }) => ({ spooled, uploaded, pending, state }))(store.stats()),
    { spooled: 2, uploaded: 2, pending: 0, state: 'up' },
  );
  assert.deepEqual(
    events.slice(-3).map((e) => e.type),
    ['uploaded', 'primary-up', 'uploaded'],
  );
  assert.equal((await store.put('d', bytes('4'), json)).storedIn, 'primary');
});

test('while down, reads see the union: spooled objects first, listing degrades to the spool', async () => {
  const { store, sw, events } = setup();
  await store.put('k/1', bytes('primary 1'), json);
  await store.put('k/3', bytes('primary 3'), json);
  sw.down = true;
  await store.put('k/2', bytes('spooled 2'), { contentType: 'image/svg+xml', metadata: { x: 'y' } });

  assert.equal(text(await store.get('k/2')), 'spooled 2');
  assert.deepEqual((await store.head('k/2')).metadata, { x: 'y' });
  assert.equal(await store.url('k/2', { expiresSeconds: 60 }), 'http://gopprof:8080/artifacts/k/2');
  await assert.rejects(store.get('k/1'), (err) => isGopprofError(err, 'STORAGE_UNAVAILABLE'));
  assert.deepEqual(await collect(store.list('k/')), ['k/2']);
  assert.deepEqual(events.at(-1), {
    type: 'list-degraded',
    prefix: 'k/',
    code: 'STORAGE_UNAVAILABLE',
    message: 'primary: unreachable (ECONNREFUSED)',
  });

  sw.down = false;
  assert.deepEqual(await collect(store.list('k/')), ['k/1', 'k/2', 'k/3']);
  assert.equal(text(await store.get('k/1')), 'primary 1');
  assert.equal(await store.url('k/1', { expiresSeconds: 60 }), 'http://primary/artifacts/k/1');
  await assert.rejects(store.get('k/none'), (err) => isGopprofError(err, 'STORAGE_NOT_FOUND'));
});

test('a listing merges both stores in key order and shows a key in both once', async () => {
  const { store, primary, spool } = setup();
  for (const key of ['a', 'c', 'e/1', 'e/3']) await primary.put(key, bytes('p'), json);
  for (const key of ['b', 'c', 'e/2', 'f']) await spool.put(key, bytes('s'), json);
  assert.deepEqual(await collect(store.list('')), ['a', 'b', 'c', 'e/1', 'e/2', 'e/3', 'f']);
  assert.deepEqual(await collect(store.list('e/')), ['e/1', 'e/2', 'e/3']);
});

test('listPrefixes merges both stores level by level, each prefix once; spool only while the primary is down', async () => {
  const { store, primary, spool, sw, events } = setup();
  for (const key of ['d/1/a', 'd/3/a', 'd/3/b', 'd/x']) await primary.put(key, bytes('p'), json);
  for (const key of ['d/2/a', 'd/3/c', 'e/1/a']) await spool.put(key, bytes('s'), json);
  const prefixes = async (prefix: string) => {
    const out: string[] = [];
    for await (const p of store.listPrefixes(prefix)) out.push(p);
    return out;
  };
  assert.deepEqual(await prefixes(''), ['d/', 'e/']);
  assert.deepEqual(await prefixes('d/'), ['d/1/', 'd/2/', 'd/3/']);
  sw.down = true;
  assert.deepEqual(await prefixes('d/'), ['d/2/', 'd/3/']);
  assert.equal(events.at(-1)?.type, 'list-degraded');
});

test('a newer put is never overwritten by an older spooled copy', async () => {
  const { store, primary, spool, sw } = setup();
  sw.down = true;
  await store.put('rec.json', bytes('v1'), json);
  sw.down = false;
  await store.drain(); // the primary is back
  sw.down = true;
  await store.put('rec.json', bytes('v2'), json);
  sw.down = false;

  // The upload of v2 is slow; a put of v3 arrives meanwhile and must win.
  sw.putDelayMs = 100;
  const draining = store.drain();
  await new Promise((resolve) => setTimeout(resolve, 20));
  const v3 = store.put('rec.json', bytes('v3'), json);
  await Promise.all([draining, v3]);
  assert.equal((await v3).storedIn, 'primary');
  assert.equal(text(await primary.get('rec.json')), 'v3');
  assert.deepEqual(await collect(spool.list('')), []);
  await store.drain();
  assert.equal(text(await primary.get('rec.json')), 'v3');
});

test('a put to the primary removes an older copy left in the spool by an earlier process', async () => {
  const { store, primary, spool } = setup();
  await spool.put('rec.json', bytes('old'), json);
  await store.put('rec.json', bytes('new'), json);
  await store.drain();
  assert.equal(text(await primary.get('rec.json')), 'new');
  assert.deepEqual(await collect(spool.list('')), []);
});

test('an object the primary rejects stays in the spool; the others upload', async () => {
  const { store, primary, spool, sw, events } = setup();
  sw.down = true;
  await store.put('bad', bytes('x'), json);
  await store.put('good', bytes('y'), json);
  sw.down = false;
  sw.reject = (key) => (key === 'bad' ? new GopprofError('STORAGE_FAILED', 'AccessDenied') : undefined);
  await store.drain();
  assert.deepEqual(await collect(spool.list('')), ['bad']);
  assert.deepEqual(await collect(primary.list('')), ['good']);
  assert.equal(store.stats().primary, 'up');
  assert.equal(store.stats().pending, 1);
  assert.ok(events.some((e) => e.type === 'upload-failed' && e.key === 'bad' && e.code === 'STORAGE_FAILED'));
  sw.reject = undefined;
  await store.drain();
  assert.deepEqual(await collect(spool.list('')), []);
});

test('errors other than STORAGE_UNAVAILABLE are not spooled, and a cancelled put is not spooled', async () => {
  const { store, spool, sw } = setup();
  sw.reject = () => new GopprofError('STORAGE_FAILED', 'AccessDenied');
  await assert.rejects(store.put('k', bytes('x'), json), (err) => isGopprofError(err, 'STORAGE_FAILED'));
  sw.reject = undefined;
  await assert.rejects(store.put('k', bytes('x'), json, AbortSignal.abort()), (err) => isGopprofError(err, 'ABORTED'));
  await assert.rejects(store.put('../k', bytes('x'), json), (err) => isGopprofError(err, 'STORAGE_KEY_INVALID'));
  assert.deepEqual(await collect(spool.list('')), []);
  assert.equal(store.stats().spooled, 0);
});

test('the background loop uploads on its own timer; stop waits for the upload in flight and is idempotent', async () => {
  const scheduled: { callback: () => void; ms: number }[] = [];
  const timers: SpoolTimers = {
    setTimeout: (callback, ms) => {
      const entry = { callback, ms };
      scheduled.push(entry);
      return entry;
    },
    clearTimeout: (handle) => {
      const i = scheduled.indexOf(handle as (typeof scheduled)[number]);
      if (i >= 0) scheduled.splice(i, 1);
    },
  };
  const { store, primary, sw } = setup({ timers });
  sw.down = true;
  await store.put('x', bytes('x'), json);
  sw.down = false;

  store.start();
  store.start();
  assert.deepEqual(
    scheduled.map((s) => s.ms),
    [0],
  );
  sw.putDelayMs = 400;
  scheduled.shift()?.callback(); // the first pass starts, its upload takes 400 ms
  await new Promise((resolve) => setTimeout(resolve, 30));
  const done = sw.putsDone; // the refused put of the spooled write
  assert.equal(sw.puts.length, done + 1, 'the upload is still in flight when stop() is called');
  await Promise.all([store.stop(), store.stop()]);
  assert.equal(sw.putsDone, done + 1, 'stop returned before the upload finished');
  assert.equal(text(await primary.get('x')), 'x');
  assert.deepEqual(scheduled, [], 'no pass is scheduled after stop');
  assert.equal(store.stats().uploaded, 1);
});

test('the real timer loop drains the spool when the primary comes back', async () => {
  const { store, spool, sw } = setup();
  sw.down = true;
  await store.put('y', bytes('y'), json);
  store.start();
  await new Promise((resolve) => setTimeout(resolve, 60));
  assert.deepEqual(await collect(spool.list('')), ['y']);
  sw.down = false;
  const deadline = Date.now() + 3000;
  while (store.stats().pending > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  await store.stop();
  assert.deepEqual(await collect(spool.list('')), []);
  assert.equal(store.stats().primary, 'up');
});

test('with an empty spool, a down primary is probed and marked up again', async () => {
  const { store, sw, events } = setup();
  sw.down = true;
  await store.put('z', bytes('z'), json);
  await store.delete('z').catch(() => {}); // the primary is down: delete fails after clearing the spool
  assert.equal(store.stats().primary, 'down');
  sw.down = false;
  await store.drain();
  assert.equal(store.stats().primary, 'up');
  assert.equal(events.at(-1)?.type, 'primary-up');
});

test('check needs only the spool; describe names both stores', async () => {
  const { store, sw } = setup();
  sw.down = true;
  await store.check();
  assert.match(store.describe(), /^spooling store \(primary: switchable primary; spool: local store at .*spool-\d+/);
});
