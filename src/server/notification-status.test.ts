// The notification receivers in GetAutoProfilerStatus, over a real grpc-js
// server and client: every field mapped (counts, Timestamps, the HTTP status,
// kinds), the endpoint cut to scheme and host whatever the provider gave,
// configuration order kept, an empty list without receivers, and receivers
// listed even when the service runs no auto-profiler.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { create } from '@bufbuild/protobuf';
import { timestampDate } from '@bufbuild/protobuf/wkt';
import { connectProfiler } from '../../test/support/loopback-service.ts';
import { NotificationReceiverKind } from '../gen/gopprof/v1/notification_pb.js';
import {
  GetAutoProfilerStatusRequestSchema,
  type GetAutoProfilerStatusResponse,
} from '../gen/gopprof/v1/profiler_pb.js';
import { createGrpcServer, type GrpcServerOptions } from './create-grpc-server.ts';
import { FakeCaptureService } from './fake-capture-service.ts';
import type { NotificationReceiverView } from './notification-status.ts';

const RECEIVERS: readonly NotificationReceiverView[] = [
  {
    name: 'slack-payments',
    kind: 'slack',
    endpoint: 'http://127.0.0.1:9',
    queued: 2,
    inFlight: true,
    delivered: 5,
    failed: 1,
    dropped: 3,
    retries: 4,
    lastSuccessAt: '2026-11-25T10:00:00.000Z',
    lastFailureAt: '2026-11-25T10:05:00.000Z',
    lastError: { message: 'connection refused (ECONNREFUSED)', at: '2026-11-25T10:05:00.000Z' },
  },
  {
    name: 'am',
    kind: 'alertmanager',
    endpoint: 'https://alertmanager.monitoring:9093',
    queued: 0,
    inFlight: false,
    delivered: 0,
    failed: 2,
    dropped: 0,
    retries: 0,
    lastFailureAt: '2026-11-25T10:06:00.000Z',
    lastError: { message: 'HTTP 404: not found', at: '2026-11-25T10:06:00.000Z', status: 404 },
  },
  // A provider that (wrongly) hands over a full URL: the API still shows scheme and host only.
  {
    name: 'ding',
    kind: 'dingtalk',
    endpoint: 'https://oapi.dingtalk.com/robot/send?access_token=SECRETTOKEN',
    queued: 0,
    inFlight: false,
    delivered: 1,
    failed: 0,
    dropped: 0,
    retries: 0,
    lastSuccessAt: '2026-11-25T09:00:00.000Z',
  },
];

async function status(options: Partial<GrpcServerOptions>): Promise<GetAutoProfilerStatusResponse> {
  const server = createGrpcServer({ captureService: new FakeCaptureService([]), ...options });
  const client = connectProfiler(await server.start('127.0.0.1', 0));
  try {
    return await client.call<GetAutoProfilerStatusResponse>('getAutoProfilerStatus', create(GetAutoProfilerStatusRequestSchema, {}));
  } finally {
    client.close();
    await server.stop();
  }
}

const iso = (t: Parameters<typeof timestampDate>[0] | undefined) => (t ? timestampDate(t).toISOString() : undefined);

test('every receiver is listed in configuration order with every field mapped', async () => {
  const r = await status({ notificationStatus: () => RECEIVERS });
  assert.deepEqual(
    r.notifications.map((n) => [n.name, n.kind, n.endpoint]),
    [
      ['slack-payments', NotificationReceiverKind.SLACK, 'http://127.0.0.1:9'],
      ['am', NotificationReceiverKind.ALERTMANAGER, 'https://alertmanager.monitoring:9093'],
      ['ding', NotificationReceiverKind.DINGTALK, 'https://oapi.dingtalk.com'],
    ],
  );
  const [slack, am, ding] = r.notifications;
  assert.deepEqual(
    [slack.queued, slack.inFlight, slack.delivered, slack.failed, slack.dropped, slack.retries],
    [2, true, 5n, 1n, 3n, 4n],
  );
  assert.equal(iso(slack.lastSuccessTime), '2026-11-25T10:00:00.000Z');
  assert.equal(iso(slack.lastFailureTime), '2026-11-25T10:05:00.000Z');
  assert.deepEqual([slack.lastError?.message, iso(slack.lastError?.time), slack.lastError?.httpStatus], [
    'connection refused (ECONNREFUSED)',
    '2026-11-25T10:05:00.000Z',
    0,
  ]);
  assert.equal(am.lastSuccessTime, undefined);
  assert.equal(am.lastError?.httpStatus, 404);
  assert.equal(ding.lastFailureTime, undefined);
  assert.equal(ding.lastError, undefined);
  assert.doesNotMatch(JSON.stringify(r.notifications, (_k, v) => (typeof v === 'bigint' ? String(v) : v)), /SECRETTOKEN|robot\/send/);
});

test('receivers are listed whether or not the service runs an auto-profiler', async () => {
  const r = await status({ notificationStatus: () => RECEIVERS.slice(0, 1) });
  assert.equal(r.enabled, false);
  assert.deepEqual(r.notifications.map((n) => n.name), ['slack-payments']);
  const withAp = await status({
    notificationStatus: () => RECEIVERS.slice(1, 2),
    autoProfiler: {
      status: () => ({
        enabled: true,
        running: true,
        source: 'influxql http://127.0.0.1:8086 db=k8s rp=default',
        windowSeconds: 60,
        windows: 2,
        rules: [],
        evaluations: 0,
        consecutiveFailures: 0,
        podsEvaluated: 0,
        hotPods: [],
        cooldowns: [],
        skippedPods: [],
        episodes: [],
      }),
    },
  });
  assert.equal(withAp.enabled, true);
  assert.deepEqual(withAp.notifications.map((n) => n.name), ['am']);
});

test('a service without receivers answers an empty list', async () => {
  assert.deepEqual((await status({})).notifications, []);
  assert.deepEqual((await status({ notificationStatus: () => [] })).notifications, []);
});

test('the status is read on every call, not once', async () => {
  let delivered = 0;
  const provider = () => [{ ...RECEIVERS[0], delivered: ++delivered }];
  const server = createGrpcServer({ captureService: new FakeCaptureService([]), notificationStatus: provider });
  const client = connectProfiler(await server.start('127.0.0.1', 0));
  const call = () => client.call<GetAutoProfilerStatusResponse>('getAutoProfilerStatus', create(GetAutoProfilerStatusRequestSchema, {}));
  try {
    assert.equal((await call()).notifications[0].delivered, 1n);
    assert.equal((await call()).notifications[0].delivered, 2n);
  } finally {
    client.close();
    await server.stop();
  }
});
