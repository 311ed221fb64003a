/**
 * What the auto-profiler watches for and what it does about it: rules (a
 * resource, a threshold on usage / limit, the profiles to take) and the
 * policy around them (window length, how many consecutive hot windows fire,
 * cooldowns, the per-workload cap). Plain data, checked once by
 * checkTriggerPolicy so the evaluation itself never meets a bad value.
 */
import { GopprofError } from '../errors.ts';
import type { Resource } from '../metrics/index.ts';
import { isProfileType, type ProfileType } from '../targets/index.ts';

/** One profile a rule takes when it fires. */
export interface ProfileSpec {
  readonly type: ProfileType;
  /** As CaptureRequest.seconds: the CPU profile's duration; 0 = a snapshot for the other types. */
  readonly seconds: number;
}

/** A rule: `resource` usage / limit ≥ `threshold` in enough consecutive windows fires `profiles`. */
export interface TriggerRule {
  /** Recorded in AutoTriggerInfo.rule, e.g. `cpu-over-limit`. */
  readonly name: string;
  readonly resource: Resource;
  /** A ratio of usage to limit (or request), e.g. 0.8. */
  readonly threshold: number;
  readonly profiles: readonly ProfileSpec[];
}

/** Everything the evaluation needs besides the usage itself. */
export interface TriggerPolicy {
  readonly rules: readonly TriggerRule[];
  /** Length of one window; usage is averaged per window. */
  readonly windowSeconds: number;
  /** Consecutive hot windows (ending with the latest complete one) that fire a rule. */
  readonly windows: number;
  /** A pod without a limit is measured against its request instead of being skipped. */
  readonly useRequestWhenNoLimit: boolean;
  /** After a pod is profiled automatically with a type, it is not again with that type for this long. */
  readonly cooldownSeconds: number;
  /** Distinct pods of one workload profiled per episode (see evaluateRules). */
  readonly maxPodsPerWorkload: number;
  /** An episode ends after this long even if the workload stays hot, so a few other pods get their turn. */
  readonly episodeMaxSeconds: number;
}

/** The default rules: CPU near its limit → a CPU profile; memory near its limit → heap and goroutine profiles. */
export const DEFAULT_RULES: readonly TriggerRule[] = [
  { name: 'cpu-over-limit', resource: 'cpu', threshold: 0.8, profiles: [{ type: 'cpu', seconds: 30 }] },
  {
    name: 'memory-over-limit',
    resource: 'memory',
    threshold: 0.8,
    profiles: [
      { type: 'heap', seconds: 0 },
      { type: 'goroutine', seconds: 0 },
    ],
  },
];

/** Two consecutive one-minute windows, 10-minute cooldowns, two pods per workload per episode of at most an hour. */
export const DEFAULT_TRIGGER_POLICY: TriggerPolicy = {
  rules: DEFAULT_RULES,
  windowSeconds: 60,
  windows: 2,
  useRequestWhenNoLimit: false,
  cooldownSeconds: 600,
  maxPodsPerWorkload: 2,
  episodeMaxSeconds: 3600,
};

/** Every problem of `p`, each naming its field; empty when the policy is usable. */
export function triggerPolicyProblems(p: TriggerPolicy): string[] {
  const problems: string[] = [];
  const whole = (key: string, n: number, min: number, max: number) => {
    if (!Number.isInteger(n) || n < min || n > max) problems.push(`${key}: want a whole number from ${min} to ${max}, got ${n}`);
  };
  whole('windowSeconds', p.windowSeconds, 1, 86400);
  whole('windows', p.windows, 1, 60);
  whole('cooldownSeconds', p.cooldownSeconds, 0, 7 * 86400);
  whole('maxPodsPerWorkload', p.maxPodsPerWorkload, 1, 10000);
  whole('episodeMaxSeconds', p.episodeMaxSeconds, 1, 7 * 86400);
  const names = new Set<string>();
  p.rules.forEach((r, i) => {
    const key = `rules[${i}]`;
    if (!/^[a-z0-9][a-z0-9._-]{0,62}$/.test(r.name)) problems.push(`${key}.name: want lowercase letters, digits, '.', '_', '-'`);
    else if (names.has(r.name)) problems.push(`${key}.name: "${r.name}" is used twice`);
    else names.add(r.name);
    if (r.resource !== 'cpu' && r.resource !== 'memory') problems.push(`${key}.resource: want cpu or memory, got ${String(r.resource)}`);
    if (!(Number.isFinite(r.threshold) && r.threshold > 0 && r.threshold <= 100)) {
      problems.push(`${key}.threshold: want a ratio greater than 0 (e.g. 0.8), got ${r.threshold}`);
    }
    if (r.profiles.length === 0) problems.push(`${key}.profiles: want at least one profile type`);
    const types = new Set<string>();
    r.profiles.forEach((s, j) => {
      if (!isProfileType(s.type)) problems.push(`${key}.profiles[${j}]: unknown profile type ${JSON.stringify(s.type)}`);
      else if (types.has(s.type)) problems.push(`${key}.profiles[${j}]: ${s.type} is listed twice`);
      types.add(s.type);
      whole(`${key}.profiles[${j}].seconds`, s.seconds, s.type === 'cpu' ? 1 : 0, 3600);
    });
  });
  return problems;
}

/** Returns `p` if usable; throws OPTION_INVALID listing every problem otherwise. */
export function checkTriggerPolicy(p: TriggerPolicy): TriggerPolicy {
  const problems = triggerPolicyProblems(p);
  if (problems.length > 0) {
    throw new GopprofError('OPTION_INVALID', `invalid auto-profiler policy: ${problems.join('; ')}`, {
      details: { problems: problems.length },
    });
  }
  return p;
}
