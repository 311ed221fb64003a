import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { createLocalStore, type ObjectStore } from '../storage/index.ts';
import type { Capture } from './capture.ts';
import { newCaptureId } from './capture-keys.ts';
import { createCaptureRepository } from './capture-repository.ts';

function record(id: string): Capture {
  return {
    id,
    targetId: 'static/go',
    targetName: 'go',
    target: { labels: {}, owner: '' },
    type: 'heap',
    seconds: 0,
    trigger: 'manual',
    options: {},
    startedAt: new Date(0).toISOString(),
    finishedAt: new Date(0).toISOString(),
    status: 'ok',
    artifacts: {},
    storedIn: 'primary',
  };
}

test('the record cache is bounded: the oldest records are read from the store again, the newest are not', async (t) => {
  const root = await mkdtemp(join(tmpdir(), 'gopprof-repo-'));
  t.after(() => rm(root, { recursive: true, force: true }));
  const local = createLocalStore({ root, publicBaseUrl: 'http://gopprof.test' });
  const reads: string[] = [];
  const store: ObjectStore = {
    ...local,
    get: (key, signal) => {
      reads.push(key);
      return local.get(key, signal);
    },
  };
  const repo = createCaptureRepository(store, { cacheSize: 3 });
  const ids = [1, 2, 3, 4, 5].map((n) => newCaptureId(new Date(n * 1000), 'heap', () => `0000000${n}`));
  for (const id of ids) await repo.save(record(id));

  assert.deepEqual((await repo.get(ids[4])).id, ids[4]);
  assert.deepEqual((await repo.get(ids[2])).id, ids[2]);
  assert.deepEqual(reads, [], 'the 3 newest records come from the cache');
  assert.deepEqual((await repo.get(ids[0])).id, ids[0]);
  assert.deepEqual(reads, [`captures/${ids[0]}/capture.json`], 'an evicted record is read from the store');
  // Reading ids[0] evicted the least recently used one (ids[3]); ids[2] and ids[4] were used since.
  await repo.get(ids[2]);
  await repo.get(ids[4]);
  assert.equal(reads.length, 1);
  await repo.get(ids[3]);
  assert.equal(reads.length, 2);
});
