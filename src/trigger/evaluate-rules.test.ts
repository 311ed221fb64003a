// The rules at their edges, as a pure function: streaks and gaps, limits and
// requests, cooldowns, the per-workload cap and episodes.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { PodUsage, UsageWindow } from '../metrics/index.ts';
import { type EvaluationResult, evaluateRules, type PodTarget } from './evaluate-rules.ts';
import { DEFAULT_TRIGGER_POLICY, type TriggerPolicy, triggerPolicyProblems } from './trigger-policy.ts';
import { emptyTriggerState, releaseCapture, type TriggerState } from './trigger-state.ts';

const MIN = 60_000;
const T0 = Date.UTC(2026, 10, 25, 10, 0, 0);
const policy = DEFAULT_TRIGGER_POLICY;

/** Windows of `cpu` usage (millicores, undefined = no data) against a 1000m limit, ending at `end`. */
function cpuPod(name: string, cpu: readonly (number | undefined)[], end = T0, extra: Partial<UsageWindow> = {}, ns = 'shop'): PodUsage {
  return {
    namespace: ns,
    pod: name,
    windows: cpu.map((c, i) => ({
      start: end - (cpu.length - i) * MIN,
      ...(c === undefined ? {} : { cpuUsage: c }),
      cpuLimit: 1000,
      memoryUsage: 100,
      memoryLimit: 1000,
      ...extra,
    })),
  };
}

const target = (pod: string, workload = 'api', namespace = 'shop'): PodTarget => ({ targetId: `pod/${namespace}/${pod}/uid-${pod}`, namespace, pod, workload });

function run(usage: PodUsage[], targets: PodTarget[], state: TriggerState = emptyTriggerState(), now = T0 + 10_000, p: TriggerPolicy = policy): EvaluationResult {
  return evaluateRules(p, state, { usage, targets, windowEnd: Math.floor((now - 10_000) / MIN) * MIN, now });
}

const decided = (r: EvaluationResult) => r.decisions.map((d) => `${d.target.pod}:${d.type}`).sort();

test('two consecutive hot windows fire a cpu profile with the measured ratios and window starts', () => {
  const r = run([cpuPod('a', [850, 900])], [target('a')]);
  assert.deepEqual(decided(r), ['a:cpu']);
  const d = r.decisions[0];
  assert.equal(d.seconds, 30);
  assert.deepEqual(d.auto, {
    rule: 'cpu-over-limit',
    metric: 'cpu_usage/cpu_limit',
    threshold: 0.8,
    values: [0.85, 0.9],
    windows: ['2026-11-25T09:58:00.000Z', '2026-11-25T09:59:00.000Z'],
  });
  assert.equal(d.until, T0 + 10_000 + 600_000);
  assert.deepEqual(r.findings.map((f) => [f.target.pod, f.streak, f.outcome]), [['a', 2, 'captured']]);
});

test('exactly at the threshold is hot; just below is not', () => {
  assert.deepEqual(decided(run([cpuPod('a', [800, 800])], [target('a')])), ['a:cpu']);
  assert.deepEqual(decided(run([cpuPod('a', [800, 799.9])], [target('a')])), []);
});

test('one hot window, hot–cold–hot, hot–missing–hot and missing–hot do not fire', () => {
  const p3 = { ...policy, windows: 3 };
  const cases: [string, (number | undefined)[], TriggerPolicy, number][] = [
    ['one hot window', [100, 900], policy, 1],
    ['hot then cold', [900, 100], policy, 0],
    ['hot–cold–hot', [900, 100, 900], p3, 1],
    ['hot–missing–hot', [900, undefined, 900], p3, 1],
    ['missing–hot', [undefined, 900], policy, 1],
    ['hot–missing', [900, undefined], policy, 0],
  ];
  for (const [what, cpu, p, streak] of cases) {
    const r = run([cpuPod('a', cpu)], [target('a')], emptyTriggerState(), T0 + 10_000, p);
    assert.deepEqual(r.decisions, [], what);
    assert.deepEqual(r.findings.map((f) => f.streak), streak === 0 ? [] : [streak], what);
    if (streak > 0) assert.equal(r.findings[0].outcome, 'pending', what);
  }
  // Three windows asked for, all hot: fires.
  assert.deepEqual(decided(run([cpuPod('a', [900, 900, 900])], [target('a')], emptyTriggerState(), T0 + 10_000, p3)), ['a:cpu']);
});

