/**
 * One evaluation of the auto-profiler's rules, as a pure function of (usage,
 * state, now) → (decisions, new state, what was found), so every edge of the
 * rules is testable without timers, a metrics server or a cluster.
 *
 * A rule fires for a pod when its usage / limit ratio is at or above the
 * threshold in each of the last `windows` windows (a window without data is
 * a gap: hot–missing–hot is not two consecutive). A firing pod gets the
 * rule's profiles except those in cooldown; a workload (Deployment,
 * StatefulSet…) gets at most maxPodsPerWorkload distinct pods profiled per
 * episode, the hottest first (see Episode).
 */
import type { AutoTriggerInfo } from '../capture/index.ts';
import type { PodUsage, Resource } from '../metrics/index.ts';
import type { ProfileType } from '../targets/index.ts';
import type { TriggerPolicy, TriggerRule } from './trigger-policy.ts';
import { type Cooldown, cooldownKey, type Episode, type TriggerState, workloadKey } from './trigger-state.ts';
import { alignWindows, type RatioBasis, trailingStreak, windowRatios } from './window-ratios.ts';

/** A pod the service can profile, as the evaluation sees it. */
export interface PodTarget {
  readonly targetId: string;
  readonly namespace: string;
  readonly pod: string;
  /** '' when the pod has no owning workload. */
  readonly workload: string;
}

export interface EvaluationInput {
  readonly usage: readonly PodUsage[];
  /** The pods that are targets (already restricted to the watched namespaces). Usage of other pods is ignored. */
  readonly targets: readonly PodTarget[];
  /** End (exclusive, ms) of the latest window; a multiple of the window length. */
  readonly windowEnd: number;
  /** ms since the epoch; cooldowns and episodes are timed by it. */
  readonly now: number;
}

/** A capture to take. */
export interface CaptureDecision {
  readonly target: PodTarget;
  readonly type: ProfileType;
  readonly seconds: number;
  readonly auto: AutoTriggerInfo;
  /** The cooldown this decision set (ms), so a capture that never ran can release it. */
  readonly until: number;
}

/** What happened to a pod that is hot in the latest window. */
export type FindingOutcome =
  /** Not yet enough consecutive hot windows. */
  | 'pending'
  /** Profiles were decided. */
  | 'captured'
  /** Every profile of the rule is in cooldown. */
  | 'cooldown'
  /** Its workload already had its cap of pods profiled in this episode. */
  | 'workload-cap';

/** A pod hot in the latest window for one rule. */
export interface Finding {
  readonly target: PodTarget;
  readonly rule: string;
  readonly resource: Resource;
  readonly basis: RatioBasis;
  readonly threshold: number;
  /** Consecutive hot windows ending with the latest one. */
  readonly streak: number;
  /** One per window, oldest first; undefined where there was no data. */
  readonly ratios: readonly (number | undefined)[];
  readonly outcome: FindingOutcome;
}

/** A target the rules could not judge, and why (e.g. `no cpu limit`). */
export interface SkippedPod {
  readonly target: PodTarget;
  readonly reason: string;
}

export interface EvaluationResult {
  readonly decisions: readonly CaptureDecision[];
  /** Hot pods, hottest first. */
  readonly findings: readonly Finding[];
  readonly skipped: readonly SkippedPod[];
  /** Window start times (ms), oldest first: the grid every ratio is on. */
  readonly windowStarts: readonly number[];
  /** Targets the source had usage for. */
  readonly podsEvaluated: number;
  readonly state: TriggerState;
}

interface Firing {
  readonly rule: TriggerRule;
  readonly basis: RatioBasis;
  readonly ratios: readonly number[];
  readonly findingIndex: number;
}

interface Candidate {
  readonly target: PodTarget;
  readonly firings: Firing[];
  peak: number;
}

