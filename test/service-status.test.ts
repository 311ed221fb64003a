// What the service shows about the parts that fail quietly: discovery and
// notifications. The whole service (startService) against the fake Kubernetes
// API (test/support/fake-kube-api.ts) and the real informer: a pod whose
// annotation is wrong is listed in ListTargets' problems with the reason until
// it is fixed; /readyz says not ready until discovery's first list. And the
// real notifier with a Slack receiver on a closed port, behind the real gRPC
// server: failures, retries and the last error show in GetAutoProfilerStatus,
// the webhook's token nowhere in the answer.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type TestContext, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { create, toBinary, toJsonString } from '@bufbuild/protobuf';
import { loadConfig } from '../src/config/index.ts';
import { NotificationReceiverKind } from '../src/gen/gopprof/v1/notification_pb.js';
import {
  type GetAutoProfilerStatusResponse,
  GetAutoProfilerStatusRequestSchema,
  GetAutoProfilerStatusResponseSchema,
  type ListTargetsResponse,
  ListTargetsRequestSchema,
} from '../src/gen/gopprof/v1/profiler_pb.js';
import { type RunningService, startService } from '../src/main.ts';
import { createNotifier } from '../src/notify/index.ts';
import { createGrpcServer, } from '../src/server/index.ts';
import { FakeCaptureService } from '../src/server/fake-capture-service.ts';
import { createLogger } from '../src/telemetry/index.ts';
import { eventually } from './support/eventually.ts';
import { type FakeKubeApi, makePod, startFakeKubeApi } from './support/fake-kube-api.ts';
import { connectProfiler, loopbackServiceEnv, type ProfilerTestClient } from './support/loopback-service.ts';
import { CLOSED_PORT, sampleCapture } from './support/notify-fixtures.ts';

const logger = createLogger('silent');
const SECRET = 'SECRETTOKEN';

/** A ProfilerService client on `port`, closed when the test ends; `call` runs one unary method. */
function clientFor(t: TestContext, port: number): ProfilerTestClient['call'] {
  const { call, close } = connectProfiler(port);
  t.after(close);
  return call;
}

/** The service with discovery on, against `api`, watching namespace shop; stopped when the test ends. */
async function serviceFor(t: TestContext, api: FakeKubeApi, env: Record<string, string> = {}): Promise<RunningService> {
  const dir = await mkdtemp(join(tmpdir(), 'gopprof-service-status-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const config = await loadConfig({
    file: '',
    env: {
      ...loopbackServiceEnv(join(dir, 'store')),
      GOPPROF_KUBERNETES_ENABLED: 'true',
      GOPPROF_KUBERNETES_KUBECONFIG: await api.writeKubeconfig(dir),
      GOPPROF_KUBERNETES_NAMESPACES: '["shop"]',
      ...env,
    },
  });
  const service = await startService(config, logger);
  t.after(() => service.stop());
  return service;
}

async function kubeApi(t: TestContext): Promise<FakeKubeApi> {
  const api = await startFakeKubeApi();
  t.after(() => api.close());
  return api;
}

