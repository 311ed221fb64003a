// Pod discovery end to end: the real @kubernetes/client-node informer, loaded
// from a real kubeconfig file through loadKubeConfig, against a fake API
// server that speaks the real list/watch JSON (test/support/fake-kube-api.ts).
// Discovery must follow changes within a second, survive dropped and expired
// watches, back off when the API server fails, and make only the API calls
// KUBERNETES_API_CALLS declares. With Go installed, pods point at real Go
// programs and the real capture service profiles them.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, type TestContext, test } from 'node:test';
import { create } from '@bufbuild/protobuf';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Capture } from '../src/capture/index.ts';
import { loadConfig } from '../src/config/index.ts';
import { isGopprofError } from '../src/errors.ts';
import { CaptureStatus, ProfileType } from '../src/gen/gopprof/v1/capture_pb.js';
import {
  type ListTargetsResponse,
  ListTargetsRequestSchema,
  type ProfilePodResponse,
  ProfilePodRequestSchema,
} from '../src/gen/gopprof/v1/profiler_pb.js';
import { startService } from '../src/main.ts';
import { createRenderer } from '../src/render/index.ts';
import { selectTargets as selectGroup } from '../src/server/select-targets.ts';
import {
  combineRegistries,
  createKubernetesTargetRegistry,
  createStaticTargetRegistry,
  KUBERNETES_API_CALLS,
  type KubernetesTargetRegistry,
  type KubernetesTargetRegistryOptions,
  loadKubeConfig,
  SYSTEM_CLOCK,
} from '../src/targets/index.ts';
import { createLogger } from '../src/telemetry/index.ts';
import { createTestCaptureService, createTestLocalStore } from './support/capture-service.ts';
import { type FakeKubeApi, makePod, startFakeKubeApi } from './support/fake-kube-api.ts';
import { startGoTarget } from './support/go-target.ts';
import { connectProfiler, loopbackServiceEnv } from './support/loopback-service.ts';
import { skipWithoutBinaries } from './support/require-binary.ts';

const logger = createLogger('silent');

async function setup(t: TestContext, options: Partial<KubernetesTargetRegistryOptions> = {}) {
  const api = await startFakeKubeApi();
  const dir = await mkdtemp(join(tmpdir(), 'gopprof-kube-'));
  const kubeconfig = await api.writeKubeconfig(dir);
  const { kubeConfig, origin } = loadKubeConfig({ kubeconfig, env: {} });
  assert.equal(origin, 'file');
  const registry = createKubernetesTargetRegistry({ kubeConfig, namespaces: [], logger, ...options });
  t.after(async () => {
    await registry.stop();
    await api.close();
    await rm(dir, { recursive: true, force: true });
  });
  return { api, registry };
}

/** Polls until `check` holds; fails naming `what` after the deadline. Returns the time it took. */
async function eventually(what: string, check: () => boolean, timeoutMs = 1000): Promise<number> {
  const start = performance.now();
  while (!check()) {
    if (performance.now() - start > timeoutMs) assert.fail(`${what}: not within ${timeoutMs} ms`);
    await sleep(5);
  }
  return performance.now() - start;
}

const scrape = (port: number | string, extra: Record<string, string> = {}) => ({
  'gopprof.io/scrape': 'true',
  'gopprof.io/port': String(port),
  ...extra,
});
const names = (r: KubernetesTargetRegistry) => r.list().map((t) => t.name);
const setReady = (ready: boolean) => (p: ReturnType<typeof makePod>) => {
  p.status.conditions = p.status.conditions?.map((c) => (c.type === 'Ready' ? { ...c, status: ready ? 'True' : 'False' } : c));
};

/** Every request was an authorised GET on pods with a verb KUBERNETES_API_CALLS declares. */
function assertOnlyDeclaredCalls(api: FakeKubeApi): void {
  const declared = new Set(KUBERNETES_API_CALLS.flatMap((c) => c.verbs.map((v) => `${c.group}/${c.resource}/${v}`)));
  assert.ok(api.requests.length > 0);
  for (const r of api.requests) {
    assert.equal(r.method, 'GET', r.path);
    assert.ok(r.authorized, `${r.path} was sent without the kubeconfig's token`);
    assert.match(r.path, /^\/api\/v1\/(namespaces\/[^/]+\/)?pods(\/[^/]+)?$/);
    assert.ok(declared.has(`/pods/${r.verb}`), `${r.verb} ${r.path} is not in KUBERNETES_API_CALLS`);
  }
}

