// The auto-profiler's loop with a hand-moved clock, an in-test UsageSource
// (gopprof's own interface) and a recording CaptureService: scheduling on
// window boundaries, one query per evaluation, the source failing and
// recovering, captures and their records, notes, notify, stop(). The real
// InfluxDB, capture service and Go targets are in test/auto-profiler.test.ts.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Capture, CaptureRequest, CaptureService } from '../capture/index.ts';
import { GopprofError } from '../errors.ts';
import type { PodUsage, UsageQuery, UsageSource } from '../metrics/index.ts';
import type { Target } from '../targets/index.ts';
import { createLogger, MetricsRegistry } from '../telemetry/index.ts';
import { type AutoProfilerConfig, createAutoProfiler } from './auto-profiler.ts';
import type { AutoProfilerClock } from './auto-profiler-clock.ts';
import { DEFAULT_TRIGGER_POLICY } from './trigger-policy.ts';

const MIN = 60_000;
const T0 = Date.UTC(2026, 10, 25, 10, 0, 0);
const config: AutoProfilerConfig = { ...DEFAULT_TRIGGER_POLICY, namespaces: [], lateDataSeconds: 10, stopTimeoutSeconds: 5 };

/** `earlyMs`: timers fire that much before they are due, as a coarse real timer may. */
function manualClock(start: number, earlyMs = 0) {
  let now = start;
  let next = 0;
  const timers = new Map<number, { at: number; fn: () => void }>();
  const clock: AutoProfilerClock & { advance(ms: number): void; delays(): number[] } = {
    now: () => now,
    setTimeout(fn, ms) {
      timers.set(++next, { at: now + ms - earlyMs, fn });
      return next;
    },
    clearTimeout: (h) => void timers.delete(h as number),
    advance(ms) {
      now += ms;
      for (const [id, t] of [...timers].sort((a, b) => a[1].at - b[1].at)) {
        if (t.at > now) continue;
        timers.delete(id);
        t.fn();
      }
    },
    delays: () => [...timers.values()].map((t) => t.at - now),
  };
  return clock;
}

function podTarget(name: string, workload = 'api'): Target {
  return { id: `pod/shop/${name}/uid-${name}`, name: `shop/${name}`, pprofBaseUrl: 'http://127.0.0.1:1/debug/pprof', labels: {}, owner: 'team', pod: { namespace: 'shop', name, uid: `uid-${name}`, workload } };
}

/** A UsageSource answering from `usage(q)`; records every query. */
function source(usage: (q: UsageQuery) => PodUsage[] | Error) {
  const queries: UsageQuery[] = [];
  const s: UsageSource & { queries: UsageQuery[] } = {
    queries,
    describe: () => 'test source',
    async query(q) {
      queries.push(q);
      const r = usage(q);
      if (r instanceof Error) throw r;
      return r;
    },
  };
  return s;
}

const hot = (name: string, end: number, cpu = 900, limit: number | null = 1000): PodUsage => ({
  namespace: 'shop',
  pod: name,
  windows: [
    { start: end - 2 * MIN, cpuUsage: cpu, cpuLimit: limit ?? undefined, memoryUsage: 10, memoryLimit: 100 },
    { start: end - MIN, cpuUsage: cpu, cpuLimit: limit ?? undefined, memoryUsage: 10, memoryLimit: 100 },
  ],
});

/** A CaptureService recording requests; `outcome` decides each capture. */
function captureService(targets: Target[], outcome: (r: CaptureRequest, signal?: AbortSignal) => Promise<'ok' | 'failed' | 'rejected'> = async () => 'ok') {
  const requests: CaptureRequest[] = [];
  const notes = new Map<string, string>();
  let seq = 0;
  const record = (r: CaptureRequest, status: 'ok' | 'failed', id: string): Capture => ({
    id,
    targetId: r.targetId,
    targetName: r.targetId,
    target: { labels: {}, owner: '' },
    type: r.type,
    seconds: r.seconds,
    trigger: r.trigger ?? 'manual',
    ...(r.auto ? { auto: r.auto } : {}),
    options: {},
    startedAt: new Date(T0).toISOString(),
    finishedAt: new Date(T0).toISOString(),
    status,
    ...(status === 'failed' ? { error: { code: 'OVERLOADED', message: 'x' } } : {}),
    artifacts: {},
    storedIn: 'primary',
  });
  const svc: CaptureService & { requests: CaptureRequest[]; notes: Map<string, string>; setTargetNote(id: string, note: string | undefined): void } = {
    requests,
    notes,
    setTargetNote: (id, note) => void (note === undefined ? notes.delete(id) : notes.set(id, note)),
    profile: async () => assert.fail('the auto-profiler goes through profileMany'),
    async *profileMany(reqs, _options, signal) {
      const done = await Promise.all(
        reqs.map(async (r) => {
          requests.push(r);
          const o = await outcome(r, signal);
          return o === 'ok' ? record(r, 'ok', `cap-${++seq}`) : record(r, 'failed', o === 'rejected' ? '' : `cap-${++seq}`);
        }),
      );
      yield* done;
    },
    get: async () => assert.fail('unused'),
    list: async () => assert.fail('unused'),
    targets: () => targets.map((target) => ({ target })),
  };
  return svc;
}

