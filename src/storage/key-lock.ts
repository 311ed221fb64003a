/**
 * Serialises work on one key, so the spooling store's background upload of a
 * spooled object can never overwrite a newer put of the same key (or race a
 * delete of it). Different keys run concurrently.
 */

/** Runs `fn` after every earlier `run` of the same key has settled. */
export interface KeyLock {
  run<T>(key: string, fn: () => Promise<T>): Promise<T>;
}

export function createKeyLock(): KeyLock {
  const tails = new Map<string, Promise<unknown>>();
  return {
    run<T>(key: string, fn: () => Promise<T>): Promise<T> {
      const previous = tails.get(key) ?? Promise.resolve();
      const result = previous.then(fn, fn);
      const tail = result.catch(() => {});
      tails.set(key, tail);
      void tail.then(() => {
        if (tails.get(key) === tail) tails.delete(key);
      });
      return result;
    },
  };
}