const verbs = (api: FakeKubeApi, verb: string) => api.requests.filter((r) => r.verb === verb);

test('discovery follows adds, deletes, readiness and annotation changes within a second', async (t) => {
  const { api, registry } = await setup(t);
  api.addPod(
    makePod({
      namespace: 'shop',
      name: 'api-5d8f9-abcde',
      labels: { app: 'api', 'pod-template-hash': '5d8f9' },
      annotations: scrape(6060, { 'gopprof.io/owner': 'team-shop' }),
      owner: { kind: 'ReplicaSet', name: 'api-5d8f9' },
    }),
  );
  api.addPod(makePod({ namespace: 'shop', name: 'not-go', ports: [{ name: 'http', containerPort: 80 }] }));
  await registry.start(AbortSignal.timeout(5000));
  assert.deepEqual(names(registry), ['shop/api-5d8f9-abcde']);
  const first = registry.get('shop/api-5d8f9-abcde');
  assert.deepEqual(first.pod?.workload, 'api');
  assert.equal(first.owner, 'team-shop');
  assert.equal(first.pprofBaseUrl, 'http://127.0.0.1:6060/debug/pprof');
  const took: number[] = [];

  const added = api.addPod(makePod({ namespace: 'shop', name: 'worker', labels: { app: 'worker' }, ports: [{ name: 'pprof', containerPort: 7070 }] }));
  took.push(await eventually('an added pod is listed', () => names(registry).includes('shop/worker')));
  const workerId = `pod/shop/worker/${added.metadata.uid}`;
  assert.equal(registry.get(workerId).pprofBaseUrl, 'http://127.0.0.1:7070/debug/pprof');

  api.modifyPod('shop', 'worker', setReady(false));
  took.push(await eventually('a pod that turns unready is dropped', () => !names(registry).includes('shop/worker')));
  assert.deepEqual(
    registry.problems().map((p) => [p.id, p.reason, p.invalid]),
    [[workerId, 'not ready', false]],
  );
  assert.throws(() => registry.get('shop/worker'), (e: unknown) => isGopprofError(e, 'TARGET_UNKNOWN') && /not ready/.test(e.message));
  api.modifyPod('shop', 'worker', setReady(true));
  took.push(await eventually('a pod that turns ready again is listed', () => names(registry).includes('shop/worker')));

  api.modifyPod('shop', 'api-5d8f9-abcde', (p) => {
    p.metadata.annotations = { ...p.metadata.annotations, 'gopprof.io/port': '6061', 'gopprof.io/path': '/internal/pprof' };
  });
  took.push(
    await eventually('an annotation change moves the URL', () => registry.get('shop/api-5d8f9-abcde').pprofBaseUrl === 'http://127.0.0.1:6061/internal/pprof'),
  );
  api.modifyPod('shop', 'api-5d8f9-abcde', (p) => {
    p.metadata.annotations = { ...p.metadata.annotations, 'gopprof.io/scheme': 'gopher' };
  });
  took.push(await eventually('an invalid annotation makes a problem', () => registry.problems().some((p) => p.invalid)));
  assert.match(registry.problems()[0].reason, /gopprof.io\/scheme: want "http" or "https", got "gopher"/);
  assert.deepEqual(names(registry), ['shop/worker']);
  api.modifyPod('shop', 'api-5d8f9-abcde', (p) => {
    p.metadata.annotations = { ...p.metadata.annotations, 'gopprof.io/scheme': 'https', 'gopprof.io/scrape': 'false' };
  });
  took.push(await eventually('scrape "false" opts out', () => registry.problems().length === 0));
  assert.deepEqual(names(registry), ['shop/worker']);

  api.deletePod('shop', 'worker');
  took.push(await eventually('a deleted pod is dropped', () => names(registry).length === 0));
  assert.throws(() => registry.get(workerId), (e: unknown) => isGopprofError(e, 'TARGET_GONE') && /pod shop\/worker \(uid [-0-9a-f]+\) was deleted/.test(e.message));
  assert.throws(() => registry.get('shop/worker'), (e: unknown) => isGopprofError(e, 'TARGET_GONE'));
  assert.throws(() => registry.get('shop/never-existed'), (e: unknown) => isGopprofError(e, 'TARGET_UNKNOWN'));
  assert.throws(() => registry.get('pod/shop/worker/another-uid'), (e: unknown) => isGopprofError(e, 'TARGET_UNKNOWN'));
  assert.equal(await registry.isCurrent(workerId), false);

  assertOnlyDeclaredCalls(api);
  assert.deepEqual(
    api.requests.map((r) => `${r.verb} ${r.path}`),
    ['list /api/v1/pods', 'watch /api/v1/pods'],
    'one list, then one watch that stayed up',
  );
  t.diagnostic(`change → registry latency: max ${Math.max(...took).toFixed(0)} ms over ${took.length} changes`);
});

