/**
 * Time for the auto-profiler, injected so tests move it by hand instead of
 * waiting minutes, and the window arithmetic the loop schedules by.
 */

/** The auto-profiler's clock and timers. */
export interface AutoProfilerClock {
  /** ms since the epoch. */
  now(): number;
  /** Calls `fn` after `ms`; returns a handle for clearTimeout. */
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** The real clock; its timers do not keep the process alive on their own. */
export const SYSTEM_AUTO_PROFILER_CLOCK: AutoProfilerClock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms).unref(),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/**
 * The end of the latest window that is complete at `now` once `lateMs` have
 * been allowed for late data: windows are aligned to their length, as the
 * metrics sources group them.
 */
export function latestWindowEnd(now: number, windowMs: number, lateMs: number): number {
  return Math.floor((now - lateMs) / windowMs) * windowMs;
}

/** ms from `now` until the next window is complete (its end plus `lateMs`); never negative. */
export function delayUntilNextWindow(now: number, windowMs: number, lateMs: number): number {
  return Math.max(0, latestWindowEnd(now, windowMs, lateMs) + windowMs + lateMs - now);
}

/**
 * Resolves true if `promise` has not settled after `ms` on `clock`, false
 * once it settles first. Never rejects.
 */
export async function timedOut(clock: AutoProfilerClock, promise: Promise<unknown>, ms: number): Promise<boolean> {
  let handle: unknown;
  const timeout = new Promise<true>((resolve) => {
    handle = clock.setTimeout(() => resolve(true), ms);
  });
  try {
    return await Promise.race([promise.then(
      () => false,
      () => false,
    ), timeout]);
  } finally {
    clock.clearTimeout(handle);
  }
}