test('windows are matched by start time: a source that leaves a window out does not make two far windows consecutive', () => {
  const pod: PodUsage = {
    namespace: 'shop',
    pod: 'a',
    windows: [
      { start: T0 - 3 * MIN, cpuUsage: 900, cpuLimit: 1000 },
      { start: T0 - MIN, cpuUsage: 900, cpuLimit: 1000 },
    ],
  };
  const r = run([pod], [target('a')]);
  assert.deepEqual(r.decisions, []);
  assert.deepEqual(r.findings[0].ratios, [undefined, 0.9]);
});

test('extra older windows from the source are ignored: the streak is over the last `windows` windows', () => {
  const r = run([cpuPod('a', [100, 900, 900]), cpuPod('b', [900, 900, 100])], [target('a'), target('b')]);
  assert.deepEqual(decided(r), ['a:cpu']);
  assert.deepEqual(r.findings.map((f) => f.ratios), [[0.9, 0.9]]);
});

test('memory fires heap and goroutine; both rules at once give all three types', () => {
  const mem = (name: string, cpu: number) => cpuPod(name, [cpu, cpu], T0, { memoryUsage: 900, memoryLimit: 1000 });
  assert.deepEqual(decided(run([mem('m', 100)], [target('m')])), ['m:goroutine', 'm:heap']);
  const both = run([mem('b', 950)], [target('b')]);
  assert.deepEqual(decided(both), ['b:cpu', 'b:goroutine', 'b:heap']);
  assert.equal(both.decisions.find((d) => d.type === 'heap')?.auto.metric, 'memory_usage/memory_limit');
});

test('a pod without a limit is skipped with a reason, or measured against its request when configured', () => {
  const noLimit = cpuPod('n', [900, 900], T0, { cpuLimit: undefined, cpuRequest: 1000 });
  const zeroLimit = cpuPod('z', [900, 900], T0, { cpuLimit: 0 });
  const r = run([noLimit, zeroLimit], [target('n'), target('z')]);
  assert.deepEqual(r.decisions, []);
  assert.deepEqual(r.skipped.map((s) => [s.target.pod, s.reason]), [
    ['n', 'no cpu limit'],
    ['z', 'no cpu limit'],
  ]);
  const withRequest = run([noLimit, zeroLimit], [target('n'), target('z')], emptyTriggerState(), T0 + 10_000, { ...policy, useRequestWhenNoLimit: true });
  assert.deepEqual(decided(withRequest), ['n:cpu']);
  assert.equal(withRequest.decisions[0].auto.metric, 'cpu_usage/cpu_request');
  assert.deepEqual(withRequest.skipped.map((s) => [s.target.pod, s.reason]), [['z', 'no cpu limit or request']]);
});

test('a limit reported in only one window applies to the others; targets without any data are noted', () => {
  const pod: PodUsage = {
    namespace: 'shop',
    pod: 'a',
    windows: [
      { start: T0 - 2 * MIN, cpuUsage: 850 },
      { start: T0 - MIN, cpuUsage: 1800, cpuLimit: 2000 },
    ],
  };
  const r = run([pod], [target('a'), target('silent')]);
  assert.deepEqual(r.findings.map((f) => f.ratios), [[0.425, 0.9]]);
  assert.deepEqual(r.skipped.map((s) => [s.target.pod, s.reason]), [
    ['a', 'no memory data'],
    ['silent', 'no usage data'],
  ]);
  assert.equal(r.podsEvaluated, 1);
});

