import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buffer } from 'node:stream/consumers';
import { after, before, test } from 'node:test';
import { isGopprofError } from '../errors.ts';
import { createLocalStore } from './local-store.ts';
import type { ObjectInfo, ObjectStore } from './object-store.ts';
import { readLocalArtifact } from './read-local-artifact.ts';

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gopprof-local-store-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

let n = 0;
async function freshStore(): Promise<{ store: ObjectStore; root: string }> {
  const root = join(dir, `root-${++n}`);
  return { store: createLocalStore({ root, publicBaseUrl: 'http://gopprof.test:8080/' }), root };
}

async function collect(items: AsyncIterable<ObjectInfo>): Promise<ObjectInfo[]> {
  const out: ObjectInfo[] = [];
  for await (const item of items) out.push(item);
  return out;
}

const bytes = (text: string) => new TextEncoder().encode(text);

test('put/get/head round trip keeps bytes, content type and metadata', async () => {
  const { store } = await freshStore();
  const body = new Uint8Array([0x1f, 0x8b, 0, 1, 2, 255]);
  const result = await store.put('captures/c1/profile.pb.gz', body, {
    contentType: 'application/octet-stream',
    metadata: { 'capture-id': 'c1' },
  });
  assert.deepEqual(result, { key: 'captures/c1/profile.pb.gz', size: 6, storedIn: 'primary' });
  assert.deepEqual(await store.get('captures/c1/profile.pb.gz'), body);
  const stat = await store.head('captures/c1/profile.pb.gz');
  assert.equal(stat.size, 6);
  assert.equal(stat.contentType, 'application/octet-stream');
  assert.deepEqual(stat.metadata, { 'capture-id': 'c1' });
  assert.ok(Math.abs(stat.lastModified.getTime() - Date.now()) < 60_000);
});

test('put replaces an object whole, with its new content type', async () => {
  const { store } = await freshStore();
  await store.put('k.txt', bytes('old old old'), { contentType: 'text/plain' });
  await store.put('k.txt', bytes('new'), { contentType: 'image/svg+xml' });
  assert.equal(new TextDecoder().decode(await store.get('k.txt')), 'new');
  assert.equal((await store.head('k.txt')).contentType, 'image/svg+xml');
});

test('missing keys give STORAGE_NOT_FOUND from get and head; delete of a missing key succeeds', async () => {
  const { store } = await freshStore();
  await store.put('a/b', bytes('x'), { contentType: 'text/plain' });
  for (const key of ['nope', 'a', 'a/b/c']) {
    await assert.rejects(store.get(key), (err) => isGopprofError(err, 'STORAGE_NOT_FOUND') && err.message.includes(key));
    await assert.rejects(store.head(key), (err) => isGopprofError(err, 'STORAGE_NOT_FOUND'));
  }
  await store.delete('nope');
});

test('invalid keys are refused before touching the disk', async () => {
  const { store, root } = await freshStore();
  await assert.rejects(store.put('../escape', bytes('x'), { contentType: 'text/plain' }), (err) =>
    isGopprofError(err, 'STORAGE_KEY_INVALID'),
  );
  await assert.rejects(store.get('/etc/passwd'), (err) => isGopprofError(err, 'STORAGE_KEY_INVALID'));
  await assert.rejects(store.delete('a/../../x'), (err) => isGopprofError(err, 'STORAGE_KEY_INVALID'));
  await assert.rejects(collect(store.list('../')), (err) => isGopprofError(err, 'STORAGE_KEY_INVALID'));
  await assert.rejects(readdir(root), { code: 'ENOENT' });
});

test('bad put options are refused with OPTION_INVALID', async () => {
  const { store } = await freshStore();
  await assert.rejects(store.put('k', bytes('x'), { contentType: 'text/plain\r\nX-Evil: 1' }), (err) =>
    isGopprofError(err, 'OPTION_INVALID'),
  );
  await assert.rejects(store.put('k', bytes('x'), { contentType: 'text/plain', metadata: { 'Bad Name': 'v' } }), (err) =>
    isGopprofError(err, 'OPTION_INVALID'),
  );
  await assert.rejects(store.url('k', { expiresSeconds: 0 }), (err) => isGopprofError(err, 'OPTION_INVALID'));
});

