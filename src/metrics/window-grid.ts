/**
 * The windows one evaluation asks for, computed and checked once so every
 * source buckets time the same way: `count` windows of `windowSeconds`, the
 * last one ending at `end` (exclusive). Windows are aligned to `end`; when a
 * caller passes an `end` that is not a multiple of the window length, sources
 * shift their buckets by `offsetMs` instead of moving `end`.
 */
import { GopprofError } from '../errors.ts';
import type { UsageQuery } from './usage-source.ts';

/** The checked geometry of a UsageQuery. */
export interface WindowGrid {
  /** Start of the first window (inclusive), ms since the epoch. */
  readonly start: number;
  /** End of the last window (exclusive), ms since the epoch. */
  readonly end: number;
  readonly windowMs: number;
  readonly count: number;
  /** `end` modulo the window length: the bucket offset from the epoch. */
  readonly offsetMs: number;
}

/** The largest number of windows one query may ask for (a day of minutes). */
export const MAX_WINDOWS = 1440;
/** The longest window: a day. */
export const MAX_WINDOW_SECONDS = 86_400;

/** Checks `q` and returns its windows; OPTION_INVALID names every problem. */
export function windowGrid(q: UsageQuery): WindowGrid {
  const problems: string[] = [];
  if (!Number.isSafeInteger(q.end) || q.end < 0) problems.push(`end must be a non-negative integer of ms, got ${String(q.end)}`);
  if (!Number.isInteger(q.windowSeconds) || q.windowSeconds < 1 || q.windowSeconds > MAX_WINDOW_SECONDS) {
    problems.push(`windowSeconds must be an integer from 1 to ${MAX_WINDOW_SECONDS}, got ${String(q.windowSeconds)}`);
  }
  if (!Number.isInteger(q.count) || q.count < 1 || q.count > MAX_WINDOWS) {
    problems.push(`count must be an integer from 1 to ${MAX_WINDOWS}, got ${String(q.count)}`);
  }
  if (!Array.isArray(q.namespaces) || q.namespaces.some((ns) => typeof ns !== 'string' || ns === '')) {
    problems.push('namespaces must be a list of non-empty strings');
  }
  if (problems.length === 0 && q.end - q.windowSeconds * 1000 * q.count < 0) {
    problems.push('the first window would start before the epoch');
  }
  if (problems.length > 0) {
    throw new GopprofError('OPTION_INVALID', `usage query: ${problems.join('; ')}`, { details: { option: 'query' } });
  }
  const windowMs = q.windowSeconds * 1000;
  return { start: q.end - windowMs * q.count, end: q.end, windowMs, count: q.count, offsetMs: q.end % windowMs };
}
