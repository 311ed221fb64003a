/**
 * Runs one store operation under a deadline and the caller's AbortSignal.
 * The operation gets a signal that fires on either; the returned promise
 * settles as soon as it fires, even if the operation ignores the signal, so
 * a store that hangs can never hang the caller.
 */
import { abortError, GopprofError } from '../errors.ts';

/**
 * Calls `fn(signal)` and rejects with STORAGE_UNAVAILABLE after `timeoutMs`,
 * or with ABORTED (or the GopprofError reason) when `signal` aborts. Whatever
 * `fn` still does after that is its own business: it should pass the signal
 * down; its late result or error is dropped.
 */
export async function withDeadline<T>(
  what: string,
  timeoutMs: number,
  signal: AbortSignal | undefined,
  fn: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  if (signal?.aborted) throw abortError(signal, what);
  const controller = new AbortController();
  const timer = setTimeout(() => {
    controller.abort(
      new GopprofError('STORAGE_UNAVAILABLE', `${what}: no answer within ${timeoutMs} ms`, {
        details: { timeoutMs },
      }),
    );
  }, timeoutMs);
  const onAbort = () => controller.abort(abortError(signal as AbortSignal, what));
  signal?.addEventListener('abort', onAbort, { once: true });
  let stopWaiting = () => {};
  const aborted = new Promise<never>((_, reject) => {
    const fire = () => reject(controller.signal.reason);
    controller.signal.addEventListener('abort', fire, { once: true });
    stopWaiting = () => controller.signal.removeEventListener('abort', fire);
  });
  try {
    const work = fn(controller.signal);
    work.catch(() => {}); // when the deadline wins, the loser's rejection is expected and dropped
    return await Promise.race([work, aborted]);
  } finally {
    clearTimeout(timer);
    stopWaiting();
    signal?.removeEventListener('abort', onAbort);
  }
}