test('only the configured namespaces are listed and watched', async (t) => {
  const { api, registry } = await setup(t, { namespaces: ['shop', 'pay'] });
  for (const namespace of ['shop', 'pay', 'other']) api.addPod(makePod({ namespace, name: 'go', annotations: scrape(6060) }));
  await registry.start(AbortSignal.timeout(5000));
  assert.deepEqual(names(registry), ['pay/go', 'shop/go']);
  api.addPod(makePod({ namespace: 'other', name: 'late', annotations: scrape(6060) }));
  api.addPod(makePod({ namespace: 'pay', name: 'late', annotations: scrape(6060) }));
  await eventually('a pod in a watched namespace', () => names(registry).includes('pay/late'));
  assert.deepEqual(names(registry), ['pay/go', 'pay/late', 'shop/go']);
  assert.deepEqual([...new Set(api.requests.map((r) => r.path))].sort(), ['/api/v1/namespaces/pay/pods', '/api/v1/namespaces/shop/pods']);
  assertOnlyDeclaredCalls(api);
});

test('a watch that ends or drops is resumed from the last resourceVersion, without a relist', async (t) => {
  const { api, registry } = await setup(t);
  await registry.start(AbortSignal.timeout(5000));
  await eventually('the watch is open', () => api.openWatches() === 1);
  assert.equal(api.endWatches(), 1);
  api.addPod(makePod({ namespace: 'shop', name: 'after-end', annotations: scrape(1) }));
  await eventually('a pod added after a clean end of the watch', () => names(registry).includes('shop/after-end'), 2000);

  await eventually('the watch is open again', () => api.openWatches() === 1);
  assert.equal(api.dropWatches(), 1);
  api.addPod(makePod({ namespace: 'shop', name: 'after-drop', annotations: scrape(1) }));
  const took = await eventually('a pod added after a dropped connection', () => names(registry).includes('shop/after-drop'), 3000);
  t.diagnostic(`recovered from a dropped watch in ${took.toFixed(0)} ms`);
  assert.equal(registry.status()[0].restarts, 1);
  assert.match(registry.status()[0].lastError?.message ?? '', /terminated|socket|closed/i);
  assert.equal(verbs(api, 'list').length, 1, 'resumed, not relisted');
  const resumedFrom = verbs(api, 'watch').map((r) => Number(r.query.resourceVersion));
  assert.ok(resumedFrom.every((rv, i) => i === 0 || rv >= resumedFrom[i - 1]), `watches never go back: ${resumedFrom}`);
  assert.ok(resumedFrom.at(-1)! > resumedFrom[0], `the last watch resumed after the events seen: ${resumedFrom}`);
  assertOnlyDeclaredCalls(api);
});

