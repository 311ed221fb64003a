// Capture store benchmark: ListCaptures' first page (50, newest first, cold
// record cache) over N captures spread over 30 days, on the local store and
// on a real S3-protocol server (s3rver on loopback). Prints the time, the list
// calls and S3 list requests made, the keys or prefixes they enumerated and
// the records read; then one retention pass (a day expiring; a byte limit,
// which lists everything) on the local store.
//
//   node test/bench/captures.bench.ts          (20,000 local, 2,000 on s3rver)
//   GOPPROF_CAPTURES_LOCAL=5000 GOPPROF_CAPTURES_S3=0 node test/bench/captures.bench.ts
//
// The seeding writes the objects' files directly (no fsync, no sidecars: the
// listing reads neither), so the local part takes seconds, not minutes.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import * as capture from '../../src/capture/index.ts';
import { createLocalStore, createS3Store, type ObjectStore } from '../../src/storage/index.ts';
import { startS3rver } from '../support/s3rver-server.ts';

const DAYS = 30;
const RUNS = 5;
const PAGE = 50;

interface Counts {
  calls: number;
  entries: number;
  reads: number;
}

/** `store` counting its listings (calls and entries) and its reads. */
function counting(store: ObjectStore, counts: Counts): ObjectStore {
  const wrap = <T>(items: AsyncIterable<T>): AsyncIterable<T> => ({
    async *[Symbol.asyncIterator]() {
      counts.calls++;
      for await (const item of items) {
        counts.entries++;
        yield item;
      }
    },
  });
  const wrapped: ObjectStore = {
    ...store,
    list: (prefix, signal) => wrap(store.list(prefix, signal)),
    get: (key, signal) => {
      counts.reads++;
      return store.get(key, signal);
    },
  };
  // Absent before day partitions: the old code lists every key instead.
  if (typeof store.listPrefixes === 'function') wrapped.listPrefixes = (prefix, signal) => wrap(store.listPrefixes(prefix, signal));
  return wrapped;
}

/** N ids spread evenly over the last DAYS days, oldest first. */
function ids(n: number, now: number): string[] {
  const step = (DAYS * 86_400_000) / n;
  return Array.from({ length: n }, (_, i) =>
    capture.newCaptureId(new Date(now - DAYS * 86_400_000 + i * step), i % 3 === 0 ? 'cpu' : 'heap', () => i.toString(16).padStart(8, '0')),
  );
}

