// The auto-profiler end to end: a REAL InfluxDB 1.x (influxd on loopback)
// holding heapster-shaped points, read through createInfluxQlSource; pods
// discovered from a fake Kubernetes API server by the real registry, pointing
// at REAL Go programs; the real capture service (fetch, analyse, render,
// store). Only the clock is the test's: each scenario writes its points at
// times two hours ago and moves the auto-profiler's clock over them, so no
// test waits for a minute to pass. Each scenario has its own namespace.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, type TestContext, test } from 'node:test';
import { create, toJsonString } from '@bufbuild/protobuf';
import { timestampDate } from '@bufbuild/protobuf/wkt';
import type { Capture, CaptureServiceHandle } from '../src/capture/index.ts';
import { loadConfig } from '../src/config/index.ts';
import { HotPodOutcome } from '../src/gen/gopprof/v1/auto_profiler_pb.js';
import { CaptureStatus, ProfileType, Trigger } from '../src/gen/gopprof/v1/capture_pb.js';
import {
  type GetAutoProfilerStatusResponse,
  GetAutoProfilerStatusRequestSchema,
  GetAutoProfilerStatusResponseSchema,
  type ListCapturesResponse,
  ListCapturesRequestSchema,
  type ListTargetsResponse,
  ListTargetsRequestSchema,
} from '../src/gen/gopprof/v1/profiler_pb.js';
import { startService } from '../src/main.ts';
import { createInfluxQlSource, type UsageSource } from '../src/metrics/index.ts';
import { createRenderer, type Renderer } from '../src/render/index.ts';
import { createKubernetesTargetRegistry, type KubernetesTargetRegistry, loadKubeConfig } from '../src/targets/index.ts';
import { createLogger, MetricsRegistry } from '../src/telemetry/index.ts';
import {
  type AutoProfilerClock,
  type AutoProfilerConfig,
  createAutoProfiler,
  DEFAULT_RULES,
  DEFAULT_TRIGGER_POLICY,
} from '../src/trigger/index.ts';
import { createTestCaptureService, createTestLocalStore } from './support/capture-service.ts';
import { type Check, eventually as pollUntil } from './support/eventually.ts';
import { type FakeKubeApi, makePod, startFakeKubeApi } from './support/fake-kube-api.ts';
import { type GoTarget, startGoTarget } from './support/go-target.ts';
import { createHeapsterDatabase, type InfluxDbServer, startInfluxDb } from './support/influxdb-server.ts';
import { connectProfiler, loopbackServiceEnv } from './support/loopback-service.ts';
import { CLOSED_PORT } from './support/notify-fixtures.ts';
import { requireBinary, skipWithoutBinaries } from './support/require-binary.ts';

const MIN = 60_000;
const LATE_MS = 15_000;
const logger = createLogger('silent');
const mi = 1024 * 1024;

/** A window's heapster values; a null window has no pod-level points at all. */
interface Usage {
  readonly cpu?: number;
  readonly cpuLimit?: number;
  readonly cpuRequest?: number;
  readonly mem?: number;
  readonly memLimit?: number;
}
const HOT_CPU: Usage = { cpu: 900, cpuLimit: 1000, mem: 100 * mi, memLimit: 1000 * mi };
const COLD: Usage = { cpu: 100, cpuLimit: 1000, mem: 100 * mi, memLimit: 1000 * mi };
const HOT_MEM: Usage = { cpu: 100, cpuLimit: 1000, mem: 900 * mi, memLimit: 1000 * mi };

/** Heapster's lines for one pod and window, at mid-window, plus a container row the pod filter must ignore. */
function heapsterLines(ns: string, pod: string, at: number, u: Usage): string[] {
  const tags = `namespace_name=${ns},pod_name=${pod},type=pod`;
  const series: [string, number | undefined][] = [
    ['cpu/usage_rate', u.cpu],
    ['cpu/limit', u.cpuLimit],
    ['cpu/request', u.cpuRequest],
    ['memory/working_set', u.mem],
    ['memory/limit', u.memLimit],
  ];
  return [
    ...series.filter(([, v]) => v !== undefined).map(([m, v]) => `${m},${tags} value=${v} ${at}`),
    `cpu/usage_rate,namespace_name=${ns},pod_name=${pod},container_name=app,type=pod_container value=99999 ${at}`,
  ];
}