test('pods that are not targets are ignored', () => {
  const r = run([cpuPod('a', [900, 900]), cpuPod('stranger', [900, 900])], [target('a')]);
  assert.deepEqual(decided(r), ['a:cpu']);
  assert.deepEqual(r.findings.map((f) => f.target.pod), ['a']);
});

test('cooldown: a second qualifying evaluation within 10 minutes does not capture again; after it, it does', () => {
  const first = run([cpuPod('a', [900, 900])], [target('a')]);
  assert.deepEqual(decided(first), ['a:cpu']);
  const later = (minutes: number, state: TriggerState) =>
    run([cpuPod('a', [900, 900], T0 + minutes * MIN)], [target('a')], state, T0 + minutes * MIN + 10_000);
  const within = later(9, first.state);
  assert.deepEqual(decided(within), []);
  assert.equal(within.findings[0].outcome, 'cooldown');
  assert.equal(within.state.cooldowns.size, 1);
  const after = later(10, within.state);
  assert.deepEqual(decided(after), ['a:cpu']);
});

test('cooldowns are per profile type: memory firing later still profiles while cpu cools down', () => {
  const first = run([cpuPod('a', [900, 900])], [target('a')]);
  const both = run([cpuPod('a', [900, 900], T0 + MIN, { memoryUsage: 900 })], [target('a')], first.state, T0 + MIN + 10_000);
  assert.deepEqual(decided(both), ['a:goroutine', 'a:heap']);
  const outcome = Object.fromEntries(both.findings.map((f) => [f.rule, f.outcome]));
  assert.deepEqual(outcome, { 'cpu-over-limit': 'cooldown', 'memory-over-limit': 'captured' });
});

test('the per-workload cap: three hot pods of one Deployment → the two hottest are profiled', () => {
  const pods = [cpuPod('api-1', [900, 900]), cpuPod('api-2', [900, 990]), cpuPod('api-3', [900, 950]), cpuPod('web-1', [900, 900])];
  const targets = [target('api-1'), target('api-2'), target('api-3'), target('web-1', 'web')];
  const r = run(pods, targets);
  assert.deepEqual(decided(r), ['api-2:cpu', 'api-3:cpu', 'web-1:cpu']);
  assert.equal(r.findings.find((f) => f.target.pod === 'api-1')?.outcome, 'workload-cap');
  const e = r.state.episodes.get('shop/api');
  assert.deepEqual(e?.pods, ['api-2', 'api-3']);
  assert.deepEqual(e?.deferred, ['api-1']);
  // Same name, other namespace: another workload.
  const other = run([cpuPod('api-9', [900, 900], T0, {}, 'pay')], [target('api-9', 'api', 'pay')], r.state);
  assert.deepEqual(decided(other), ['api-9:cpu']);
});

test('an episode lasts while the workload has a hot pod, and ends after a window with none (or at its time bound)', () => {
  const targets = [target('api-1'), target('api-2'), target('api-3')];
  const hot = (minute: number, names: string[], state: TriggerState, p: TriggerPolicy = policy) =>
    run(
      targets.map((t) => cpuPod(t.pod, names.includes(t.pod) ? [900, 900] : [100, 100], T0 + minute * MIN)),
      targets,
      state,
      T0 + minute * MIN + 10_000,
      p,
    );
  const first = hot(0, ['api-1', 'api-2'], emptyTriggerState());
  assert.deepEqual(decided(first), ['api-1:cpu', 'api-2:cpu']);
  // api-3 turns hot while the episode is open: capped.
  const capped = hot(1, ['api-1', 'api-3'], first.state);
  assert.deepEqual(decided(capped), []);
  assert.equal(capped.findings.find((f) => f.target.pod === 'api-3')?.outcome, 'workload-cap');
  // A window with no hot pod closes the episode; the next spell starts afresh.
  const calm = hot(2, [], capped.state);
  assert.equal(calm.state.episodes.size, 0);
  assert.deepEqual(decided(hot(3, ['api-3'], calm.state)), ['api-3:cpu']);
  // The time bound (an hour by default): a long spell gives other pods their turn.
  const short = { ...policy, episodeMaxSeconds: 120, cooldownSeconds: 90 };
  const at = (minute: number, cpu: Record<string, number>, state: TriggerState) =>
    run(targets.map((t) => cpuPod(t.pod, [cpu[t.pod], cpu[t.pod]], T0 + minute * MIN)), targets, state, T0 + minute * MIN + 10_000, short);
  const a = at(0, { 'api-1': 900, 'api-2': 900, 'api-3': 850 }, emptyTriggerState());
  assert.deepEqual(decided(a), ['api-1:cpu', 'api-2:cpu']);
  const b = at(1, { 'api-1': 900, 'api-2': 900, 'api-3': 950 }, a.state);
  assert.deepEqual(decided(b), [], 'api-1 and api-2 cool down; api-3 is capped');
  const c = at(2, { 'api-1': 900, 'api-2': 900, 'api-3': 950 }, b.state);
  assert.deepEqual(decided(c), ['api-1:cpu', 'api-3:cpu'], 'a new episode after episodeMaxSeconds, hottest first');
});