test('410 Gone forces a relist and the state converges', async (t) => {
  const { api, registry } = await setup(t);
  api.addPod(makePod({ namespace: 'shop', name: 'stays', annotations: scrape(1) }));
  api.addPod(makePod({ namespace: 'shop', name: 'goes', annotations: scrape(1) }));
  await registry.start(AbortSignal.timeout(5000));
  assert.deepEqual(names(registry), ['shop/goes', 'shop/stays']);

  // A live watch told its resourceVersion expired: the informer relists.
  api.expireWatches();
  await eventually('a relist after the ERROR 410 event', () => verbs(api, 'list').length === 2);

  // Changes while disconnected, then history compacted: the resumed watch gets 410 and relists.
  await eventually('the watch is open again', () => api.openWatches() === 1);
  api.dropWatches();
  api.deletePod('shop', 'goes');
  api.addPod(makePod({ namespace: 'shop', name: 'new', annotations: scrape(1) }));
  api.modifyPod('shop', 'stays', (p) => {
    p.metadata.annotations = { ...p.metadata.annotations, 'gopprof.io/port': '2' };
  });
  api.expireWatches();
  await eventually(
    'the state converges after the relist',
    () => names(registry).join() === 'shop/new,shop/stays' && registry.get('shop/stays').pprofBaseUrl.endsWith(':2/debug/pprof'),
    3000,
  );
  assert.equal(verbs(api, 'list').length, 3);
  assert.throws(() => registry.get('shop/goes'), (e: unknown) => isGopprofError(e, 'TARGET_GONE'));
  assertOnlyDeclaredCalls(api);
});

test('a periodic resync repairs a missed deletion', async (t) => {
  const { api, registry } = await setup(t, { resyncSeconds: 0.2 });
  api.addPod(makePod({ namespace: 'shop', name: 'ghost', annotations: scrape(1) }));
  await registry.start(AbortSignal.timeout(5000));
  assert.deepEqual(names(registry), ['shop/ghost']);
  api.deletePod('shop', 'ghost', { silent: true });
  await eventually('the resync drops the pod whose deletion was missed', () => names(registry).length === 0, 2000);
  assert.ok(registry.status()[0].relists >= 1);
  await eventually('the old informer is gone after the resync', () => api.openWatches() === 1);
});

test('a restarted pod (same name, new uid) is a new target', async (t) => {
  const { api, registry } = await setup(t);
  const before = api.addPod(makePod({ namespace: 'shop', name: 'db-0', annotations: scrape(1), owner: { kind: 'StatefulSet', name: 'db' } }));
  await registry.start(AbortSignal.timeout(5000));
  const oldId = registry.get('shop/db-0').id;
  assert.equal(oldId, `pod/shop/db-0/${before.metadata.uid}`);
  api.deletePod('shop', 'db-0');
  const after = api.addPod(makePod({ namespace: 'shop', name: 'db-0', annotations: scrape(1), owner: { kind: 'StatefulSet', name: 'db' } }));
  await eventually('the new incarnation is listed', () => registry.list()[0]?.id === `pod/shop/db-0/${after.metadata.uid}`);
  assert.notEqual(after.metadata.uid, before.metadata.uid);
  assert.equal(registry.list().length, 1);
  assert.equal(registry.get('shop/db-0').id, `pod/shop/db-0/${after.metadata.uid}`);
  assert.equal(registry.get('shop/db-0').pod?.workload, 'db');
  assert.throws(() => registry.get(oldId), (e: unknown) => isGopprofError(e, 'TARGET_GONE'));
  assert.equal(await registry.isCurrent(oldId), false);
  assert.equal(await registry.isCurrent(registry.get('shop/db-0').id), true);
});

test('deleted pods are remembered (TARGET_GONE) for a bounded number and time, then unknown', async (t) => {
  let offset = 0;
  const clock = { now: () => Date.now() + offset, sleep: SYSTEM_CLOCK.sleep };
  const { api, registry } = await setup(t, { clock, tombstones: { max: 2, ttlMs: 60_000 } });
  for (const name of ['a', 'b', 'c']) api.addPod(makePod({ namespace: 'shop', name, annotations: scrape(1) }));
  await registry.start(AbortSignal.timeout(5000));
  const ids = Object.fromEntries(registry.list().map((tg) => [tg.pod?.name, tg.id]));
  for (const name of ['a', 'b', 'c']) api.deletePod('shop', name);
  await eventually('all deleted', () => registry.list().length === 0);
  const code = (id: string) => {
    try {
      registry.get(id);
      return 'found';
    } catch (e) {
      return isGopprofError(e) ? e.code : String(e);
    }
  };
  assert.deepEqual([ids.a, ids.b, ids.c, 'shop/a', 'shop/c'].map(code), ['TARGET_UNKNOWN', 'TARGET_GONE', 'TARGET_GONE', 'TARGET_UNKNOWN', 'TARGET_GONE']);
  offset = 61_000;
  assert.deepEqual([ids.b, ids.c, 'shop/c'].map(code), ['TARGET_UNKNOWN', 'TARGET_UNKNOWN', 'TARGET_UNKNOWN']);
});

