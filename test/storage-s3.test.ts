/**
 * The S3 store and the spooling store against a real S3-protocol server
 * (s3rver on 127.0.0.1, port 0, a temp directory): bucket creation, round
 * trips, presigned links, the store going down and coming back, and an
 * endpoint that accepts connections but never answers.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { Client } from 'minio';
import { isGopprofError } from '../src/errors.ts';
import {
  createLocalStore,
  createS3Store,
  createSpoolingStore,
  type ObjectInfo,
  type S3StoreOptions,
  type SpoolEvent,
} from '../src/storage/index.ts';
import { CLOSED_PORT } from './support/closed-port.ts';

interface S3rverInstance {
  run(): Promise<AddressInfo>;
  close(): Promise<void>;
}
type S3rverClass = new (options: Record<string, unknown>) => S3rverInstance;
const S3rver = createRequire(import.meta.url)('s3rver') as S3rverClass;

const SECRET = 'S3RVER-secret-do-not-log';

let dir: string;
let server: S3rverInstance;
let port: number;
let n = 0;

async function startS3rver(atPort: number, directory: string): Promise<{ instance: S3rverInstance; port: number }> {
  const instance = new S3rver({ address: '127.0.0.1', port: atPort, silent: true, directory });
  const address = await instance.run();
  return { instance, port: address.port };
}

function s3Options(overrides: Partial<S3StoreOptions> = {}): S3StoreOptions {
  return {
    endPoint: '127.0.0.1',
    port,
    useSSL: false,
    accessKey: 'S3RVER',
    secretKey: SECRET,
    region: 'us-east-1',
    bucket: `bucket-${++n}`,
    pathStyle: true,
    timeoutMs: 2000,
    ...overrides,
  };
}

/** An independent client, to check what is really in s3rver. */
function rawClient(atPort = port): Client {
  return new Client({
    endPoint: '127.0.0.1',
    port: atPort,
    useSSL: false,
    accessKey: 'S3RVER',
    secretKey: 'S3RVER',
    region: 'us-east-1',
    pathStyle: true,
  });
}

async function collect(items: AsyncIterable<ObjectInfo>): Promise<ObjectInfo[]> {
  const out: ObjectInfo[] = [];
  for await (const item of items) out.push(item);
  return out;
}

async function waitFor(what: string, condition: () => boolean | Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** A server that accepts connections and never answers; records when sockets close. */
async function startHangingServer(
  handler: RequestListener = () => {},
): Promise<{ server: Server; port: number; sockets: Set<Socket>; closed: () => number }> {
  const sockets = new Set<Socket>();
  let closed = 0;
  const hanging = createServer(handler);
  hanging.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => {
      sockets.delete(socket);
      closed++;
    });
  });
  await new Promise<void>((resolve) => hanging.listen(0, '127.0.0.1', resolve));
  return { server: hanging, port: (hanging.address() as AddressInfo).port, sockets, closed: () => closed };
}

const bytes = (text: string) => new TextEncoder().encode(text);

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gopprof-s3-'));
  ({ instance: server, port } = await startS3rver(0, join(dir, 's3rver')));
});

after(async () => {
  await server.close().catch(() => {});
  await rm(dir, { recursive: true, force: true });
});

test('creates the bucket on first use; put/get/head/delete round trips keep bytes, content type and metadata', async () => {
  const options = s3Options();
  const store = createS3Store(options);
  assert.equal(await rawClient().bucketExists(options.bucket), false);
  const profile = new Uint8Array(randomBytes(200_000));
  assert.deepEqual(
    await store.put('captures/c1/profile.pb.gz', profile, {
      contentType: 'application/octet-stream',
      metadata: { 'capture-id': 'c1' },
    }),
    { key: 'captures/c1/profile.pb.gz', size: 200_000, storedIn: 'primary' },
  );
  assert.equal(await rawClient().bucketExists(options.bucket), true);
  await store.put('captures/c1/graph.svg', bytes('<svg/>'), { contentType: 'image/svg+xml' });

  assert.deepEqual(await store.get('captures/c1/profile.pb.gz'), profile);
  const stat = await store.head('captures/c1/profile.pb.gz');
  assert.equal(stat.size, 200_000);
  assert.equal(stat.contentType, 'application/octet-stream');
  assert.deepEqual(stat.metadata, { 'capture-id': 'c1' });
  assert.equal((await store.head('captures/c1/graph.svg')).contentType, 'image/svg+xml');
  assert.equal((await rawClient().statObject(options.bucket, 'captures/c1/graph.svg')).metaData['content-type'], 'image/svg+xml');

  await store.delete('captures/c1/graph.svg');
  await assert.rejects(store.get('captures/c1/graph.svg'), (err) => isGopprofError(err, 'STORAGE_NOT_FOUND'));
  await assert.rejects(store.head('captures/c1/graph.svg'), (err) => isGopprofError(err, 'STORAGE_NOT_FOUND'));
  await store.delete('captures/c1/graph.svg'); // deleting a missing key succeeds
  await store.check();
});