test('a pod with an invalid gopprof.io/port is listed in ListTargets problems with the reason; fixed, it is a target', async (t) => {
  const api = await kubeApi(t);
  const good = api.addPod(makePod({ namespace: 'shop', name: 'api-0', labels: { app: 'api' }, annotations: { 'gopprof.io/scrape': 'true', 'gopprof.io/port': '6060' } }));
  const bad = api.addPod(
    makePod({
      namespace: 'shop',
      name: 'cart-7d9f8-x2x5q',
      labels: { app: 'cart', 'pod-template-hash': '7d9f8' },
      owner: { kind: 'ReplicaSet', name: 'cart-7d9f8' },
      annotations: { 'gopprof.io/scrape': 'true', 'gopprof.io/port': '99999' },
    }),
  );
  // A pod that never opted in is not a problem.
  api.addPod(makePod({ namespace: 'shop', name: 'nginx', ports: [{ name: 'http', containerPort: 80 }] }));
  const service = await serviceFor(t, api);
  const call = clientFor(t, service.grpcPort);
  const list = (selector?: Record<string, string>) =>
    call<ListTargetsResponse>('listTargets', create(ListTargetsRequestSchema, selector ? { selector } : {}));

  const before = await list();
  assert.deepEqual(before.targets.map((s) => s.target?.id), [`pod/shop/api-0/${good.metadata.uid}`]);
  assert.deepEqual(
    before.problems.map((p) => [p.namespace, p.pod, p.uid, p.workload, p.reason, p.invalid]),
    [['shop', 'cart-7d9f8-x2x5q', bad.metadata.uid, 'cart', 'gopprof.io/port: "99999" is not a port (1-65535)', true]],
  );
  assert.deepEqual((await list({ labelSelector: 'app=cart' })).problems.map((p) => p.pod), ['cart-7d9f8-x2x5q']);
  assert.deepEqual((await list({ labelSelector: 'app=api' })).problems, []);

  api.modifyPod('shop', 'cart-7d9f8-x2x5q', (p) => {
    p.metadata.annotations = { ...p.metadata.annotations, 'gopprof.io/port': '6060' };
  });
  const after = await eventually('the fixed pod is a target', async () => {
    const r = await list();
    return r.targets.length === 2 && r;
  });
  assert.deepEqual(after.targets.map((s) => s.target?.name), ['shop/api-0', 'shop/cart-7d9f8-x2x5q']);
  assert.deepEqual(after.problems, []);

  // Not ready is a problem too, but not one a person must fix.
  api.modifyPod('shop', 'api-0', (p) => {
    p.status.conditions = p.status.conditions?.map((c) => (c.type === 'Ready' ? { ...c, status: 'False' } : c));
  });
  const unready = await eventually('the unready pod is a problem', async () => {
    const r = await list();
    return r.problems.length === 1 && r;
  });
  assert.deepEqual(unready.problems.map((p) => [p.pod, p.reason, p.invalid]), [['api-0', 'not ready', false]]);
});

test('/readyz says not ready until discovery has listed the pods, then ready', async (t) => {
  const api = await kubeApi(t);
  api.addPod(makePod({ namespace: 'shop', name: 'api-0', annotations: { 'gopprof.io/scrape': 'true', 'gopprof.io/port': '6060' } }));
  // The first two lists fail; discovery retries with backoff (≈ 0.25–0.5 s, then 0.5–1 s).
  api.fail({ verb: 'list', status: 500, times: 2 });
  // Serve at once instead of waiting for the first list.
  const service = await serviceFor(t, api, { GOPPROF_KUBERNETES_START_WAIT_SECONDS: '0' });
  const readyz = async () => {
    const res = await fetch(`http://127.0.0.1:${service.httpPort}/readyz`);
    return { status: res.status, body: await res.text() };
  };
  const early = await readyz();
  assert.equal(early.status, 503);
  assert.match(early.body, /^not ready: no pod list from the Kubernetes API yet: shop/);
  const failing = await eventually('the reason names the failure', async () => {
    const r = await readyz();
    return r.body.includes('HTTP 500') && r;
  });
  assert.equal(failing.status, 503);
  assert.match(failing.body, /shop \(HTTP 500\)/);
  const took = performance.now();
  await eventually('ready after the first list', async () => (await readyz()).status === 200, 5000);
  t.diagnostic(`ready ${(performance.now() - took).toFixed(0)} ms after the failure was shown`);
  assert.equal((await readyz()).body, 'ready\n');
  // Once listed, the pods are there: readiness meant what it said.
  const call = clientFor(t, service.grpcPort);
  const listed = await call<ListTargetsResponse>('listTargets', create(ListTargetsRequestSchema, {}));
  assert.deepEqual(listed.targets.map((s) => s.target?.name), ['shop/api-0']);
  // A later watch failure keeps the cache: the service stays ready.
  api.dropWatches();
  await sleep(100);
  assert.equal((await readyz()).status, 200);
});

