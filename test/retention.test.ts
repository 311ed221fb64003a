// The running service applies storage.retention: a store left with old
// captures (in the day layout and in the flat layout of earlier versions) is
// pruned at start, /metrics counts it, ListCaptures and GetCapture answer for
// what is left, and stop() ends the pruner with the rest.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { create } from '@bufbuild/protobuf';
import type { ServiceError } from '@grpc/grpc-js';
import { captureKeys, newCaptureId } from '../src/capture/index.ts';
import { loadConfig } from '../src/config/index.ts';
import {
  GetCaptureRequestSchema,
  type GetCaptureResponse,
  ListCapturesRequestSchema,
  type ListCapturesResponse,
} from '../src/gen/gopprof/v1/profiler_pb.js';
import { startService } from '../src/main.ts';
import { createLocalStore, type ObjectStore } from '../src/storage/index.ts';
import { createLogger } from '../src/telemetry/index.ts';
import { captureRecord } from './support/capture-record.ts';
import { eventually } from './support/eventually.ts';
import { connectProfiler, loopbackServiceEnv } from './support/loopback-service.ts';

const HOUR = 3_600_000;

async function storeCapture(store: ObjectStore, startedMs: number, legacy = false): Promise<string> {
  const id = newCaptureId(new Date(startedMs), 'heap');
  const keys = captureKeys(id);
  const base = legacy ? `captures/${id}/` : keys.metadata.replace(/capture\.json$/, '');
  await store.put(`${base}profile.pb.gz`, new Uint8Array(10), { contentType: 'application/octet-stream' });
  const record = captureRecord(id, {
    startedAt: new Date(startedMs).toISOString(),
    finishedAt: new Date(startedMs).toISOString(),
    artifacts: { profile: { key: `${base}profile.pb.gz`, url: '', contentType: 'application/octet-stream', size: 10 } },
  });
  await store.put(`${base}capture.json`, new TextEncoder().encode(JSON.stringify(record)), { contentType: 'application/json' });
  return id;
}

test('the service prunes expired captures at start, counts it in /metrics, and serves the rest', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'gopprof-retention-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const store = createLocalStore({ root: dir, publicBaseUrl: 'http://gopprof.test' });
  const now = Date.now();
  const old = [await storeCapture(store, now - 30 * HOUR), await storeCapture(store, now - 50 * HOUR, true)];
  const fresh = await storeCapture(store, now - HOUR);
  const freshLegacy = await storeCapture(store, now - 2 * HOUR, true);

  const config = await loadConfig({ file: '', env: { ...loopbackServiceEnv(dir), GOPPROF_STORAGE_RETENTION_MAX_AGE_HOURS: '24' } });
  const service = await startService(config, createLogger('silent'));
  t.after(() => service.stop());
  const metrics = async () => (await fetch(`http://127.0.0.1:${service.httpPort}/metrics`)).text();
  await eventually('the first pass at start', async () => /gopprof_retention_runs_total\{result="ok"\} 1/.test(await metrics()));
  assert.match(await metrics(), /gopprof_retention_deleted_captures_total\{reason="age"\} 2\n/);
  const left: string[] = [];
  for await (const o of store.list('captures/')) left.push(o.key);
  assert.ok(!left.some((k) => old.some((id) => k.includes(id))), 'the expired captures are gone');
  assert.equal(left.length, 4);

  const client = connectProfiler(service.grpcPort);
  t.after(() => client.close());
  const listed = await client.call<ListCapturesResponse>('listCaptures', create(ListCapturesRequestSchema, {}));
  assert.deepEqual(listed.captures.map((c) => c.id), [fresh], 'the day layout is listed');
  const legacy = await client.call<GetCaptureResponse>('getCapture', create(GetCaptureRequestSchema, { id: freshLegacy }));
  assert.equal(legacy.capture?.id, freshLegacy, 'a capture of the flat layout is still found by id');
  await assert.rejects(client.call('getCapture', create(GetCaptureRequestSchema, { id: old[0] })), (err: ServiceError) => err.code === 5);

  await service.stop();
});
