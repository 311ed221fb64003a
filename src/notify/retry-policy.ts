/**
 * When to try a failed delivery again: exponential backoff with jitter (so
 * many deliveries failing together do not retry together), and a 429's
 * Retry-After when the receiver says how long to wait.
 */

export interface BackoffPolicy {
  readonly initialMs: number;
  readonly maxMs: number;
}

/**
 * The wait after failed attempt `attempt` (1-based): initial × 2^(attempt−1),
 * capped at max, then scaled into [50%, 100%] by `random` ("equal jitter":
 * spread out, yet never retrying at once).
 */
export function backoffDelayMs(attempt: number, policy: BackoffPolicy, random: () => number): number {
  const base = Math.min(policy.maxMs, policy.initialMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(base * (0.5 + 0.5 * Math.min(1, Math.max(0, random()))));
}

/**
 * A Retry-After header (delay-seconds or an HTTP date) as milliseconds from
 * `nowMs`; undefined when absent or unreadable. Never negative.
 */
export function parseRetryAfter(value: string | null | undefined, nowMs: number): number | undefined {
  if (value === null || value === undefined) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  if (/^\d+\.\d+$/.test(text)) return Math.round(Number(text) * 1000);
  // An HTTP date names its weekday and month; Date.parse alone would take '-5' as a year.
  if (!/^[A-Za-z]{3}, /.test(text)) return undefined;
  const at = Date.parse(text);
  return Number.isFinite(at) ? Math.max(0, at - nowMs) : undefined;
}