test('list yields keys in S3 (byte) order, filtered by any prefix, with sizes', async () => {
  const { store } = await freshStore();
  const keys = ['a/x', 'a-b', 'a', 'b/c/d', 'b/c.txt', 'a/y/z', 'A', '_u', 'a.b'];
  // A file 'a' and a directory 'a/' cannot both exist on disk: drop 'a'.
  const stored = keys.filter((k) => k !== 'a');
  for (const key of stored) await store.put(key, bytes(key), { contentType: 'text/plain' });
  const all = await collect(store.list(''));
  assert.deepEqual(
    all.map((o) => o.key),
    [...stored].sort(),
  );
  assert.deepEqual(
    all.map((o) => o.size),
    [...stored].sort().map((k) => k.length),
  );
  assert.deepEqual(
    (await collect(store.list('a'))).map((o) => o.key),
    ['a-b', 'a.b', 'a/x', 'a/y/z'],
  );
  assert.deepEqual(
    (await collect(store.list('a/'))).map((o) => o.key),
    ['a/x', 'a/y/z'],
  );
  assert.deepEqual(
    (await collect(store.list('b/c'))).map((o) => o.key),
    ['b/c.txt', 'b/c/d'],
  );
  assert.deepEqual(await collect(store.list('zzz/')), []);
});

test('listPrefixes yields the directories one level below a prefix, in S3 order, without objects at that level', async () => {
  const { store } = await freshStore();
  for (const key of ['d/b/1', 'd/a-b/1', 'd/a/x/y', 'd/a/2', 'd/file', 'd/c.d/1', 'e/1/2']) {
    await store.put(key, bytes(key), { contentType: 'text/plain' });
  }
  const prefixes = async (prefix: string) => {
    const out: string[] = [];
    for await (const p of store.listPrefixes(prefix)) out.push(p);
    return out;
  };
  assert.deepEqual(await prefixes(''), ['d/', 'e/']);
  assert.deepEqual(await prefixes('d/'), ['d/a-b/', 'd/a/', 'd/b/', 'd/c.d/']);
  assert.deepEqual(await prefixes('d/a'), ['d/a-b/', 'd/a/']);
  assert.deepEqual(await prefixes('d/a/'), ['d/a/x/']);
  assert.deepEqual(await prefixes('none/'), []);
  await assert.rejects(prefixes('../'), (err) => isGopprofError(err, 'STORAGE_KEY_INVALID'));
});

test('a key clashing with a directory fails with STORAGE_FAILED, not a crash', async () => {
  const { store } = await freshStore();
  await store.put('d/e', bytes('x'), { contentType: 'text/plain' });
  await assert.rejects(store.put('d', bytes('x'), { contentType: 'text/plain' }), (err) =>
    isGopprofError(err, 'STORAGE_FAILED'),
  );
  await assert.rejects(store.put('d/e/f', bytes('x'), { contentType: 'text/plain' }), (err) =>
    isGopprofError(err, 'STORAGE_FAILED'),
  );
  assert.deepEqual((await collect(store.list(''))).map((o) => o.key), ['d/e']);
});

test('delete removes the object, its sidecar and empty directories; temp files never show', async () => {
  const { store, root } = await freshStore();
  await store.put('x/y/z.svg', bytes('<svg/>'), { contentType: 'image/svg+xml' });
  await store.put('x/keep', bytes('k'), { contentType: 'text/plain' });
  await store.delete('x/y/z.svg');
  assert.deepEqual((await collect(store.list(''))).map((o) => o.key), ['x/keep']);
  await store.delete('x/keep');
  assert.deepEqual(await readdir(join(root, 'objects')), []);
  assert.deepEqual(await readdir(join(root, 'meta')), []);
  assert.deepEqual(await readdir(join(root, 'tmp')), []);
});