function setup(usage: (q: UsageQuery) => PodUsage[] | Error, targets: Target[], outcome?: Parameters<typeof captureService>[1], earlyMs = 0) {
  const clock = manualClock(T0 + 10_000, earlyMs);
  const src = source(usage);
  const svc = captureService(targets, outcome);
  const metrics = new MetricsRegistry();
  const notified: Capture[] = [];
  const ap = createAutoProfiler({
    source: src,
    captureService: svc,
    targets: { list: () => targets },
    config,
    clock,
    logger: createLogger('silent'),
    metrics,
    notify: (c, t) => {
      assert.equal(t?.id, c.targetId);
      notified.push(c);
    },
  });
  return { ap, clock, src, svc, metrics, notified };
}

const settle = () => new Promise((r) => setImmediate(r));

test('evaluateNow: one query for the complete windows, captures with trigger auto, notes and notify', async () => {
  const targets = [podTarget('a'), podTarget('nolimit'), podTarget('cool')];
  let limit: number | null = null;
  const { ap, src, svc, notified, metrics } = setup((q) => [hot('a', q.end), hot('nolimit', q.end, 100, limit), hot('cool', q.end, 100)], targets);
  const report = await ap.evaluateNow();
  assert.deepEqual(src.queries, [{ end: T0, windowSeconds: 60, count: 2, namespaces: [] }]);
  assert.deepEqual(svc.requests.map((r) => [r.targetId, r.type, r.seconds, r.trigger, r.auto?.rule]), [['pod/shop/a/uid-a', 'cpu', 30, 'auto', 'cpu-over-limit']]);
  assert.deepEqual(report.captures.map((c) => c.id), ['cap-1']);
  assert.deepEqual(notified.map((c) => c.id), ['cap-1']);
  assert.deepEqual([...svc.notes], [['pod/shop/nolimit/uid-nolimit', 'no cpu limit']]);
  const s = ap.status();
  assert.equal(s.evaluations, 1);
  assert.equal(s.lastEvaluation?.ok, true);
  assert.equal(s.lastEvaluation?.windowEnd, new Date(T0).toISOString());
  assert.deepEqual(s.hotPods.map((h) => [h.pod, h.streak, h.outcome, h.windows.map((w) => w.ratio)]), [['a', 2, 'captured', [0.9, 0.9]]]);
  assert.deepEqual(s.cooldowns, [{ namespace: 'shop', pod: 'a', type: 'cpu', until: new Date(T0 + 10_000 + 600_000).toISOString() }]);
  assert.deepEqual(s.skippedPods.map((p) => [p.pod, p.reason]), [['nolimit', 'no cpu limit']]);
  assert.deepEqual(s.episodes.map((e) => [e.workload, e.profiledPods, e.maxPods]), [['api', ['a'], 2]]);
  const text = metrics.render();
  assert.match(text, /gopprof_autoprofiler_evaluations_total\{result="ok"\} 1/);
  assert.match(text, /gopprof_autoprofiler_hot_pods\{rule="cpu-over-limit"\} 1/);
  assert.match(text, /gopprof_autoprofiler_captures_total\{result="ok",rule="cpu-over-limit",type="cpu"\} 1/);
  assert.match(text, /gopprof_autoprofiler_evaluation_seconds_count 1/);
  // The pod gets a limit: its note goes.
  limit = 1000;
  await ap.evaluateNow();
  assert.deepEqual([...svc.notes], []);
  assert.equal(src.queries.length, 2);
});

test('the loop evaluates at start, then once per window just after it closes plus the late-data delay', async () => {
  const { ap, clock, src } = setup(() => [], [podTarget('a')]);
  ap.start();
  ap.start();
  assert.deepEqual(clock.delays(), [0]);
  clock.advance(0);
  await settle();
  assert.equal(src.queries.length, 1);
  // Started at 10:00:10; the next window closes at 10:01:00, evaluated at 10:01:10.
  assert.deepEqual(clock.delays(), [60_000]);
  clock.advance(60_000);
  await settle();
  assert.deepEqual(src.queries.map((q) => new Date(q.end).toISOString()), ['2026-11-25T10:00:00.000Z', '2026-11-25T10:01:00.000Z']);
  assert.deepEqual(clock.delays(), [60_000]);
  await ap.stop();
  await ap.stop();
  assert.deepEqual(clock.delays(), [], 'no timer left');
  assert.equal(ap.status().running, false);
  await assert.rejects(ap.evaluateNow(), /stopped/);
});

