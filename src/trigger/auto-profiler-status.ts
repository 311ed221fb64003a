/**
 * What the auto-profiler shows about itself (GetAutoProfilerStatus): when it
 * last evaluated and how long that took, whether the metrics source answers,
 * which pods are hot and what was done about them, active cooldowns, pods it
 * cannot judge and why, and the per-workload caps in force. Plain data with
 * ISO 8601 times, like the capture records; built from the latest evaluation
 * and the current state.
 */
import type { Resource } from '../metrics/index.ts';
import type { ProfileType } from '../targets/index.ts';
import type { EvaluationResult, FindingOutcome } from './evaluate-rules.ts';
import type { TriggerPolicy } from './trigger-policy.ts';
import type { TriggerState } from './trigger-state.ts';
import type { RatioBasis } from './window-ratios.ts';

/** A pod above a rule's threshold in the latest window. */
export interface HotPodStatus {
  readonly targetId: string;
  readonly namespace: string;
  readonly pod: string;
  readonly workload: string;
  readonly rule: string;
  readonly resource: Resource;
  readonly basis: RatioBasis;
  readonly threshold: number;
  /** Consecutive hot windows ending with the latest one. */
  readonly streak: number;
  /** One per window, oldest first; a missing ratio is a window without data. */
  readonly windows: readonly { readonly start: string; readonly ratio?: number }[];
  readonly outcome: FindingOutcome;
}

export interface CooldownStatus {
  readonly namespace: string;
  readonly pod: string;
  readonly type: ProfileType;
  readonly until: string;
}

export interface SkippedPodStatus {
  readonly targetId: string;
  readonly namespace: string;
  readonly pod: string;
  readonly reason: string;
}

/** A workload's open episode and its cap. */
export interface EpisodeStatus {
  readonly namespace: string;
  readonly workload: string;
  readonly startedAt: string;
  /** The episode ends at this time at the latest. */
  readonly endsBy: string;
  readonly maxPods: number;
  /** Pods profiled in this episode. */
  readonly profiledPods: readonly string[];
  /** Pods that fired in the latest evaluation but were left out by the cap. */
  readonly deferredPods: readonly string[];
}

export interface AutoProfilerStatus {
  /** True when the service runs an auto-profiler (this object exists only then). */
  readonly enabled: boolean;
  /** True between start() and stop(). */
  readonly running: boolean;
  /** The metrics source, as it describes itself (never a secret). */
  readonly source: string;
  readonly windowSeconds: number;
  readonly windows: number;
  readonly rules: readonly { readonly name: string; readonly resource: Resource; readonly threshold: number; readonly profiles: readonly ProfileType[] }[];
  readonly evaluations: number;
  /** The latest evaluation, successful or not. */
  readonly lastEvaluation?: {
    readonly at: string;
    readonly durationMs: number;
    /** End of the latest window it looked at. */
    readonly windowEnd: string;
    readonly ok: boolean;
  };
  readonly lastSuccessAt?: string;
  /** The latest metrics-source error, kept after recovery (compare its time with lastSuccessAt). */
  readonly lastError?: { readonly code: string; readonly message: string; readonly at: string };
  /** Evaluations failed in a row; 0 when the latest one succeeded. */
  readonly consecutiveFailures: number;
  /** Pods in the latest successful evaluation (those the source returned that are targets). */
  readonly podsEvaluated: number;
  readonly hotPods: readonly HotPodStatus[];
  readonly cooldowns: readonly CooldownStatus[];
  readonly skippedPods: readonly SkippedPodStatus[];
  readonly episodes: readonly EpisodeStatus[];
}

/** The loop's own bookkeeping that the status shows besides the evaluation. */
export interface LoopRecord {
  readonly running: boolean;
  readonly source: string;
  readonly evaluations: number;
  readonly lastEvaluation?: AutoProfilerStatus['lastEvaluation'];
  readonly lastSuccessAt?: string;
  readonly lastError?: AutoProfilerStatus['lastError'];
  readonly consecutiveFailures: number;
  readonly podsEvaluated: number;
}

const iso = (ms: number) => new Date(ms).toISOString();

/** Builds the status; cooldowns that ended by `now` are left out. */
export function autoProfilerStatus(
  policy: TriggerPolicy,
  loop: LoopRecord,
  last: EvaluationResult | undefined,
  state: TriggerState,
  now: number,
): AutoProfilerStatus {
  const starts = last?.windowStarts ?? [];
  return {
    enabled: true,
    ...loop,
    windowSeconds: policy.windowSeconds,
    windows: policy.windows,
    rules: policy.rules.map((r) => ({ name: r.name, resource: r.resource, threshold: r.threshold, profiles: r.profiles.map((p) => p.type) })),
    hotPods: (last?.findings ?? []).map((f) => ({
      targetId: f.target.targetId,
      namespace: f.target.namespace,
      pod: f.target.pod,
      workload: f.target.workload,
      rule: f.rule,
      resource: f.resource,
      basis: f.basis,
      threshold: f.threshold,
      streak: f.streak,
      windows: f.ratios.map((ratio, i) => (ratio === undefined ? { start: iso(starts[i]) } : { start: iso(starts[i]), ratio })),
      outcome: f.outcome,
    })),
    cooldowns: [...state.cooldowns.values()]
      .filter((c) => c.until > now)
      .sort((a, b) => a.until - b.until || (a.pod < b.pod ? -1 : 1))
      .map((c) => ({ namespace: c.namespace, pod: c.pod, type: c.type, until: iso(c.until) })),
    skippedPods: (last?.skipped ?? []).map((s) => ({
      targetId: s.target.targetId,
      namespace: s.target.namespace,
      pod: s.target.pod,
      reason: s.reason,
    })),
    episodes: [...state.episodes.values()].map((e) => ({
      namespace: e.namespace,
      workload: e.workload,
      startedAt: iso(e.startedAt),
      endsBy: iso(e.startedAt + policy.episodeMaxSeconds * 1000),
      maxPods: policy.maxPodsPerWorkload,
      profiledPods: e.pods,
      deferredPods: e.deferred,
    })),
  };
}
