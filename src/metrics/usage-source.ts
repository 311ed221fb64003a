/**
 * Where the auto-profiler reads pod resource usage from: InfluxDB (heapster's
 * schema, via InfluxQL or Flux) or Prometheus (cAdvisor + kube-state-metrics).
 * Every source answers ONE query per evaluation for all pods, grouped by pod
 * and by fixed windows, in these plain types.
 */

/** The resources a rule can watch. */
export type Resource = 'cpu' | 'memory';

/** One window of one pod. A value is undefined when the source had no data for it. */
export interface UsageWindow {
  /** Window start (inclusive), ms since the epoch; windows are aligned to their length. */
  readonly start: number;
  /** CPU usage in millicores (mean over the window). */
  readonly cpuUsage?: number;
  /** CPU limit in millicores (0 or undefined: no limit). */
  readonly cpuLimit?: number;
  /** CPU request in millicores (for rules configured to use requests when there is no limit). */
  readonly cpuRequest?: number;
  /** Memory usage in bytes (working set where the source has it, else usage). */
  readonly memoryUsage?: number;
  readonly memoryLimit?: number;
  readonly memoryRequest?: number;
}

/** The usage series of one pod, windows oldest first, all the same length. */
export interface PodUsage {
  readonly namespace: string;
  readonly pod: string;
  readonly windows: readonly UsageWindow[];
}

/** What to ask for: `count` consecutive windows of `windowSeconds` ending at `end` (exclusive). */
export interface UsageQuery {
  /** End of the last window, ms since the epoch, aligned down to `windowSeconds` by the caller. */
  readonly end: number;
  readonly windowSeconds: number;
  readonly count: number;
  /** Restrict to these namespaces; empty = all. */
  readonly namespaces: readonly string[];
}

/** A metrics backend. Errors are GopprofError METRICS_UNAVAILABLE (unreachable, bad answer). */
export interface UsageSource {
  /** One query for all pods. */
  query(q: UsageQuery, signal?: AbortSignal): Promise<readonly PodUsage[]>;
  /** One line for logs and status; never contains a secret. */
  describe(): string;
}
