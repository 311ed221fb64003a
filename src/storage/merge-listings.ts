/**
 * Merges two key-ordered listings into one, the way the spooling store shows
 * the spool and the primary as a single store: ascending keys, each key once
 * (the first listing's entry wins, since the spool holds the newer copy).
 */

/**
 * Lazily merges `first` and `second` (objects, or prefixes wrapped as
 * `{key}`). When `second` throws, `onSecondError` decides: return to carry
 * on with `first` alone, or throw to stop.
 */
export async function* mergeListings<T extends { readonly key: string }>(
  first: AsyncIterable<T>,
  second: AsyncIterable<T>,
  onSecondError: (err: unknown) => void,
): AsyncIterable<T> {
  const a = first[Symbol.asyncIterator]();
  const b = second[Symbol.asyncIterator]();
  let secondAlive = true;
  const nextSecond = async (): Promise<T | undefined> => {
    if (!secondAlive) return undefined;
    try {
      const r = await b.next();
      if (r.done) secondAlive = false;
      return r.done ? undefined : r.value;
    } catch (err) {
      secondAlive = false;
      onSecondError(err);
      return undefined;
    }
  };
  try {
    let x = await a.next().then((r) => (r.done ? undefined : r.value));
    let y = await nextSecond();
    while (x !== undefined || y !== undefined) {
      if (y === undefined || (x !== undefined && x.key <= y.key)) {
        const current = x as T;
        yield current;
        if (y !== undefined && y.key === current.key) y = await nextSecond();
        x = await a.next().then((r) => (r.done ? undefined : r.value));
      } else {
        yield y;
        y = await nextSecond();
      }
    }
  } finally {
    await a.return?.();
    if (secondAlive) await b.return?.();
  }
}