test('a timer that fires early does not evaluate the same window twice', async () => {
  const { ap, clock, src } = setup(() => [], [podTarget('a')], undefined, 20_000);
  ap.start();
  clock.advance(0);
  await settle();
  clock.advance(40_000);
  await settle();
  assert.equal(src.queries.length, 1, 'fired 20 s early: the window has not closed yet');
  clock.advance(20_000);
  await settle();
  assert.deepEqual(src.queries.map((q) => new Date(q.end).toISOString()), ['2026-11-25T10:00:00.000Z', '2026-11-25T10:01:00.000Z']);
  await ap.stop();
});

test('a metrics source that fails is reported and the loop goes on; it recovers when the source does', async () => {
  let down = true;
  const { ap, clock, metrics } = setup(
    (q) => (down ? new GopprofError('METRICS_UNAVAILABLE', 'influxql http://127.0.0.1:1: connection refused') : [hot('a', q.end)]),
    [podTarget('a')],
  );
  ap.start();
  clock.advance(0);
  await settle();
  let s = ap.status();
  assert.equal(s.lastEvaluation?.ok, false);
  assert.equal(s.lastError?.code, 'METRICS_UNAVAILABLE');
  assert.match(s.lastError?.message ?? '', /connection refused/);
  assert.equal(s.consecutiveFailures, 1);
  assert.deepEqual(clock.delays(), [60_000], 'the next window is still scheduled');
  clock.advance(60_000);
  await settle();
  assert.equal(ap.status().consecutiveFailures, 2);
  down = false;
  clock.advance(60_000);
  await settle();
  await settle();
  s = ap.status();
  assert.equal(s.lastEvaluation?.ok, true);
  assert.equal(s.consecutiveFailures, 0);
  assert.equal(s.lastError?.code, 'METRICS_UNAVAILABLE', 'the last error stays visible, with its time');
  assert.ok(s.lastSuccessAt && s.lastError && s.lastSuccessAt > s.lastError.at);
  assert.equal(s.hotPods.length, 1);
  const text = metrics.render();
  assert.match(text, /gopprof_autoprofiler_evaluations_total\{result="error"\} 2/);
  assert.match(text, /gopprof_autoprofiler_source_up 1/);
  await ap.stop();
});

test('a capture the service rejects (overloaded) gives its cooldown back, so the next window tries again', async () => {
  let reject = true;
  const { ap, clock, svc, notified } = setup((q) => [hot('a', q.end)], [podTarget('a')], async () => (reject ? 'rejected' : 'ok'));
  const first = await ap.evaluateNow();
  assert.deepEqual(first.captures.map((c) => [c.id, c.status]), [['', 'failed']]);
  assert.deepEqual(ap.status().cooldowns, []);
  assert.deepEqual(notified, [], 'nothing stored, nothing to tell');
  reject = false;
  clock.advance(MIN);
  const second = await ap.evaluateNow();
  assert.deepEqual(second.captures.map((c) => c.status), ['ok']);
  assert.equal(svc.requests.length, 2);
  assert.equal(ap.status().cooldowns.length, 1);
  // A capture that ran and failed keeps its cooldown: a broken pod is not hammered every minute.
  const failing = setup((q) => [hot('b', q.end)], [podTarget('b')], async () => 'failed');
  await failing.ap.evaluateNow();
  assert.equal(failing.ap.status().cooldowns.length, 1);
  assert.equal(failing.notified.length, 1);
});

test('stop() waits for running captures, and cancels them at its deadline', async () => {
  let finish: (() => void) | undefined;
  const { ap, clock } = setup((q) => [hot('a', q.end)], [podTarget('a')], (_r, signal) =>
    new Promise((resolve) => {
      finish = () => resolve('ok');
      signal?.addEventListener('abort', () => resolve('rejected'));
    }),
  );
  ap.start();
  clock.advance(0);
  await settle();
  await settle();
  assert.ok(finish, 'a capture is running');
  let stopped = false;
  const stopping = ap.stop().then(() => {
    stopped = true;
  });
  await settle();
  assert.equal(stopped, false, 'waits for the capture');
  clock.advance(5000);
  await stopping;
  assert.equal(stopped, true, 'cancelled at the deadline');
});