test('list pages through keys in lexicographic order, filtered by prefix', async () => {
  const store = createS3Store(s3Options({ listPageSize: 2 }));
  // s3rver lists a directory's files before its subdirectories ('a/x' before 'a-b'), unlike
  // S3 and MinIO, which sort by bytes: these keys avoid such siblings.
  const keys = ['b/2', 'a/x', 'b/1', 'a/y/z', 'c', 'a/w1', 'a/w2'];
  for (const key of keys) await store.put(key, bytes(key), { contentType: 'text/plain' });
  const all = await collect(store.list(''));
  assert.deepEqual(
    all.map((o) => o.key),
    [...keys].sort(),
  );
  assert.deepEqual(
    all.map((o) => o.size),
    [...keys].sort().map((k) => k.length),
  );
  assert.ok(all.every((o) => o.lastModified instanceof Date && !Number.isNaN(o.lastModified.getTime())));
  assert.deepEqual(
    (await collect(store.list('a/w'))).map((o) => o.key),
    ['a/w1', 'a/w2'],
  );
  assert.deepEqual(
    (await collect(store.list('b/'))).map((o) => o.key),
    ['b/1', 'b/2'],
  );
  assert.deepEqual(await collect(store.list('nothing/')), []);
});

test('listPrefixes pages through the directories one level below a prefix, each once, without objects', async () => {
  const store = createS3Store(s3Options({ listPageSize: 2 }));
  // s3rver finds common prefixes only one directory deep (S3 and MinIO at any depth): these keys stay there.
  const keys = ['d/x2/1', 'd/f1', 'd/x1/1', 'd/x1/2', 'd/f2', 'd/f3', 'd/x3/1', 'e/y/1'];
  for (const key of keys) await store.put(key, bytes(key), { contentType: 'text/plain' });
  const prefixes = async (prefix: string) => {
    const out: string[] = [];
    for await (const p of store.listPrefixes(prefix)) out.push(p);
    return out;
  };
  assert.deepEqual(await prefixes('d/'), ['d/x1/', 'd/x2/', 'd/x3/']);
  assert.deepEqual(await prefixes('d/x'), ['d/x1/', 'd/x2/', 'd/x3/']);
  assert.deepEqual(await prefixes('e/'), ['e/y/']);
  assert.deepEqual(await prefixes('none/'), []);
});

test('a presigned URL fetched with plain HTTP returns the bytes and content type', async () => {
  const store = createS3Store(s3Options());
  const svg = bytes('<svg xmlns="http://www.w3.org/2000/svg"><g/></svg>');
  await store.put('captures/c2/graph.svg', svg, { contentType: 'image/svg+xml' });
  const link = await store.url('captures/c2/graph.svg', { expiresSeconds: 120 });
  assert.match(link, /X-Amz-Expires=120/);
  const response = await fetch(link);
  assert.equal(response.status, 200);
  assert.equal(response.headers.get('content-type'), 'image/svg+xml');
  assert.deepEqual(new Uint8Array(await response.arrayBuffer()), svg);
});

test('presigned links are signed for publicEndpoint when it is set', async () => {
  const options = s3Options({ publicEndpoint: `http://localhost:${port}` });
  const store = createS3Store(options);
  await store.put('k.json', bytes('{"a":1}'), { contentType: 'application/json' });
  const link = await store.url('k.json', { expiresSeconds: 60 });
  assert.ok(link.startsWith(`http://localhost:${port}/${options.bucket}/k.json?`), link);
  const response = await fetch(link);
  assert.equal(await response.text(), '{"a":1}');
  assert.match(store.describe(), new RegExp(`links via http://localhost:${port}`));
});

test('a refused connection is STORAGE_UNAVAILABLE at once', async () => {
  // A port released by a server could be given to another one meanwhile; port 2 is never handed out.
  const store = createS3Store(s3Options({ port: CLOSED_PORT }));
  const started = Date.now();
  await assert.rejects(store.put('k', bytes('x'), { contentType: 'text/plain' }), (err) =>
    isGopprofError(err, 'STORAGE_UNAVAILABLE') && /ECONNREFUSED/.test(err.message),
  );
  assert.ok(Date.now() - started < 10_000, 'refused at once, not at the 30 s deadline');
  await assert.rejects(store.check(), (err) => isGopprofError(err, 'STORAGE_UNAVAILABLE'));
});