test('a failing API server is retried with growing delays', async (t) => {
  // The delays asked for are recorded exactly (the jitter itself is kubernetes-backoff.test.ts's);
  // measured gaps are only checked from below, since a loaded machine can only lengthen them.
  const delays: number[] = [];
  const clock = {
    now: () => Date.now(),
    sleep: (ms: number, signal: AbortSignal) => {
      delays.push(ms);
      return SYSTEM_CLOCK.sleep(ms, signal);
    },
  };
  const { api, registry } = await setup(t, { backoff: { baseMs: 100, maxMs: 1000 }, clock, random: () => 1 });
  api.addPod(makePod({ namespace: 'shop', name: 'go', annotations: scrape(1) }));
  api.fail({ verb: 'list', status: 500, times: 4 });
  await registry.start(AbortSignal.timeout(5000));
  assert.deepEqual(names(registry), ['shop/go']);
  const lists = verbs(api, 'list').map((r) => r.at);
  assert.equal(lists.length, 5);
  // random() = 1 puts each delay at its ceiling: 100, 200, 400, 800 ms (the 300 s resync sleep aside).
  assert.deepEqual(delays.filter((ms) => ms < 60_000), [100, 200, 400, 800]);
  const gaps = lists.slice(1).map((at, i) => at - lists[i]);
  gaps.forEach((gap, i) => {
    const delay = 100 * 2 ** i;
    assert.ok(gap >= delay - 5, `retry ${i + 1} after ${gap.toFixed(0)} ms, before its ${delay} ms delay`);
  });
  assert.equal(registry.status()[0].restarts, 4);
  assert.equal(registry.status()[0].lastError, undefined, 'cleared by the successful list');
  t.diagnostic(`retry gaps: ${gaps.map((g) => g.toFixed(0)).join(', ')} ms`);
});

