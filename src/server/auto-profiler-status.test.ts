// GetAutoProfilerStatus over a real grpc-js server and client: every field of
// a status mapped (times as Timestamps, the window as a Duration, enums, an
// unset ratio for a window without data), and `enabled: false` for a service
// without an auto-profiler.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { create } from '@bufbuild/protobuf';
import { timestampDate } from '@bufbuild/protobuf/wkt';
import { connectProfiler } from '../../test/support/loopback-service.ts';
import { HotPodOutcome, RatioBasis, Resource } from '../gen/gopprof/v1/auto_profiler_pb.js';
import { ProfileType } from '../gen/gopprof/v1/capture_pb.js';
import {
  GetAutoProfilerStatusRequestSchema,
  type GetAutoProfilerStatusResponse,
} from '../gen/gopprof/v1/profiler_pb.js';
import type { AutoProfilerStatusView } from './auto-profiler-status.ts';
import { createGrpcServer } from './create-grpc-server.ts';
import { FakeCaptureService } from './fake-capture-service.ts';

const STATUS: AutoProfilerStatusView = {
  enabled: true,
  running: true,
  source: 'influxql http://127.0.0.1:8086 db=k8s rp=default',
  windowSeconds: 60,
  windows: 2,
  rules: [{ name: 'memory-over-limit', resource: 'memory', threshold: 0.8, profiles: ['heap', 'goroutine'] }],
  evaluations: 7,
  lastEvaluation: { at: '2026-11-25T10:02:15.000Z', durationMs: 812.4, windowEnd: '2026-11-25T10:02:00.000Z', ok: false },
  lastSuccessAt: '2026-11-25T10:01:15.000Z',
  lastError: { code: 'METRICS_UNAVAILABLE', message: 'influxql http://127.0.0.1:8086: connection refused', at: '2026-11-25T10:02:15.000Z' },
  consecutiveFailures: 1,
  podsEvaluated: 3,
  hotPods: [
    {
      targetId: 'pod/shop/api-1/u1',
      namespace: 'shop',
      pod: 'api-1',
      workload: 'api',
      rule: 'memory-over-limit',
      resource: 'memory',
      basis: 'request',
      threshold: 0.8,
      streak: 1,
      windows: [{ start: '2026-11-25T09:59:00.000Z' }, { start: '2026-11-25T10:00:00.000Z', ratio: 0.93 }],
      outcome: 'workload-cap',
    },
  ],
  cooldowns: [{ namespace: 'shop', pod: 'api-2', type: 'heap', until: '2026-11-25T10:10:15.000Z' }],
  skippedPods: [{ targetId: 'pod/shop/db-0/u3', namespace: 'shop', pod: 'db-0', reason: 'no memory limit' }],
  episodes: [
    {
      namespace: 'shop',
      workload: 'api',
      startedAt: '2026-11-25T10:00:15.000Z',
      endsBy: '2026-11-25T11:00:15.000Z',
      maxPods: 2,
      profiledPods: ['api-2', 'api-3'],
      deferredPods: ['api-1'],
    },
  ],
};

async function call(status: AutoProfilerStatusView | undefined): Promise<GetAutoProfilerStatusResponse> {
  const server = createGrpcServer({ captureService: new FakeCaptureService([]), autoProfiler: status && { status: () => status } });
  const client = connectProfiler(await server.start('127.0.0.1', 0));
  try {
    return await client.call<GetAutoProfilerStatusResponse>('getAutoProfilerStatus', create(GetAutoProfilerStatusRequestSchema, {}));
  } finally {
    client.close();
    await server.stop();
  }
}

test('GetAutoProfilerStatus maps every field of the status', async () => {
  const r = await call(STATUS);
  const iso = (t: Parameters<typeof timestampDate>[0] | undefined) => (t ? timestampDate(t).toISOString() : undefined);
  assert.equal(r.enabled, true);
  assert.equal(r.running, true);
  assert.equal(r.source, STATUS.source);
  assert.equal(r.window?.seconds, 60n);
  assert.equal(r.windows, 2);
  assert.deepEqual(r.rules.map((x) => [x.name, x.resource, x.threshold, x.profileTypes]), [
    ['memory-over-limit', Resource.MEMORY, 0.8, [ProfileType.HEAP, ProfileType.GOROUTINE]],
  ]);
  assert.equal(r.evaluations, 7n);
  assert.equal(iso(r.lastEvaluation?.time), '2026-11-25T10:02:15.000Z');
  assert.deepEqual([r.lastEvaluation?.duration?.seconds, r.lastEvaluation?.duration?.nanos], [0n, 812_000_000]);
  assert.equal(iso(r.lastEvaluation?.windowEndTime), '2026-11-25T10:02:00.000Z');
  assert.equal(r.lastEvaluation?.ok, false);
  assert.equal(iso(r.lastSuccessTime), '2026-11-25T10:01:15.000Z');
  assert.deepEqual([r.lastError?.code, r.lastError?.message, iso(r.lastError?.time)], [
    'METRICS_UNAVAILABLE',
    'influxql http://127.0.0.1:8086: connection refused',
    '2026-11-25T10:02:15.000Z',
  ]);
  assert.deepEqual([r.consecutiveFailures, r.podsEvaluated], [1, 3]);
  const h = r.hotPods[0];
  assert.deepEqual(
    [h.targetId, h.namespace, h.pod, h.workload, h.rule, h.resource, h.basis, h.threshold, h.streak, h.outcome],
    ['pod/shop/api-1/u1', 'shop', 'api-1', 'api', 'memory-over-limit', Resource.MEMORY, RatioBasis.REQUEST, 0.8, 1, HotPodOutcome.WORKLOAD_CAP],
  );
  assert.deepEqual(h.windows.map((w) => [iso(w.startTime), w.ratio]), [
    ['2026-11-25T09:59:00.000Z', undefined],
    ['2026-11-25T10:00:00.000Z', 0.93],
  ]);
  assert.deepEqual(r.cooldowns.map((c) => [c.namespace, c.pod, c.type, iso(c.endTime)]), [['shop', 'api-2', ProfileType.HEAP, '2026-11-25T10:10:15.000Z']]);
  assert.deepEqual(r.skippedPods.map((s) => [s.targetId, s.namespace, s.pod, s.reason]), [['pod/shop/db-0/u3', 'shop', 'db-0', 'no memory limit']]);
  const e = r.episodes[0];
  assert.deepEqual(
    [e.namespace, e.workload, iso(e.startTime), iso(e.latestEndTime), e.maxPods, e.profiledPods, e.deferredPods],
    ['shop', 'api', '2026-11-25T10:00:15.000Z', '2026-11-25T11:00:15.000Z', 2, ['api-2', 'api-3'], ['api-1']],
  );
});

test('a service without an auto-profiler answers enabled: false', async () => {
  const r = await call(undefined);
  assert.equal(r.enabled, false);
  assert.equal(r.source, '');
  assert.equal(r.lastEvaluation, undefined);
  assert.deepEqual(r.hotPods, []);
});