test('an endpoint that never answers gives STORAGE_UNAVAILABLE within the deadline and its socket is closed', async () => {
  const hanging = await startHangingServer();
  try {
    const store = createS3Store(s3Options({ port: hanging.port, timeoutMs: 300 }));
    for (const attempt of [
      () => store.put('k', bytes('x'), { contentType: 'text/plain' }),
      () => store.check(),
      () => collect(store.list('')),
    ]) {
      const started = Date.now();
      await assert.rejects(attempt(), (err) => isGopprofError(err, 'STORAGE_UNAVAILABLE') && /300 ms/.test(err.message));
      const elapsed = Date.now() - started;
      assert.ok(elapsed >= 250 && elapsed < 10_000, `took ${elapsed} ms: the 300 ms deadline, not a hang`);
    }
    // The deadline destroyed the requests: no socket is left open on the server.
    await waitFor('sockets to close', () => hanging.sockets.size === 0, 2000);
    assert.ok(hanging.closed() >= 1);

    // The caller's own signal cancels sooner, as ABORTED, and nothing is left running.
    const slow = createS3Store(s3Options({ port: hanging.port, timeoutMs: 10_000 }));
    const started = Date.now();
    await assert.rejects(slow.get('k', AbortSignal.timeout(100)), (err) => isGopprofError(err, 'ABORTED'));
    assert.ok(Date.now() - started < 5000, 'the signal, not the 10 s deadline');
    await waitFor('sockets to close', () => hanging.sockets.size === 0, 2000);
  } finally {
    hanging.server.closeAllConnections();
    await new Promise<void>((resolve) => hanging.server.close(() => resolve()));
  }
});

test('every operation has the deadline, also once the bucket exists and in the middle of a body', async () => {
  // Says the bucket exists, then answers nothing — or half a body — to anything else.
  const stalling = await startHangingServer((req, res) => {
    if (req.method === 'HEAD' && /^\/bucket-\d+\/?$/.test(req.url ?? '')) {
      res.end();
    } else if (req.method === 'GET' && req.url?.includes('/half')) {
      res.writeHead(200, { 'content-length': '1000', 'content-type': 'text/plain' });
      res.write('x'.repeat(10));
    }
  });
  try {
    const store = createS3Store(s3Options({ port: stalling.port, timeoutMs: 300 }));
    for (const [op, attempt] of [
      ['put', () => store.put('k', bytes('x'), { contentType: 'text/plain' })],
      ['get', () => store.get('half')],
      ['head', () => store.head('k')],
      ['delete', () => store.delete('k')],
    ] as const) {
      const started = Date.now();
      await assert.rejects(attempt(), (err) => isGopprofError(err, 'STORAGE_UNAVAILABLE') && err.message.startsWith(`s3 ${op} '`));
      const elapsed = Date.now() - started;
      assert.ok(elapsed >= 250 && elapsed < 10_000, `${op} took ${elapsed} ms: the 300 ms deadline, not a hang`);
    }
    await waitFor('sockets to close', () => stalling.sockets.size === 0, 2000);
  } finally {
    stalling.server.closeAllConnections();
    await new Promise<void>((resolve) => stalling.server.close(() => resolve()));
  }
});

test('the secret key is in no message and not in describe()', async () => {
  const hanging = await startHangingServer();
  await new Promise<void>((resolve) => hanging.server.close(() => resolve()));
  const messages: string[] = [];
  const down = createS3Store(s3Options({ port: hanging.port }));
  messages.push(down.describe());
  await down.put('k', bytes('x'), { contentType: 'text/plain' }).catch((err: Error) => messages.push(err.message));
  const badBucket = createS3Store(s3Options({ bucket: 'Not_A_Bucket' }));
  await badBucket.get('k').catch((err: unknown) => {
    assert.ok(isGopprofError(err, 'STORAGE_FAILED'));
    messages.push(err.message, JSON.stringify(err.details));
  });
  assert.equal(messages.length, 4);
  for (const message of messages) assert.ok(!message.includes(SECRET), message);
});

