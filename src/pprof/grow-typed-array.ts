/**
 * growTypedArray: the amortised doubling behind the column builders, so a
 * typed-array column can be appended to like an array without a copy per item.
 */

/** A copy of `a` with room for at least `min` items (at least double its length); the contents are kept. */
export function growTypedArray<T extends Uint32Array | Int32Array | Float64Array>(a: T, min: number): T {
  const next = new (a.constructor as new (n: number) => T)(Math.max(min, a.length * 2));
  next.set(a);
  return next;
}
