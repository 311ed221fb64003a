/**
 * The auto-profiler: profiles pods whose CPU or memory usage stays near their
 * limit, from usage windows a metrics source reports, with cooldowns and a
 * per-workload cap. Everything outside src/trigger/ imports from here.
 */
export {
  type AutoProfiler,
  type AutoProfilerConfig,
  type AutoProfilerOptions,
  createAutoProfiler,
  type EvaluationReport,
} from './auto-profiler.ts';
export {
  type AutoProfilerClock,
  delayUntilNextWindow,
  latestWindowEnd,
  SYSTEM_AUTO_PROFILER_CLOCK,
} from './auto-profiler-clock.ts';
export type {
  AutoProfilerStatus,
  CooldownStatus,
  EpisodeStatus,
  HotPodStatus,
  SkippedPodStatus,
} from './auto-profiler-status.ts';
export {
  type CaptureDecision,
  type EvaluationInput,
  type EvaluationResult,
  evaluateRules,
  type Finding,
  type FindingOutcome,
  type PodTarget,
  type SkippedPod,
} from './evaluate-rules.ts';
export {
  checkTriggerPolicy,
  DEFAULT_RULES,
  DEFAULT_TRIGGER_POLICY,
  type ProfileSpec,
  type TriggerPolicy,
  type TriggerRule,
  triggerPolicyProblems,
} from './trigger-policy.ts';
export { type Cooldown, emptyTriggerState, type Episode, releaseCapture, type TriggerState } from './trigger-state.ts';
export type { RatioBasis } from './window-ratios.ts';