test('puts and deletes racing in one directory all succeed (a prune between mkdir and rename is retried)', async () => {
  const { store } = await freshStore();
  const body = bytes('x');
  const workers = Array.from({ length: 8 }, async (_, w) => {
    for (let i = 0; i < 40; i++) {
      await store.put(`r/s/w${w}-${i}`, body, { contentType: 'text/plain' });
      if (i < 39) await store.delete(`r/s/w${w}-${i}`);
    }
  });
  await Promise.all(workers);
  assert.deepEqual(
    (await collect(store.list('r/'))).map((o) => o.key),
    ['r/s/w0-39', 'r/s/w1-39', 'r/s/w2-39', 'r/s/w3-39', 'r/s/w4-39', 'r/s/w5-39', 'r/s/w6-39', 'r/s/w7-39'],
  );
});

test('url points at the HTTP artifact server', async () => {
  const { store } = await freshStore();
  assert.equal(
    await store.url('captures/c1/graph.svg', { expiresSeconds: 60 }),
    'http://gopprof.test:8080/artifacts/captures/c1/graph.svg',
  );
  assert.match(store.describe(), /^local store at .*root-\d+ \(links under http:\/\/gopprof\.test:8080\/artifacts\/\)$/);
});

test('check creates the root and passes; fails with STORAGE_FAILED when the root is a file', async () => {
  const { store, root } = await freshStore();
  await store.check();
  assert.deepEqual(await readdir(root), ['tmp']);
  const file = join(dir, `plain-file-${++n}`);
  await writeFile(file, 'x');
  const broken = createLocalStore({ root: file, publicBaseUrl: 'http://h' });
  await assert.rejects(broken.check(), (err) => isGopprofError(err, 'STORAGE_FAILED'));
  await assert.rejects(broken.put('k', bytes('x'), { contentType: 'text/plain' }), (err) =>
    isGopprofError(err, 'STORAGE_FAILED'),
  );
});

test('an aborted signal rejects with ABORTED', async () => {
  const { store } = await freshStore();
  const signal = AbortSignal.abort();
  await assert.rejects(store.put('k', bytes('x'), { contentType: 'text/plain' }, signal), (err) =>
    isGopprofError(err, 'ABORTED'),
  );
  await assert.rejects(store.get('k', signal), (err) => isGopprofError(err, 'ABORTED'));
  await assert.rejects(collect(store.list('', signal)), (err) => isGopprofError(err, 'ABORTED'));
});

test('readLocalArtifact streams the bytes with the stored content type and size', async () => {
  const { store, root } = await freshStore();
  const svg = bytes('<svg xmlns="http://www.w3.org/2000/svg"/>');
  await store.put('c/graph.svg', svg, { contentType: 'image/svg+xml' });
  const artifact = await readLocalArtifact(root, 'c/graph.svg');
  assert.equal(artifact.contentType, 'image/svg+xml');
  assert.equal(artifact.size, svg.byteLength);
  assert.deepEqual(new Uint8Array(await buffer(artifact.body)), svg);

  await assert.rejects(readLocalArtifact(root, 'c/none.svg'), (err) => isGopprofError(err, 'STORAGE_NOT_FOUND'));
  await assert.rejects(readLocalArtifact(root, 'c/../../etc/passwd'), (err) => isGopprofError(err, 'STORAGE_KEY_INVALID'));
  await assert.rejects(readLocalArtifact(root, 'c'), (err) => isGopprofError(err, 'STORAGE_NOT_FOUND'));
});

test('readLocalArtifact guesses the type when the sidecar is missing and does not follow symlinks', async () => {
  const { store, root } = await freshStore();
  await store.check();
  await store.put('hand.dot', bytes('digraph{}'), { contentType: 'text/vnd.graphviz' });
  await rm(join(root, 'meta', 'hand.dot'));
  assert.equal((await readLocalArtifact(root, 'hand.dot')).contentType, 'text/vnd.graphviz');
  (await readLocalArtifact(root, 'hand.dot')).body.destroy();

  await symlink('/etc/hostname', join(root, 'objects', 'link'));
  await assert.rejects(readLocalArtifact(root, 'link'), (err) => isGopprofError(err, 'STORAGE_FAILED'));
});