const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Evaluates every rule over `input.usage`; see the file comment. */
export function evaluateRules(policy: TriggerPolicy, state: TriggerState, input: EvaluationInput): EvaluationResult {
  const windowMs = policy.windowSeconds * 1000;
  const windowStarts = Array.from({ length: policy.windows }, (_, i) => input.windowEnd - (policy.windows - i) * windowMs);
  const targets = new Map<string, PodTarget>();
  for (const t of input.targets) targets.set(`${t.namespace}/${t.pod}`, t);

  const findings: Finding[] = [];
  const outcomes: FindingOutcome[] = [];
  const skipped: SkippedPod[] = [];
  const candidates: Candidate[] = [];
  /** Workloads with at least one pod hot in the latest window. */
  const hotWorkloads = new Set<string>();
  const seen = new Set<string>();

  for (const pod of input.usage) {
    const key = `${pod.namespace}/${pod.pod}`;
    const target = targets.get(key);
    if (target === undefined || seen.has(key)) continue;
    seen.add(key);
    const windows = alignWindows(pod, windowStarts);
    const reasons: string[] = [];
    let candidate: Candidate | undefined;
    for (const rule of policy.rules) {
      const r = windowRatios(windows, rule.resource, policy.useRequestWhenNoLimit);
      if ('skip' in r) {
        if (!reasons.includes(r.skip)) reasons.push(r.skip);
        continue;
      }
      const streak = trailingStreak(r.ratios, rule.threshold);
      if (streak === 0) continue;
      hotWorkloads.add(workloadKey(target.namespace, target.workload));
      findings.push({ target, rule: rule.name, resource: rule.resource, basis: r.basis, threshold: rule.threshold, streak, ratios: r.ratios, outcome: 'pending' });
      outcomes.push('pending');
      if (streak < policy.windows) continue;
      const ratios = r.ratios as readonly number[];
      candidate ??= { target, firings: [], peak: 0 };
      candidate.firings.push({ rule, basis: r.basis, ratios, findingIndex: findings.length - 1 });
      candidate.peak = Math.max(candidate.peak, ratios[ratios.length - 1] / rule.threshold);
    }
    if (candidate) candidates.push(candidate);
    if (reasons.length > 0) skipped.push({ target, reason: reasons.join('; ') });
  }
  // Targets the source knows nothing about are worth a note: a name mismatch looks exactly like this.
  for (const t of input.targets) {
    if (!seen.has(`${t.namespace}/${t.pod}`)) skipped.push({ target: t, reason: 'no usage data' });
  }

  // Cooldowns that ended are dropped; episodes of workloads no longer hot, or past their time bound, close.
  const cooldowns = new Map<string, Cooldown>();
  for (const [k, c] of state.cooldowns) if (c.until > input.now) cooldowns.set(k, c);
  const episodes = new Map<string, Episode>();
  for (const [k, e] of state.episodes) {
    if (hotWorkloads.has(k) && input.now - e.startedAt < policy.episodeMaxSeconds * 1000) episodes.set(k, { ...e, deferred: [] });
  }

  // The hottest pods (relative to their threshold) get the workload's places first.
  candidates.sort((a, b) => b.peak - a.peak || byName(a.target.namespace, b.target.namespace) || byName(a.target.pod, b.target.pod));
  const until = input.now + policy.cooldownSeconds * 1000;
  const decisions: CaptureDecision[] = [];
  for (const c of candidates) {
    const { namespace, pod, workload } = c.target;
    const wanted: { firing: Firing; type: ProfileType; seconds: number }[] = [];
    for (const firing of c.firings) {
      for (const spec of firing.rule.profiles) {
        if (cooldowns.has(cooldownKey(namespace, pod, spec.type)) || wanted.some((w) => w.type === spec.type)) continue;
        wanted.push({ firing, type: spec.type, seconds: spec.seconds });
      }
    }
    const set = (i: number, o: FindingOutcome) => {
      outcomes[i] = o;
    };
    if (wanted.length === 0) {
      for (const f of c.firings) set(f.findingIndex, 'cooldown');
      continue;
    }
    const wk = workloadKey(namespace, workload);
    if (wk !== '') {
      const e = episodes.get(wk) ?? { namespace, workload, startedAt: input.now, pods: [], deferred: [] };
      if (!e.pods.includes(pod)) {
        if (e.pods.length >= policy.maxPodsPerWorkload) {
          episodes.set(wk, { ...e, deferred: [...e.deferred, pod] });
          for (const f of c.firings) set(f.findingIndex, 'workload-cap');
          continue;
        }
        episodes.set(wk, { ...e, pods: [...e.pods, pod] });
      }
    }
    for (const f of c.firings) set(f.findingIndex, wanted.some((w) => w.firing === f) ? 'captured' : 'cooldown');
    for (const w of wanted) {
      cooldowns.set(cooldownKey(namespace, pod, w.type), { namespace, pod, type: w.type, until });
      decisions.push({
        target: c.target,
        type: w.type,
        seconds: w.seconds,
        until,
        auto: {
          rule: w.firing.rule.name,
          metric: `${w.firing.rule.resource}_usage/${w.firing.rule.resource}_${w.firing.basis}`,
          threshold: w.firing.rule.threshold,
          values: w.firing.ratios,
          windows: windowStarts.map((s) => new Date(s).toISOString()),
        },
      });
    }
  }

  const out = findings.map((f, i) => (outcomes[i] === f.outcome ? f : { ...f, outcome: outcomes[i] }));
  out.sort(
    (a, b) =>
      (b.ratios[b.ratios.length - 1] ?? 0) / b.threshold - (a.ratios[a.ratios.length - 1] ?? 0) / a.threshold ||
      byName(a.target.namespace, b.target.namespace) ||
      byName(a.target.pod, b.target.pod),
  );
  return { decisions, findings: out, skipped, windowStarts, podsEvaluated: seen.size, state: { cooldowns, episodes } };
}