/** Writes `windows` (oldest first) for `pod`, the last one ending at `end`. */
async function writeWindows(influx: InfluxDbServer, ns: string, pod: string, end: number, windows: readonly (Usage | null)[]): Promise<void> {
  const lines = windows.flatMap((u, i) => (u === null ? [] : heapsterLines(ns, pod, end - (windows.length - i) * MIN + 30_000, u)));
  if (lines.length > 0) await influx.write(lines.join('\n'), { db: 'k8s', rp: 'default' });
}

/** A clock the test sets; timers fire only when the test moves it. */
function testClock(start: number) {
  let now = start;
  let id = 0;
  const timers = new Map<number, { at: number; fn: () => void }>();
  return {
    now: () => now,
    setTimeout(fn: () => void, ms: number) {
      timers.set(++id, { at: now + ms, fn });
      return id;
    },
    clearTimeout: (h: unknown) => void timers.delete(h as number),
    /** Moves to `t`, firing the timers due by then. */
    set(t: number) {
      now = t;
      for (const [k, timer] of [...timers].sort((a, b) => a[1].at - b[1].at)) {
        if (timer.at > now) continue;
        timers.delete(k);
        timer.fn();
      }
    },
  } satisfies AutoProfilerClock & Record<string, unknown>;
}

/** eventually() with this suite's longer default wait: evaluations and captures take seconds. */
const eventually = <T>(what: string, check: Check<T>, timeoutMs = 10_000): Promise<T> => pollUntil(what, check, timeoutMs);

/** Each scenario needs both; outside CI the whole suite is skipped without them. */
function needs(t: TestContext): boolean {
  return requireBinary(t, 'influxd') !== undefined && requireBinary(t, 'go') !== undefined;
}