function record(id: string): Uint8Array {
  const keys = capture.captureKeys(id);
  const artifact = (key: string, contentType: string) => ({ key, url: '', contentType, size: 1000 });
  const c = {
    id,
    targetId: `kubernetes/shop/api-${id.slice(-3)}`,
    targetName: `shop/api-${id.slice(-3)}`,
    target: { labels: { app: 'api' }, owner: 'team-shop' },
    type: id.includes('-cpu-') ? 'cpu' : 'heap',
    seconds: 30,
    trigger: 'auto',
    options: {},
    startedAt: new Date().toISOString(),
    finishedAt: new Date().toISOString(),
    status: 'ok',
    artifacts: {
      profile: artifact(keys.profile, 'application/octet-stream'),
      dot: artifact(keys.dot, 'text/vnd.graphviz'),
      svg: artifact(keys.svg, 'image/svg+xml'),
    },
    summary: { top: [] },
    storedIn: 'primary',
  };
  return new TextEncoder().encode(JSON.stringify(c, null, 2));
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** Times the first page RUNS times (a new repository each time: a cold record cache). */
async function firstPage(label: string, store: ObjectStore, now: Date, requests?: () => number): Promise<void> {
  const times: number[] = [];
  let counts: Counts = { calls: 0, entries: 0, reads: 0 };
  let reqs = 0;
  for (let run = 0; run < RUNS; run++) {
    counts = { calls: 0, entries: 0, reads: 0 };
    const before = requests?.() ?? 0;
    const repo = capture.createCaptureRepository(counting(store, counts), { now: () => now });
    const t0 = performance.now();
    const page = await repo.list({ pageSize: PAGE });
    times.push(performance.now() - t0);
    reqs = (requests?.() ?? 0) - before;
    if (page.captures.length !== PAGE) throw new Error(`${label}: a page of ${page.captures.length}`);
  }
  const s3 = requests ? `   S3 list requests ${reqs}` : '';
  console.log(
    `  ${label.padEnd(26)} first ${times[0].toFixed(0).padStart(6)} ms   median ${median(times).toFixed(0).padStart(6)} ms   list calls ${counts.calls}   entries listed ${counts.entries}   records read ${counts.reads}${s3}`,
  );
}

async function localPart(n: number, now: Date): Promise<void> {
  const root = await mkdtemp(join(tmpdir(), 'gopprof-bench-captures-'));
  try {
    const t0 = performance.now();
    const all = ids(n, now.getTime());
    const body = new Uint8Array(1000);
    for (let i = 0; i < all.length; i += 200) {
      await Promise.all(
        all.slice(i, i + 200).map(async (id) => {
          const keys = capture.captureKeys(id);
          const path = (key: string) => join(root, 'objects', ...key.split('/'));
          await mkdir(dirname(path(keys.metadata)), { recursive: true });
          await Promise.all([keys.profile, keys.dot, keys.svg].map((k) => writeFile(path(k), body)));
          await writeFile(path(keys.metadata), record(id));
        }),
      );
    }
    console.log(`local store: ${n} captures over ${DAYS} days (${(n / DAYS).toFixed(0)}/day), seeded in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    const store = createLocalStore({ root, publicBaseUrl: 'http://bench.test' });
    await firstPage('ListCaptures first page', store, now);

    if ('pruneCaptures' in capture) {
      // A day past the limit: the pass the service runs every 10 minutes, once a day has aged out.
      const hours = (DAYS - 1) * 24 - 1;
      let t = performance.now();
      const byAge = await capture.pruneCaptures({ store, now: () => now }, { maxAgeHours: hours, maxTotalBytes: 0 });
      console.log(`  retention, ${hours} h        ${(performance.now() - t).toFixed(0).padStart(6)} ms   deleted ${byAge.deleted} captures`);
      t = performance.now();
      const bySize = await capture.pruneCaptures({ store, now: () => now }, { maxAgeHours: 0, maxTotalBytes: 1e15 });
      console.log(`  retention, byte limit      ${(performance.now() - t).toFixed(0).padStart(6)} ms   (lists every object: ${((bySize.totalBytes ?? 0) / 2 ** 20).toFixed(0)} MiB counted)`);
    }
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

async function s3Part(n: number, now: Date): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'gopprof-bench-s3-'));
  const s3 = await startS3rver(join(dir, 's3rver'));
  // A counting proxy in front of s3rver: every bucket GET with a prefix is a list request.
  let listRequests = 0;
  const proxy = createServer((req, res) => {
    if (req.method === 'GET' && /[?&]prefix=/.test(req.url ?? '')) listRequests++;
    const upstream = request({ host: '127.0.0.1', port: s3.port, method: req.method, path: req.url, headers: req.headers }, (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    });
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  try {
    const store = createS3Store(s3.storeOptions('bench', { port: (proxy.address() as AddressInfo).port, timeoutMs: 30_000 }));
    const t0 = performance.now();
    const all = ids(n, now.getTime());
    const body = new Uint8Array(1000);
    const octets = { contentType: 'application/octet-stream' };
    for (let i = 0; i < all.length; i += 25) {
      await Promise.all(
        all.slice(i, i + 25).map(async (id) => {
          const keys = capture.captureKeys(id);
          await Promise.all([keys.profile, keys.dot, keys.svg].map((k) => store.put(k, body, octets)));
          await store.put(keys.metadata, record(id), { contentType: 'application/json' });
        }),
      );
    }
    console.log(`s3rver: ${n} captures over ${DAYS} days (${(n / DAYS).toFixed(0)}/day), seeded in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    await firstPage('ListCaptures first page', store, now, () => listRequests);
  } finally {
    proxy.close();
    await s3.close();
    await rm(dir, { recursive: true, force: true });
  }
}

export async function main(): Promise<void> {
  const local = Number(process.env.GOPPROF_CAPTURES_LOCAL ?? 20_000);
  const s3 = Number(process.env.GOPPROF_CAPTURES_S3 ?? 2_000);
  // Noon: the newest day is half full, as on an ordinary afternoon.
  const now = new Date(`${new Date().toISOString().slice(0, 10)}T12:00:00.000Z`);
  if (local > 0) await localPart(local, now);
  if (s3 > 0) await s3Part(s3, now);
}

if (import.meta.main) await main();
