/**
 * A global bound on concurrent work with a bounded FIFO queue.
 *
 * A request to profile 1,000 pods must not open 1,000 sockets and hold 1,000
 * profiles in memory at once, and a flood of requests must be refused early
 * (OVERLOADED) instead of queueing without bound. Cancelling a queued job
 * removes it from the queue, so abandoned requests never take a slot.
 */
import { abortError, GopprofError } from '../errors.ts';

/** Options of createConcurrencyLimit. */
export interface ConcurrencyLimitOptions {
  /** How many jobs may wait for a slot; beyond it run() rejects with OVERLOADED. 0 = no queue. */
  readonly maxQueue: number;
}

/** The default options, in one place. */
export const CONCURRENCY_LIMIT_DEFAULTS: ConcurrencyLimitOptions = { maxQueue: 1000 };

/** Runs at most `max` jobs at once; see createConcurrencyLimit. */
export interface ConcurrencyLimit {
  /**
   * Runs `fn(signal)` when a slot is free, in FIFO order. Rejects with
   * OVERLOADED when the queue is full, with the abort reason (ABORTED) when
   * `signal` fires: a queued job is then dropped without running; a running
   * job's caller is released at once while its slot stays taken until `fn`
   * settles, so the bound always holds.
   */
  run<T>(fn: (signal: AbortSignal) => Promise<T>, signal?: AbortSignal): Promise<T>;
  /** Jobs running now. */
  readonly active: number;
  /** Jobs waiting for a slot. */
  readonly queued: number;
}

interface Job {
  readonly start: () => void;
}

/** A signal that never fires, for callers that pass none. */
const NEVER = new AbortController().signal;

/**
 * Creates an independent limit of `max` concurrent jobs. Throws OPTION_INVALID
 * unless `max` is a positive integer and `maxQueue` a non-negative integer.
 */
export function createConcurrencyLimit(max: number, options: Partial<ConcurrencyLimitOptions> = {}): ConcurrencyLimit {
  const { maxQueue } = { ...CONCURRENCY_LIMIT_DEFAULTS, ...options };
  if (!Number.isSafeInteger(max) || max < 1) {
    throw new GopprofError('OPTION_INVALID', `concurrency limit must be a positive integer, got ${String(max)}`);
  }
  if (!Number.isSafeInteger(maxQueue) || maxQueue < 0) {
    throw new GopprofError('OPTION_INVALID', `maxQueue must be a non-negative integer, got ${String(maxQueue)}`);
  }

  let active = 0;
  // A Set iterates in insertion order and deletes in O(1): a FIFO whose
  // middle can be cancelled cheaply.
  const queue = new Set<Job>();

  const release = (): void => {
    active--;
    const next = queue.values().next();
    if (!next.done) {
      queue.delete(next.value);
      next.value.start();
    }
  };

  const run = <T>(fn: (signal: AbortSignal) => Promise<T>, signal?: AbortSignal): Promise<T> => {
    if (signal?.aborted) return Promise.reject(abortError(signal, 'concurrency-limited job'));
    if (active >= max && queue.size >= maxQueue) {
      return Promise.reject(
        new GopprofError('OVERLOADED', `${active} jobs running and ${queue.size} queued: the limit is reached`, {
          details: { max, maxQueue },
        }),
      );
    }
    return new Promise<T>((resolve, reject) => {
      let settled = false;
      const settle = (): boolean => {
        if (settled) return false;
        settled = true;
        signal?.removeEventListener('abort', onAbort);
        return true;
      };
      const job: Job = {
        start: () => {
          active++;
          // The slot is freed before the caller resumes, so `active` is exact when it does.
          Promise.resolve()
            .then(() => fn(signal ?? NEVER))
            .then(
              (value) => {
                release();
                if (settle()) resolve(value);
              },
              (err: unknown) => {
                release();
                if (settle()) reject(err);
              },
            );
        },
      };
      const onAbort = (): void => {
        // A queued job leaves the queue; a running one keeps its slot until fn settles.
        queue.delete(job);
        if (settle()) reject(abortError(signal as AbortSignal, 'concurrency-limited job'));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      if (active < max) job.start();
      else queue.add(job);
    });
  };

  return {
    run,
    get active() {
      return active;
    },
    get queued() {
      return queue.size;
    },
  };
}