describe('the auto-profiler over a real InfluxDB, real Go targets and the real capture service', { skip: skipWithoutBinaries('influxd', 'go') }, () => {
  let influx: InfluxDbServer;
  let api: FakeKubeApi;
  let registry: KubernetesTargetRegistry;
  let renderer: Renderer;
  let service: CaptureServiceHandle;
  let kubeconfig: string;
  let dir: string;
  const go: GoTarget[] = [];
  /** Two hours ago, on a minute: every scenario's windows are placed from here. */
  const BASE = Math.floor(Date.now() / MIN) * MIN - 120 * MIN;

  before(async () => {
    [influx, api] = await Promise.all([startInfluxDb(), startFakeKubeApi()]);
    for (let i = 0; i < 3; i++) go.push(await startGoTarget(undefined, { args: ['-cpu-busy', '1ms', '-cpu-idle', '20ms'] }));
    await createHeapsterDatabase(influx);
    dir = await mkdtemp(join(tmpdir(), 'gopprof-autoprofiler-'));
    kubeconfig = await api.writeKubeconfig(dir);
    registry = createKubernetesTargetRegistry({ kubeConfig: loadKubeConfig({ kubeconfig, env: {} }).kubeConfig, namespaces: [], logger });
    await registry.start(AbortSignal.timeout(5000));
    renderer = createRenderer({ poolSize: 1 });
    service = createTestCaptureService({
      targets: registry,
      renderer,
      store: createTestLocalStore(join(dir, 'store')),
      limits: { maxConcurrent: 4 },
    });
  });

  after(async () => {
    await registry?.stop();
    await renderer?.stop();
    await Promise.all([influx?.stop(), api?.close(), ...go.map((g) => g.stop())]);
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  /** Adds pods of Deployment `workload` in `ns`, each on Go target `targets[i]`, and waits until they are targets. */
  async function addPods(ns: string, workload: string, names: readonly string[], targets: readonly number[] = names.map(() => 0)): Promise<void> {
    for (const [i, name] of names.entries()) {
      api.addPod(
        makePod({
          namespace: ns,
          name,
          labels: { app: workload, 'pod-template-hash': 'abc12' },
          annotations: { 'gopprof.io/scrape': 'true', 'gopprof.io/port': new URL(go[targets[i]].url).port },
          owner: { kind: 'ReplicaSet', name: `${workload}-abc12` },
        }),
      );
    }
    await eventually(`pods ${names.join(', ')} are targets`, () => names.every((n) => registry.list().some((t) => t.name === `${ns}/${n}`)));
  }

  function autoProfiler(t: TestContext, ns: string, at: number, extra: Partial<AutoProfilerConfig> = {}, source?: UsageSource) {
    const clock = testClock(at);
    const notified: Capture[] = [];
    const config: AutoProfilerConfig = {
      ...DEFAULT_TRIGGER_POLICY,
      // A one-second CPU profile keeps the test fast; everything else is the default rule.
      rules: DEFAULT_RULES.map((r) => ({ ...r, profiles: r.profiles.map((p) => (p.type === 'cpu' ? { ...p, seconds: 1 } : p)) })),
      namespaces: [ns],
      lateDataSeconds: LATE_MS / 1000,
      stopTimeoutSeconds: 10,
      ...extra,
    };
    const ap = createAutoProfiler({
      source: source ?? createInfluxQlSource({ url: influx.url, timeoutMs: 5000 }),
      captureService: service,
      targets: registry,
      config,
      clock,
      logger,
      metrics: new MetricsRegistry(),
      notify: (c) => notified.push(c),
    });
    t.after(() => ap.stop());
    /** Evaluates the window ending at `windowEnd`. */
    const evaluateAt = (windowEnd: number) => {
      clock.set(windowEnd + LATE_MS);
      return ap.evaluateNow();
    };
    return { ap, clock, evaluateAt, notified };
  }

  const autoCaptures = async (ns: string) =>
    (await service.list({ trigger: 'auto', pageSize: 1000 })).captures.filter((c) => c.target.pod?.namespace === ns);
  const kinds = (cs: readonly Capture[]) => cs.map((c) => `${c.target.pod?.name}:${c.type}`).sort();

  test('one hot window does not fire; two consecutive do, and a real CPU profile is recorded with trigger auto', async (t) => {
    if (!needs(t)) return;
    const ns = 'edge';
    await addPods(ns, 'api', ['api-0']);
    const W = BASE;
    await writeWindows(influx, ns, 'api-0', W + MIN, [COLD, HOT_CPU]);
    const { ap, evaluateAt, notified } = autoProfiler(t, ns, W);
    const one = await evaluateAt(W + MIN);
    assert.equal(one.error, undefined);
    assert.deepEqual(one.captures, []);
    assert.deepEqual(ap.status().hotPods.map((h) => [h.pod, h.streak, h.outcome, h.windows.map((w) => w.ratio)]), [['api-0', 1, 'pending', [0.1, 0.9]]]);

    await writeWindows(influx, ns, 'api-0', W + 2 * MIN, [{ ...HOT_CPU, cpu: 950 }]);
    const two = await evaluateAt(W + 2 * MIN);
    assert.deepEqual(two.captures.map((c) => [c.type, c.status, c.trigger, c.error?.message]), [['cpu', 'ok', 'auto', undefined]]);
    const [stored] = await autoCaptures(ns);
    assert.equal(stored.id, two.captures[0].id);
    assert.equal(stored.seconds, 1);
    assert.deepEqual(stored.auto, {
      rule: 'cpu-over-limit',
      metric: 'cpu_usage/cpu_limit',
      threshold: 0.8,
      values: [0.9, 0.95],
      windows: [new Date(W).toISOString(), new Date(W + MIN).toISOString()],
    });
    assert.ok(stored.artifacts.svg && stored.artifacts.profile && stored.summary, 'profiled, analysed and rendered');
    assert.deepEqual(notified.map((c) => c.id), [stored.id]);
    assert.equal(ap.status().hotPods[0].outcome, 'captured');
  });

  test('hot–cold–hot and hot–missing–hot never fire, though each evaluation sees a hot window', async (t) => {
    if (!needs(t)) return;
    const ns = 'gaps';
    await addPods(ns, 'api', ['flap', 'gap']);
    const W = BASE;
    await writeWindows(influx, ns, 'flap', W + 3 * MIN, [HOT_CPU, COLD, HOT_CPU]);
    // The missing window still has a container-level row (usage 99999): only pod rows count.
    await writeWindows(influx, ns, 'gap', W + 3 * MIN, [HOT_CPU, null, HOT_CPU]);
    await influx.write(heapsterLines(ns, 'gap', W + MIN + 30_000, HOT_CPU).slice(-1).join('\n'), { db: 'k8s', rp: 'default' });
    const { ap, evaluateAt } = autoProfiler(t, ns, W);
    const streaks: string[] = [];
    for (let i = 1; i <= 3; i++) {
      const r = await evaluateAt(W + i * MIN);
      assert.equal(r.error, undefined);
      assert.deepEqual(r.captures, [], `evaluation ${i}`);
      streaks.push(ap.status().hotPods.map((h) => `${h.pod}=${h.streak}`).join(','));
    }
    assert.deepEqual(streaks, ['flap=1,gap=1', '', 'flap=1,gap=1']);
    assert.deepEqual(await autoCaptures(ns), []);
  });

  test('a pod without a limit is skipped, with the reason in ListTargets and the status; with useRequestWhenNoLimit its request is used', async (t) => {
    if (!needs(t)) return;
    const ns = 'nolimit';
    await addPods(ns, 'api', ['free']);
    const W = BASE;
    const noLimit: Usage = { cpu: 900, cpuRequest: 1000, mem: 100 * mi, memLimit: 1000 * mi };
    await writeWindows(influx, ns, 'free', W + 2 * MIN, [noLimit, noLimit]);
    const { ap, evaluateAt } = autoProfiler(t, ns, W);
    const r = await evaluateAt(W + 2 * MIN);
    assert.deepEqual(r.captures, []);
    const id = registry.get(`${ns}/free`).id;
    assert.deepEqual(ap.status().skippedPods, [{ targetId: id, namespace: ns, pod: 'free', reason: 'no cpu limit' }]);
    assert.equal(service.targets().find((s) => s.target.id === id)?.note, 'no cpu limit');

    const withRequest = autoProfiler(t, ns, W, { useRequestWhenNoLimit: true });
    const fired = await withRequest.evaluateAt(W + 2 * MIN);
    assert.deepEqual(fired.captures.map((c) => [c.type, c.status, c.auto?.metric]), [['cpu', 'ok', 'cpu_usage/cpu_request']]);
  });

  test('cooldown: a second qualifying evaluation within 10 minutes does not capture again; after it, it does', async (t) => {
    if (!needs(t)) return;
    const ns = 'cool';
    await addPods(ns, 'api', ['busy']);
    const W = BASE;
    await writeWindows(influx, ns, 'busy', W + 3 * MIN, [HOT_CPU, HOT_CPU, HOT_CPU]);
    await writeWindows(influx, ns, 'busy', W + 12 * MIN, [HOT_CPU, HOT_CPU]);
    const { ap, evaluateAt } = autoProfiler(t, ns, W);
    assert.equal((await evaluateAt(W + 2 * MIN)).captures.length, 1);
    const cooling = await evaluateAt(W + 3 * MIN);
    assert.deepEqual(cooling.captures, []);
    assert.equal(ap.status().hotPods[0].outcome, 'cooldown');
    assert.deepEqual(ap.status().cooldowns, [{ namespace: ns, pod: 'busy', type: 'cpu', until: new Date(W + 2 * MIN + LATE_MS + 10 * MIN).toISOString() }]);
    // Ten minutes after the first capture: the pod is profiled again.
    const again = await evaluateAt(W + 12 * MIN);
    assert.deepEqual(again.captures.map((c) => c.status), ['ok']);
    assert.equal((await autoCaptures(ns)).length, 2);
  });

  test('the per-workload cap: three hot pods of one Deployment → two are profiled (memory → heap and goroutine)', async (t) => {
    if (!needs(t)) return;
    const ns = 'cap';
    await addPods(ns, 'web', ['web-a', 'web-b', 'web-c'], [0, 1, 2]);
    const W = BASE;
    await writeWindows(influx, ns, 'web-a', W + 2 * MIN, [HOT_MEM, HOT_MEM]);
    await writeWindows(influx, ns, 'web-b', W + 2 * MIN, [HOT_MEM, { ...HOT_MEM, mem: 990 * mi }]);
    await writeWindows(influx, ns, 'web-c', W + 2 * MIN, [HOT_MEM, { ...HOT_MEM, mem: 950 * mi }]);
    const { ap, evaluateAt } = autoProfiler(t, ns, W);
    const r = await evaluateAt(W + 2 * MIN);
    assert.deepEqual(r.captures.map((c) => c.status), ['ok', 'ok', 'ok', 'ok'], r.captures.map((c) => c.error?.message).join('; '));
    assert.deepEqual(kinds(await autoCaptures(ns)), ['web-b:goroutine', 'web-b:heap', 'web-c:goroutine', 'web-c:heap'], 'the two hottest');
    const heap = (await autoCaptures(ns)).find((c) => c.type === 'heap');
    assert.equal(heap?.auto?.rule, 'memory-over-limit');
    assert.equal(heap?.auto?.metric, 'memory_usage/memory_limit');
    const s = ap.status();
    assert.deepEqual(s.hotPods.map((h) => [h.pod, h.outcome]), [
      ['web-b', 'captured'],
      ['web-c', 'captured'],
      ['web-a', 'workload-cap'],
    ]);
    assert.deepEqual(s.episodes.map((e) => [e.namespace, e.workload, e.maxPods, e.profiledPods, e.deferredPods]), [[ns, 'web', 2, ['web-b', 'web-c'], ['web-a']]]);
  });

  test('with InfluxDB down the loop reports the error in its status and keeps going; when it is back, it recovers', async (t) => {
    if (!needs(t)) return;
    const ns = 'outage';
    await addPods(ns, 'api', ['api-0']);
    const W = BASE;
    // Its own influxd, stopped. The source follows "the" InfluxDB, as a Service name would across a restart
    // that gives the server a new address (these helpers pick a new port each start).
    const own = await startInfluxDb();
    t.after(() => own.stop());
    let current = createInfluxQlSource({ url: own.url, timeoutMs: 5000 });
    const source: UsageSource = { describe: () => 'influxql (test service)', query: (q, signal) => current.query(q, signal) };
    await own.stop();

    const { ap, clock } = autoProfiler(t, ns, W + 2 * MIN + LATE_MS, {}, source);
    ap.start();
    clock.set(clock.now());
    await eventually('the first evaluation fails', () => ap.status().consecutiveFailures === 1);
    let s = ap.status();
    assert.equal(s.lastEvaluation?.ok, false);
    assert.equal(s.lastError?.code, 'METRICS_UNAVAILABLE');
    assert.match(s.lastError?.message ?? '', /127\.0\.0\.1/);
    assert.equal(s.running, true);
    clock.set(W + 3 * MIN + LATE_MS);
    await eventually('the loop tried again next window', () => ap.status().consecutiveFailures === 2);

    const back = await startInfluxDb();
    t.after(() => back.stop());
    await createHeapsterDatabase(back);
    await writeWindows(back, ns, 'api-0', W + 4 * MIN, [HOT_CPU, HOT_CPU]);
    current = createInfluxQlSource({ url: back.url, timeoutMs: 5000 });
    clock.set(W + 4 * MIN + LATE_MS);
    await eventually('recovered', () => ap.status().lastEvaluation?.ok);
    s = ap.status();
    assert.equal(s.consecutiveFailures, 0);
    assert.equal(s.evaluations, 3);
    assert.equal(s.lastError?.code, 'METRICS_UNAVAILABLE', 'the last error stays, older than the last success');
    assert.ok(s.lastSuccessAt && s.lastError && s.lastSuccessAt > s.lastError.at);
    await eventually('the capture fired after recovery is stored', async () => (await autoCaptures(ns)).length === 1, 15_000);
  });

  test('the service wires it: GetAutoProfilerStatus and ListCaptures over gRPC, notes in ListTargets', async (t) => {
    if (!needs(t)) return;
    const ns = 'svc';
    await addPods(ns, 'api', ['api-0', 'nolim']);
    // Real time here: hot points around now, so whichever window is the latest complete one is hot.
    const now = Date.now();
    const lines: string[] = [];
    for (let at = now - 5 * MIN; at < now + 2 * MIN; at += 15_000) {
      lines.push(...heapsterLines(ns, 'api-0', at, HOT_MEM), ...heapsterLines(ns, 'nolim', at, { ...HOT_MEM, memLimit: undefined }));
    }
    await influx.write(lines.join('\n'), { db: 'k8s', rp: 'default' });
    const slackPort = CLOSED_PORT;
    const config = await loadConfig({
      file: '',
      env: {
        ...loopbackServiceEnv(join(dir, 'svc-store')),
        GOPPROF_KUBERNETES_ENABLED: 'true',
        GOPPROF_KUBERNETES_KUBECONFIG: kubeconfig,
        GOPPROF_KUBERNETES_NAMESPACES: JSON.stringify([ns]),
        GOPPROF_AUTO_PROFILER_ENABLED: 'true',
        GOPPROF_AUTO_PROFILER_SOURCE_URL: influx.url,
        GOPPROF_AUTO_PROFILER_LATE_DATA_SECONDS: '0',
        GOPPROF_AUTO_PROFILER_CPU_ENABLED: 'false',
        // The owners' Slack is down (a closed port): its failures must show in the status, its token never.
        GOPPROF_NOTIFY_RECEIVERS: JSON.stringify([{ name: 'slack-oncall', kind: 'slack', url: `http://127.0.0.1:${slackPort}/services/T000/B000/SECRETTOKEN` }]),
        GOPPROF_NOTIFY_DEFAULT_RECEIVERS: '["slack-oncall"]',
        GOPPROF_NOTIFY_ATTEMPTS: '2',
        GOPPROF_NOTIFY_INITIAL_BACKOFF_SECONDS: '0.05',
      },
    });
    const running = await startService(config, logger);
    const { call, close } = connectProfiler(running.grpcPort);
    t.after(async () => {
      close();
      await running.stop();
    });

    const listed = await eventually('two automatic captures listed over gRPC', async () => {
      const r = await call<ListCapturesResponse>('listCaptures', create(ListCapturesRequestSchema, { trigger: Trigger.AUTO }));
      return r.captures.length === 2 && r;
    }, 20_000);
    assert.deepEqual(listed.captures.map((c) => c.type).sort(), [ProfileType.HEAP, ProfileType.GOROUTINE]);
    for (const c of listed.captures) {
      assert.equal(c.status, CaptureStatus.OK, c.error?.message);
      assert.equal(c.target?.pod?.name, 'api-0');
      assert.equal(c.autoTrigger?.rule, 'memory-over-limit');
      assert.equal(c.autoTrigger?.threshold, 0.8);
      assert.deepEqual(c.autoTrigger?.values.map((v) => Math.round(v * 100) / 100), [0.9, 0.9]);
      assert.equal(c.autoTrigger?.windowStartTimes.length, 2);
    }
    const status = await call<GetAutoProfilerStatusResponse>('getAutoProfilerStatus', create(GetAutoProfilerStatusRequestSchema, {}));
    assert.equal(status.enabled, true);
    assert.equal(status.running, true);
    assert.match(status.source, /^influxql http:\/\/127\.0\.0\.1:\d+ db=k8s rp=default$/);
    assert.equal(status.window?.seconds, 60n);
    assert.deepEqual(status.rules.map((r) => r.name), ['memory-over-limit']);
    assert.equal(status.lastEvaluation?.ok, true);
    assert.ok(status.lastEvaluation?.windowEndTime && timestampDate(status.lastEvaluation.windowEndTime).getTime() <= Date.now());
    // Real time: the loop evaluates again at every minute boundary, and one can
    // fall between the captures and this call (a run started at :58 s always
    // saw it). That evaluation finds the pod as hot, but in its cooldown.
    t.diagnostic(`${status.evaluations} evaluation(s) by the time of the status call`);
    assert.ok(status.evaluations >= 1n);
    const outcome = status.evaluations === 1n ? HotPodOutcome.CAPTURED : HotPodOutcome.COOLDOWN;
    assert.deepEqual(status.hotPods.map((h) => [h.pod, h.streak, h.outcome]), [['api-0', 2, outcome]]);
    assert.deepEqual(status.cooldowns.map((c) => [c.pod, c.type]).sort(), [
      ['api-0', ProfileType.HEAP],
      ['api-0', ProfileType.GOROUTINE],
    ].sort());
    assert.deepEqual(status.skippedPods.map((s) => [s.pod, s.reason]), [['nolim', 'no memory limit']]);
    const targets = await call<ListTargetsResponse>('listTargets', create(ListTargetsRequestSchema, {}));
    assert.deepEqual(targets.targets.map((s) => [s.target?.pod?.name, s.note]), [
      ['api-0', ''],
      ['nolim', 'no memory limit'],
    ]);
    // Each automatic capture was sent to the owners' Slack, which is down: both given up on, each after one retry.
    const notified = await eventually('both notifications failed', async () => {
      const s = await call<GetAutoProfilerStatusResponse>('getAutoProfilerStatus', create(GetAutoProfilerStatusRequestSchema, {}));
      return s.notifications[0]?.failed === 2n && s;
    });
    const [slack] = notified.notifications;
    assert.deepEqual([slack.name, slack.endpoint, slack.delivered, slack.retries], ['slack-oncall', `http://127.0.0.1:${slackPort}`, 0n, 2n]);
    assert.match(slack.lastError?.message ?? '', /ECONNREFUSED/);
    assert.doesNotMatch(toJsonString(GetAutoProfilerStatusResponseSchema, notified), /SECRETTOKEN|\/services\//);
  });
});

test('each configured source kind is wired; a source that cannot be reached is shown in the status, not fatal', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'gopprof-autoprofiler-kinds-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  for (const [kind, described] of [
    ['influxql', /^influxql http:\/\/127\.0\.0\.1:1 db=k8s rp=default$/],
    ['flux', /^flux http:\/\/127\.0\.0\.1:1/],
    ['prometheus', /^prometheus http:\/\/127\.0\.0\.1:1$/],
  ] as const) {
    const config = await loadConfig({
      file: '',
      env: {
        ...loopbackServiceEnv(join(dir, kind)),
        GOPPROF_AUTO_PROFILER_ENABLED: 'true',
        GOPPROF_AUTO_PROFILER_SOURCE_KIND: kind,
        // Port 1 on loopback: nothing listens there.
        GOPPROF_AUTO_PROFILER_SOURCE_URL: 'http://user:hunter2@127.0.0.1:1',
        GOPPROF_AUTO_PROFILER_SOURCE_ORG: 'acme',
        GOPPROF_AUTO_PROFILER_SOURCE_TIMEOUT_SECONDS: '2',
      },
    });
    const running = await startService(config, logger);
    const client = connectProfiler(running.grpcPort);
    try {
      const status = await eventually(`${kind}: the first evaluation failed and says so`, async () => {
        const s = await client.call<GetAutoProfilerStatusResponse>('getAutoProfilerStatus', create(GetAutoProfilerStatusRequestSchema, {}));
        return s.consecutiveFailures > 0 && s;
      });
      assert.match(status.source, described);
      assert.equal(status.running, true);
      assert.equal(status.lastError?.code, 'METRICS_UNAVAILABLE');
      assert.doesNotMatch(`${status.source} ${status.lastError?.message}`, /hunter2/);
    } finally {
      client.close();
      await running.stop();
    }
  }
});
