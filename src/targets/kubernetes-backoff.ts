/**
 * How long to wait before restarting a failed informer: exponential, capped,
 * with jitter, so many replicas of the service (or many namespaces) that lose
 * the API server together do not come back in lockstep and storm it.
 */

/** The restart schedule. */
export interface BackoffOptions {
  /** The first delay's ceiling. */
  readonly baseMs: number;
  /** No delay exceeds this. */
  readonly maxMs: number;
}

/**
 * The delay before restart number `attempt` (1 for the first): a ceiling of
 * `baseMs · 2^(attempt-1)` capped at `maxMs`, then "equal jitter" — half the
 * ceiling fixed, half random — so a delay is never near zero.
 */
export function backoffDelay(attempt: number, options: BackoffOptions, random: () => number = Math.random): number {
  const exponent = Math.min(Math.max(0, attempt - 1), 30);
  const ceiling = Math.min(options.maxMs, options.baseMs * 2 ** exponent);
  return ceiling / 2 + (random() * ceiling) / 2;
}