test('a pod with every profile in cooldown does not take a place under the cap', () => {
  const targets = [target('api-1'), target('api-2'), target('api-3')];
  const first = run([cpuPod('api-1', [900, 900])], targets);
  // api-1's episode closes (calm window), but its cooldown remains.
  const calm = run(targets.map((t) => cpuPod(t.pod, [100, 100], T0 + MIN)), targets, first.state, T0 + MIN + 10_000);
  assert.equal(calm.state.episodes.size, 0);
  const all = run(targets.map((t) => cpuPod(t.pod, [900, 900], T0 + 2 * MIN)), targets, calm.state, T0 + 2 * MIN + 10_000);
  assert.deepEqual(decided(all), ['api-2:cpu', 'api-3:cpu']);
});

test('pods without a workload are not capped together', () => {
  const targets = ['x', 'y', 'z'].map((p) => target(p, ''));
  assert.equal(run(targets.map((t) => cpuPod(t.pod, [900, 900])), targets).decisions.length, 3);
});

test('releaseCapture gives back the cooldown and the place of a capture that never ran', () => {
  const targets = [target('api-1'), target('api-2'), target('api-3')];
  const r = run(targets.map((t) => cpuPod(t.pod, [900, 900])), targets);
  const d = r.decisions[0];
  const released = releaseCapture(r.state, { ...d.target, type: d.type, until: d.until });
  assert.equal(released.cooldowns.size, 1);
  assert.equal(released.episodes.get('shop/api')?.pods.length, 1);
  const next = run(targets.map((t) => cpuPod(t.pod, [900, 900], T0 + MIN)), targets, released, T0 + MIN + 10_000);
  assert.deepEqual(decided(next), [`${d.target.pod}:cpu`]);
});

test('the default policy is valid; bad policies name each problem', () => {
  assert.deepEqual(triggerPolicyProblems(policy), []);
  const bad = triggerPolicyProblems({
    ...policy,
    windows: 0,
    rules: [
      { name: 'Bad Name', resource: 'disk' as 'cpu', threshold: 0, profiles: [] },
      { name: 'x', resource: 'cpu', threshold: 0.8, profiles: [{ type: 'cpu', seconds: 0 }, { type: 'nope' as 'cpu', seconds: 0 }] },
    ],
  });
  assert.deepEqual(bad, [
    'windows: want a whole number from 1 to 60, got 0',
    "rules[0].name: want lowercase letters, digits, '.', '_', '-'",
    'rules[0].resource: want cpu or memory, got disk',
    'rules[0].threshold: want a ratio greater than 0 (e.g. 0.8), got 0',
    'rules[0].profiles: want at least one profile type',
    'rules[1].profiles[0].seconds: want a whole number from 1 to 3600, got 0',
    'rules[1].profiles[1]: unknown profile type "nope"',
  ]);
});