test('a wrong token is reported, retried with backoff, and start() honours its signal', async (t) => {
  const { api } = await setup(t);
  const dir = await mkdtemp(join(tmpdir(), 'gopprof-kube-bad-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const kubeconfig = await api.writeKubeconfig(dir);
  const { kubeConfig } = loadKubeConfig({ kubeconfig, env: {} });
  kubeConfig.users[0] = { ...kubeConfig.users[0], token: 'wrong' };
  const registry = createKubernetesTargetRegistry({ kubeConfig, namespaces: [], logger, backoff: { baseMs: 100, maxMs: 200 } });
  t.after(() => registry.stop());
  await assert.rejects(registry.start(AbortSignal.timeout(1500)), (e: unknown) => isGopprofError(e, 'ABORTED'));
  assert.equal(registry.status()[0].lastError?.message, 'HTTP 401');
  // Retried (at least twice), but with backoff: a retry loop without it would
  // make hundreds of attempts in 1.5 s; with 100–200 ms delays it makes ~10.
  const attempts = verbs(api, 'list').length;
  assert.ok(attempts >= 2 && attempts <= 30, `${attempts} list attempts in 1500 ms`);
  await registry.stop();
  await registry.stop();
  // A list written to the socket just before stop() aborted it can still
  // reach the server a moment later; what must not happen is a new attempt.
  // Without stop the 100–200 ms backoff would make one every few hundred ms.
  await sleep(100);
  const after = api.requests.length;
  await sleep(500);
  assert.equal(api.requests.length, after, 'no requests after stop()');
});

test('stop() ends the watch and is idempotent; no request follows it', async (t) => {
  const { api, registry } = await setup(t, { resyncSeconds: 0.1 });
  await registry.start(AbortSignal.timeout(5000));
  await registry.stop();
  await registry.stop();
  await eventually('the server sees the watch closed', () => api.openWatches() === 0);
  await sleep(100); // a request written just before stop() may still be arriving
  const after = api.requests.length;
  await sleep(400); // resyncs every 100 ms would have listed again by now
  assert.equal(api.requests.length, after);
  await assert.rejects(registry.start(), (e: unknown) => isGopprofError(e, 'ABORTED'));
});

describe('profiling discovered pods that are real Go programs', { skip: skipWithoutBinaries('go') }, () => {
  async function captureSetup(t: TestContext) {
    const { api, registry } = await setup(t);
    const renderer = createRenderer({ poolSize: 1 });
    const root = await mkdtemp(join(tmpdir(), 'gopprof-kube-capture-'));
    t.after(async () => {
      await renderer.stop();
      await rm(root, { recursive: true, force: true });
    });
    const service = createTestCaptureService({
      targets: combineRegistries([createStaticTargetRegistry([]), registry]),
      renderer,
      store: createTestLocalStore(root),
    });
    return { api, registry, service };
  }

  async function goTarget(t: TestContext) {
    const go = await startGoTarget();
    t.after(() => go.stop());
    return { go, port: Number(new URL(go.url).port) };
  }

  test('a group by label selector captures exactly the matching ready pods', async (t) => {
    const { api, registry, service } = await captureSetup(t);
    const [a, b] = [await goTarget(t), await goTarget(t)];
    api.addPod(makePod({ namespace: 'shop', name: 'api-a', labels: { app: 'api' }, annotations: scrape(a.port) }));
    api.addPod(makePod({ namespace: 'shop', name: 'api-b', labels: { app: 'api' }, annotations: scrape(b.port) }));
    api.addPod(makePod({ namespace: 'shop', name: 'api-unready', labels: { app: 'api' }, annotations: scrape(a.port), ready: false }));
    api.addPod(makePod({ namespace: 'shop', name: 'web', labels: { app: 'web' }, annotations: scrape(a.port) }));
    api.addPod(makePod({ namespace: 'pay', name: 'api-c', labels: { app: 'api' }, annotations: scrape(b.port) }));
    await registry.start(AbortSignal.timeout(5000));

    const group = selectGroup(
      { namespace: 'shop', labelSelector: 'app=api', workload: '', targetIds: [] },
      service.targets().map((s) => s.target),
    );
    assert.deepEqual(
      group.map((g) => g.name),
      ['shop/api-a', 'shop/api-b'],
    );
    const captures: Capture[] = [];
    for await (const c of service.profileMany(
      group.map((g) => ({ targetId: g.id, type: 'heap' as const, seconds: 0 })),
      {},
    )) {
      captures.push(c);
    }
    assert.deepEqual(captures.map((c) => c.status), ['ok', 'ok'], captures.map((c) => c.error?.message).join('; '));
    assert.deepEqual(captures.map((c) => c.targetId).sort(), group.map((g) => g.id).sort());
    assert.deepEqual(captures.map((c) => c.target.pod?.name).sort(), ['api-a', 'api-b']);
    // Pods are also addressable by namespace/name through the combined registry.
    const one = await service.profile({ targetId: 'pay/api-c', type: 'goroutine', seconds: 0 });
    assert.equal(one.targetName, 'pay/api-c');
    assertOnlyDeclaredCalls(api);
  });

  test('a pod deleted mid-capture is TARGET_GONE; a pod whose process dies but is not deleted is a fetch error', async (t) => {
    const { api, registry, service } = await captureSetup(t);
    const [doomed, lagging, crashing] = [await goTarget(t), await goTarget(t), await goTarget(t)];
    const pod = api.addPod(makePod({ namespace: 'shop', name: 'doomed', annotations: scrape(doomed.port) }));
    api.addPod(makePod({ namespace: 'shop', name: 'lagging', annotations: scrape(lagging.port) }));
    api.addPod(makePod({ namespace: 'shop', name: 'crashing', annotations: scrape(crashing.port) }));
    await registry.start(AbortSignal.timeout(5000));

    // Outcomes are settled as they come, so no rejection goes unhandled meanwhile.
    // A 10 s profile: failing well before its end shows the failure came from the pods going,
    // with room for a loaded machine (the test takes ~1 s when it passes).
    const settle = (targetId: string) =>
      service.profile({ targetId, type: 'cpu', seconds: 10 }).then(
        (c) => c,
        (e: unknown) => e,
      );
    const started = performance.now();
    const outcomes = ['shop/doomed', 'shop/lagging', 'shop/crashing'].map(settle);
    await sleep(300);
    api.deletePod('shop', 'doomed');
    // The watch has not told us about this one (as when the DELETED event lags the pod's end).
    api.deletePod('shop', 'lagging', { silent: true });
    // A crashing container makes its pod unready, which is not a deletion.
    api.modifyPod('shop', 'crashing', setReady(false));
    await eventually('the crashing pod is unready', () => !names(registry).includes('shop/crashing'));
    await Promise.all([doomed.go.stop(), lagging.go.stop(), crashing.go.stop()]);
    const [gone, lagged, failed] = await Promise.all(outcomes);
    assert.ok(performance.now() - started < 9000, 'failed when the pods went, not at the end of the profile');

    assert.ok(isGopprofError(gone, 'TARGET_GONE'), String(gone));
    assert.match(gone.message, new RegExp(`pod shop/doomed \\(uid ${pod.metadata.uid}\\) was deleted during the capture`));
    assert.ok(isGopprofError(lagged, 'TARGET_GONE'), `the API server confirms the deletion the cache missed: ${String(lagged)}`);
    assert.ok(
      api.requests.some((r) => r.verb === 'get' && r.path === '/api/v1/namespaces/shop/pods/lagging'),
      'the deletion was confirmed with the API server',
    );
    assert.ok(isGopprofError(failed, 'FETCH_RESET', 'FETCH_REFUSED'), `a live pod's crash stays a fetch error: ${String(failed)}`);
    assert.deepEqual(
      service.targets().map((s) => s.target.name),
      ['shop/lagging'],
      'the deleted pod is no longer listed (nor the unready one)',
    );
    assertOnlyDeclaredCalls(api);
  });

  test('the service started with kubernetes.enabled lists and profiles discovered pods over gRPC', async (t) => {
    const api = await startFakeKubeApi();
    const dir = await mkdtemp(join(tmpdir(), 'gopprof-kube-service-'));
    t.after(async () => {
      await api.close();
      await rm(dir, { recursive: true, force: true });
    });
    const { port } = await goTarget(t);
    const pod = api.addPod(makePod({ namespace: 'shop', name: 'api-0', labels: { app: 'api' }, annotations: scrape(port) }));
    const kubeconfig = await api.writeKubeconfig(dir);
    const config = await loadConfig({
      file: '',
      env: {
        ...loopbackServiceEnv(join(dir, 'store')),
        GOPPROF_KUBERNETES_ENABLED: 'true',
        GOPPROF_KUBERNETES_KUBECONFIG: kubeconfig,
        GOPPROF_KUBERNETES_NAMESPACES: '["shop"]',
      },
    });
    const service = await startService(config, logger);
    const { call, close } = connectProfiler(service.grpcPort);
    t.after(async () => {
      close();
      await service.stop();
    });

    const listed = await call<ListTargetsResponse>('listTargets', create(ListTargetsRequestSchema, {}));
    assert.deepEqual(
      listed.targets.map((s) => s.target?.id),
      [`pod/shop/api-0/${pod.metadata.uid}`],
    );
    const res = await call<ProfilePodResponse>(
      'profilePod',
      create(ProfilePodRequestSchema, {
        target: { kind: { case: 'pod', value: { namespace: 'shop', name: 'api-0' } } },
        type: ProfileType.HEAP,
        seconds: 0,
      }),
    );
    assert.equal(res.capture?.status, CaptureStatus.OK, res.capture?.error?.message);
    assert.equal(res.capture?.target?.id, `pod/shop/api-0/${pod.metadata.uid}`);
    await service.stop();
    await eventually('the service closed its watch', () => api.openWatches() === 0);
    assert.deepEqual([...new Set(api.requests.map((r) => `${r.verb} ${r.path}`))].sort(), [
      'list /api/v1/namespaces/shop/pods',
      'watch /api/v1/namespaces/shop/pods',
    ]);
    assertOnlyDeclaredCalls(api);
  });
});