test('spooling: the store goes down, puts land in the spool and stay visible; it comes back and the spool drains', async (t) => {
  const s3dir = join(dir, `s3rver-down-${++n}`);
  let own = await startS3rver(0, s3dir);
  t.after(() => own.instance.close().catch(() => {}));
  const options = s3Options({ port: own.port, timeoutMs: 1000 });
  const primary = createS3Store(options);
  const spoolRoot = join(dir, `spool-${n}`);
  const spool = createLocalStore({ root: spoolRoot, publicBaseUrl: 'http://gopprof.test:8080' });
  const events: SpoolEvent[] = [];
  const store = createSpoolingStore(primary, spool, { retryIntervalMs: 50, onEvent: (e) => events.push(e) });
  store.start();
  t.after(() => store.stop());

  const first = bytes('{"id":"c1"}');
  assert.equal((await store.put('captures/c1/capture.json', first, { contentType: 'application/json' })).storedIn, 'primary');

  await own.instance.close();
  const profile = new Uint8Array(randomBytes(100_000));
  const result = await store.put('captures/c2/profile.pb.gz', profile, {
    contentType: 'application/octet-stream',
    metadata: { 'capture-id': 'c2' },
  });
  assert.deepEqual(result, { key: 'captures/c2/profile.pb.gz', size: 100_000, storedIn: 'spool' });
  assert.equal((await store.put('captures/c2/graph.svg', bytes('<svg/>'), { contentType: 'image/svg+xml' })).storedIn, 'spool');
  assert.deepEqual(
    (({ spooled, pending, primary }) => ({ spooled, pending, primary }))(store.stats()),
    { spooled: 2, pending: 2, primary: 'down' },
  );
  assert.ok(events.some((e) => e.type === 'primary-down'));

  // Readers still see the spooled objects while S3 is down.
  assert.deepEqual(
    (await collect(store.list('captures/'))).map((o) => o.key),
    ['captures/c2/graph.svg', 'captures/c2/profile.pb.gz'],
  );
  assert.ok(events.some((e) => e.type === 'list-degraded'));
  assert.deepEqual(await store.get('captures/c2/profile.pb.gz'), profile);
  assert.equal(
    await store.url('captures/c2/graph.svg', { expiresSeconds: 60 }),
    'http://gopprof.test:8080/artifacts/captures/c2/graph.svg',
  );

  // Back on the same port, with the same data: the loop uploads and empties the spool.
  own = await startS3rver(options.port, s3dir);
  await waitFor('the spool to drain', () => store.stats().pending === 0);
  assert.deepEqual(await collect(spool.list('')), []);
  const stats = store.stats();
  assert.equal(stats.uploaded, 2);
  assert.equal(stats.primary, 'up');
  assert.deepEqual(await primary.get('captures/c2/profile.pb.gz'), profile);
  const stat = await primary.head('captures/c2/profile.pb.gz');
  assert.equal(stat.contentType, 'application/octet-stream');
  assert.deepEqual(stat.metadata, { 'capture-id': 'c2' });
  assert.equal((await primary.head('captures/c2/graph.svg')).contentType, 'image/svg+xml');
  assert.deepEqual(
    (await collect(store.list('captures/'))).map((o) => o.key),
    ['captures/c1/capture.json', 'captures/c2/graph.svg', 'captures/c2/profile.pb.gz'],
  );
  assert.match(await store.url('captures/c2/graph.svg', { expiresSeconds: 60 }), new RegExp(`^http://127\\.0\\.0\\.1:${options.port}/`));
  assert.equal((await store.put('captures/c3/capture.json', first, { contentType: 'application/json' })).storedIn, 'primary');
});

test('spooling: objects left in the spool by an earlier process (even already uploaded) are uploaded on start', async (t) => {
  const options = s3Options();
  const primary = createS3Store(options);
  const spool = createLocalStore({ root: join(dir, `spool-left-${++n}`), publicBaseUrl: 'http://h' });
  const body = bytes('left behind');
  // A crash after the upload but before the spool delete: the object is in both.
  await primary.put('captures/c9/graph.dot', body, { contentType: 'text/vnd.graphviz' });
  await spool.put('captures/c9/graph.dot', body, { contentType: 'text/vnd.graphviz' });
  await spool.put('captures/c9/capture.json', bytes('{}'), { contentType: 'application/json' });
  const store = createSpoolingStore(primary, spool, { retryIntervalMs: 50 });
  store.start();
  t.after(() => store.stop());
  await waitFor('the spool to drain', async () => (await collect(spool.list(''))).length === 0);
  assert.deepEqual(await primary.get('captures/c9/graph.dot'), body);
  assert.equal((await primary.head('captures/c9/capture.json')).contentType, 'application/json');
  assert.equal(store.stats().uploaded, 2);
});
