/**
 * Joins concurrent calls for the same key onto one piece of work.
 *
 * Go serves one CPU profile at a time per process: if 50 people ask for the
 * same pod's CPU profile at once, 49 of them would get "cpu profiling already
 * in use". With single-flight they all wait for the one fetch and share its
 * result. Nothing is cached: once the work settles, the next call starts anew.
 *
 * Cancellation is per caller: each caller may stop waiting with its own signal;
 * the shared work is aborted only when every caller waiting on it has gone.
 */
import { abortError, GopprofError } from '../errors.ts';

/** Runs at most one `fn` per key at a time; see createSingleFlight. */
export interface SingleFlight<K, V> {
  /**
   * Runs `fn(signal)` for `key`, or joins the run already in flight for it.
   * Every joined caller gets the same value or the same error. `signal`
   * withdraws only this caller; `fn`'s signal aborts once all have withdrawn.
   */
  run(key: K, fn: (signal: AbortSignal) => Promise<V>, signal?: AbortSignal): Promise<V>;
  /** True while work for `key` is in flight (and not abandoned by all its callers). */
  has(key: K): boolean;
  /** How many keys have work in flight. */
  readonly size: number;
}

interface Flight<V> {
  readonly promise: Promise<V>;
  readonly controller: AbortController;
  waiters: number;
}

/** Creates an independent single-flight group (no shared module state). */
export function createSingleFlight<K, V>(): SingleFlight<K, V> {
  const flights = new Map<K, Flight<V>>();

  const start = (key: K, fn: (signal: AbortSignal) => Promise<V>): Flight<V> => {
    const controller = new AbortController();
    // fn starts on the next microtask, once the flight is registered, so that a
    // synchronous throw becomes a rejection and a re-entrant run() joins it.
    const promise = Promise.resolve().then(() => fn(controller.signal));
    const flight: Flight<V> = { promise, controller, waiters: 0 };
    const forget = (): void => {
      if (flights.get(key) === flight) flights.delete(key);
    };
    // The catch also keeps a rejection nobody waits for any more from going unhandled.
    promise.then(forget, forget);
    flights.set(key, flight);
    return flight;
  };

  const wait = (key: K, flight: Flight<V>, signal: AbortSignal | undefined): Promise<V> => {
    flight.waiters++;
    if (!signal) return flight.promise;
    return new Promise<V>((resolve, reject) => {
      const onAbort = (): void => {
        flight.waiters--;
        reject(abortError(signal, 'single-flight wait'));
        if (flight.waiters === 0) {
          // Nobody is left: stop the work, and let the next caller start fresh
          // rather than join work that is being torn down.
          if (flights.get(key) === flight) flights.delete(key);
          flight.controller.abort(new GopprofError('ABORTED', 'every caller cancelled', { cause: signal.reason }));
        }
      };
      signal.addEventListener('abort', onAbort, { once: true });
      flight.promise.then(
        (value) => {
          signal.removeEventListener('abort', onAbort);
          resolve(value);
        },
        (err: unknown) => {
          signal.removeEventListener('abort', onAbort);
          reject(err);
        },
      );
    });
  };

  return {
    run(key, fn, signal) {
      if (signal?.aborted) return Promise.reject(abortError(signal, 'single-flight wait'));
      const flight = flights.get(key) ?? start(key, fn);
      return wait(key, flight, signal);
    },
    has: (key) => flights.has(key),
    get size() {
      return flights.size;
    },
  };
}
