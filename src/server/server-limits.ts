/**
 * The bounds the gRPC API enforces on requests, with their defaults in one
 * place. main.ts fills them from the configuration (`capture.defaultSeconds`,
 * `capture.maxSeconds`, `capture.maxGroupSize`); tests pass small values.
 */
import { GopprofError } from '../errors.ts';

/** Bounds on requests, and how long stopping may take. */
export interface ServerLimits {
  /** Sampling duration of a cpu profile when the request says 0. */
  readonly defaultSeconds: number;
  /** Largest `seconds` accepted, for cpu and delta profiles alike. */
  readonly maxSeconds: number;
  /** Largest group ProfilePods may address; also the default `max_targets`. */
  readonly maxGroupSize: number;
  /** Captures ProfilePods runs at once when the request says 0. */
  readonly defaultConcurrency: number;
  /** Largest concurrency a ProfilePods request may ask for. */
  readonly maxConcurrency: number;
  /** ListCaptures page size when the request says 0. */
  readonly defaultPageSize: number;
  /** Largest ListCaptures page; larger requests are lowered to it (AIP-158). */
  readonly maxPageSize: number;
  /** Longest focus/ignore/hide/show/sample_index string, label selector or id accepted. */
  readonly maxStringLength: number;
  /** How long stop() lets in-flight calls finish before cancelling them. */
  readonly stopGraceMs: number;
  /** How long stop() waits for cancelled calls to send their status before closing connections. */
  readonly stopForceMs: number;
}

/** The defaults: pprof's 30 s cpu profile, at most 5 minutes, groups of at most 100. */
export const DEFAULT_SERVER_LIMITS: ServerLimits = Object.freeze({
  defaultSeconds: 30,
  maxSeconds: 300,
  maxGroupSize: 100,
  defaultConcurrency: 4,
  maxConcurrency: 16,
  defaultPageSize: 50,
  maxPageSize: 1000,
  maxStringLength: 1024,
  stopGraceMs: 10_000,
  stopForceMs: 1_000,
});

/**
 * Merges `partial` over the defaults and checks the result, so a bad limit is
 * reported once at start-up (CONFIG_INVALID naming every problem) rather than
 * showing up as odd request failures.
 */
export function resolveServerLimits(partial: Partial<ServerLimits> = {}): ServerLimits {
  const limits: ServerLimits = { ...DEFAULT_SERVER_LIMITS, ...partial };
  const problems: string[] = [];
  for (const [name, value] of Object.entries(limits)) {
    const min = name.startsWith('stop') ? 0 : 1;
    if (!Number.isSafeInteger(value) || value < min) problems.push(`${name} must be an integer >= ${min}, got ${value}`);
  }
  if (limits.defaultSeconds > limits.maxSeconds) problems.push('defaultSeconds must not exceed maxSeconds');
  if (limits.defaultConcurrency > limits.maxConcurrency) problems.push('defaultConcurrency must not exceed maxConcurrency');
  if (limits.defaultPageSize > limits.maxPageSize) problems.push('defaultPageSize must not exceed maxPageSize');
  if (problems.length > 0) {
    throw new GopprofError('CONFIG_INVALID', `invalid gRPC server limits: ${problems.join('; ')}`);
  }
  return Object.freeze(limits);
}