test('the service lists its configured receivers in GetAutoProfilerStatus, scheme and host only', async (t) => {
  const port = CLOSED_PORT;
  const url = `http://127.0.0.1:${port}/services/T000/B000/${SECRET}`;
  const api = await kubeApi(t);
  const service = await serviceFor(t, api, {
    GOPPROF_NOTIFY_RECEIVERS: JSON.stringify([{ name: 'slack-oncall', kind: 'slack', url }]),
    GOPPROF_NOTIFY_DEFAULT_RECEIVERS: '["slack-oncall"]',
  });
  const call = clientFor(t, service.grpcPort);
  const status = await call<GetAutoProfilerStatusResponse>('getAutoProfilerStatus', create(GetAutoProfilerStatusRequestSchema, {}));
  assert.equal(status.enabled, false, 'no auto-profiler, yet the receivers are listed');
  assert.deepEqual(
    status.notifications.map((n) => [n.name, n.kind, n.endpoint, n.queued, n.inFlight, n.delivered, n.failed, n.dropped, n.retries]),
    [['slack-oncall', NotificationReceiverKind.SLACK, `http://127.0.0.1:${port}`, 0, false, 0n, 0n, 0n, 0n]],
  );
  assert.ok(!Buffer.from(toBinary(GetAutoProfilerStatusResponseSchema, status)).includes(SECRET));
});

test('a receiver that is down shows its failures, retries and last error in GetAutoProfilerStatus, never its token', async (t) => {
  // A closed port: nothing listens there.
  const port = CLOSED_PORT;
  const url = `http://127.0.0.1:${port}/services/T000/B000/${SECRET}`;
  const notifier = createNotifier({
    config: {
      receivers: [{ name: 'slack-oncall', kind: 'slack', url }],
      defaultReceivers: ['slack-oncall'],
      attempts: 3,
      initialBackoffSeconds: 0.02,
      maxBackoffSeconds: 0.05,
      timeoutSeconds: 2,
      stopTimeoutSeconds: 1,
    },
    logger,
  });
  notifier.start();
  t.after(() => notifier.stop());
  const server = createGrpcServer({ captureService: new FakeCaptureService([]), notificationStatus: () => notifier.status(), logger });
  const grpcPort = await server.start('127.0.0.1', 0);
  t.after(() => server.stop());
  const call = clientFor(t, grpcPort);
  const status = () => call<GetAutoProfilerStatusResponse>('getAutoProfilerStatus', create(GetAutoProfilerStatusRequestSchema, {}));

  assert.deepEqual(notifier.notify(sampleCapture()).queued, ['slack-oncall']);
  notifier.notify(sampleCapture({ id: 'c-0002' }));
  const retrying = await eventually('a retry shows while the delivery is under way', async () => {
    const s = await status();
    return s.notifications[0]?.retries >= 1n && s.notifications[0].inFlight && s;
  });
  assert.equal(retrying.notifications[0].delivered, 0n);
  const failed = await eventually('both notifications given up on', async () => {
    const s = await status();
    return s.notifications[0]?.failed === 2n && !s.notifications[0].inFlight && s;
  });
  const [n] = failed.notifications;
  assert.deepEqual([n.name, n.kind, n.endpoint], ['slack-oncall', NotificationReceiverKind.SLACK, `http://127.0.0.1:${port}`]);
  assert.deepEqual([n.queued, n.delivered, n.failed, n.dropped, n.retries], [0, 0n, 2n, 0n, 4n], 'two notifications, three attempts each');
  assert.match(n.lastError?.message ?? '', /connection refused \(ECONNREFUSED\)/);
  assert.equal(n.lastError?.httpStatus, 0);
  assert.ok(n.lastFailureTime && n.lastError?.time);
  assert.equal(n.lastSuccessTime, undefined);
  // The token appears nowhere: not in the JSON form, not in the bytes on the wire.
  const json = toJsonString(GetAutoProfilerStatusResponseSchema, failed);
  assert.doesNotMatch(json, /SECRETTOKEN|T000|B000|\/services\//);
  assert.ok(!Buffer.from(toBinary(GetAutoProfilerStatusResponseSchema, failed)).includes(SECRET));
});
