import assert from 'node:assert/strict';
import { test } from 'node:test';
import { toJson } from '@bufbuild/protobuf';
import { timestampDate } from '@bufbuild/protobuf/wkt';
import type { Capture } from '../capture/capture.ts';
import { isGopprofError } from '../errors.ts';
import { ArtifactKind, CaptureSchema, CaptureStatus, ProfileType, StorageLocation, Trigger } from '../gen/gopprof/v1/capture_pb.js';
import { okCapture, podTarget, staticTarget } from './fake-capture-service.ts';
import { captureToProto, targetStatusToProto, targetToProto } from './to-proto.ts';

test('a capture keeps every field, with times as Timestamps and artifacts tagged by kind', () => {
  const pod = podTarget('prod', 'api-1', 'api', { app: 'api' });
  const base = okCapture({ targetId: pod.id, type: 'mutex', seconds: 10, options: { sampleIndex: 'delay', nodeCount: 50 } }, pod);
  const capture: Capture = {
    ...base,
    trigger: 'auto',
    auto: { rule: 'cpu-high', metric: 'cpu/usage_rate', threshold: 0.8, values: [0.9, 0.95], windows: ['2026-11-25T09:58:00.000Z', '2026-11-25T09:59:00.000Z'] },
    artifacts: { ...base.artifacts, metadata: { key: 'm.json', url: 'http://store/m.json', contentType: 'application/json', size: 10 } },
    storedIn: 'spool',
  };
  const p = captureToProto(capture);
  assert.equal(p.id, capture.id);
  assert.equal(p.target?.id, pod.id);
  assert.equal(p.target?.name, 'prod/api-1');
  assert.deepEqual(p.target?.labels, { app: 'api' });
  assert.equal(p.target?.pod?.workload, 'api');
  assert.equal(p.type, ProfileType.MUTEX);
  assert.equal(p.seconds, 10);
  assert.equal(p.trigger, Trigger.AUTO);
  assert.equal(p.autoTrigger?.rule, 'cpu-high');
  assert.deepEqual(p.autoTrigger?.values, [0.9, 0.95]);
  assert.deepEqual(p.autoTrigger?.windowStartTimes.map((t) => timestampDate(t).toISOString()), capture.auto?.windows);
  assert.equal(p.options?.sampleIndex, 'delay');
  assert.equal(p.options?.nodeCount, 50);
  assert.equal(p.options?.focus, undefined, 'unset options stay unset');
  assert.equal(timestampDate(p.startTime!).toISOString(), capture.startedAt);
  assert.equal(timestampDate(p.finishTime!).toISOString(), capture.finishedAt);
  assert.equal(p.status, CaptureStatus.OK);
  assert.equal(p.error, undefined);
  assert.deepEqual(
    p.artifacts.map((a) => [a.kind, a.key, a.url, a.contentType, a.size]),
    [
      [ArtifactKind.PROFILE, capture.artifacts.profile?.key, capture.artifacts.profile?.url, 'application/octet-stream', 1234n],
      [ArtifactKind.SVG, capture.artifacts.svg?.key, capture.artifacts.svg?.url, 'image/svg+xml', 56789n],
      [ArtifactKind.METADATA, 'm.json', 'http://store/m.json', 'application/json', 10n],
    ],
  );
  assert.equal(p.summary?.totalLabel, '17.12s');
  assert.deepEqual({ ...p.summary?.top[0], $typeName: undefined }, { ...capture.summary?.top[0], $typeName: undefined });
  assert.equal(p.storedIn, StorageLocation.SPOOL);
});

test('a failed capture carries its error code and message', () => {
  const t = staticTarget('api');
  const failed: Capture = {
    ...okCapture({ targetId: t.id, type: 'cpu', seconds: 5 }, t),
    status: 'failed',
    error: { code: 'FETCH_REFUSED', message: 'connection refused' },
    artifacts: {},
    summary: undefined,
  };
  const p = captureToProto(failed);
  assert.equal(p.status, CaptureStatus.FAILED);
  assert.deepEqual({ code: p.error?.code, message: p.error?.message }, failed.error);
  assert.deepEqual(p.artifacts, []);
  assert.equal(p.summary, undefined);
});

test('targets never reveal their fetch address', () => {
  const t = staticTarget('api', { app: 'api' });
  const json = JSON.stringify(toJson(CaptureSchema, captureToProto(okCapture({ targetId: t.id, type: 'heap', seconds: 0 }, t))));
  assert.doesNotMatch(json, /127\.0\.0\.1:1/);
  assert.doesNotMatch(JSON.stringify(targetToProto(t)), /debug\/pprof/);
});

test('target status: last capture, last error, note', () => {
  const s = targetStatusToProto({
    target: staticTarget('api'),
    lastCaptureAt: '2026-11-25T10:00:00.000Z',
    lastCaptureId: 'c9',
    lastError: { code: 'FETCH_TIMEOUT', message: 'slow', at: '2026-11-25T10:01:00.000Z' },
    note: 'no cpu limit',
  });
  assert.equal(timestampDate(s.lastCaptureTime!).toISOString(), '2026-11-25T10:00:00.000Z');
  assert.equal(s.lastCaptureId, 'c9');
  assert.equal(s.lastError?.code, 'FETCH_TIMEOUT');
  assert.equal(timestampDate(s.lastError!.time!).toISOString(), '2026-11-25T10:01:00.000Z');
  assert.equal(s.note, 'no cpu limit');
  const never = targetStatusToProto({ target: staticTarget('db') });
  assert.equal(never.lastCaptureTime, undefined);
  assert.equal(never.lastError, undefined);
});

test('a malformed stored time is INTERNAL, not the epoch', () => {
  const t = staticTarget('api');
  const bad = { ...okCapture({ targetId: t.id, type: 'cpu', seconds: 1 }, t), startedAt: 'yesterday' };
  assert.throws(() => captureToProto(bad), (err) => isGopprofError(err, 'INTERNAL') && /startedAt/.test(err.message));
});
