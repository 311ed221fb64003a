/**
 * Go int64 arithmetic on JS numbers, for the few places where pprof's
 * integer division or float→int conversion decides a printed digit.
 */

const TWO_53 = 2 ** 53;

/**
 * Go's `a / b` on int64: the quotient truncated toward zero. Exact for
 * |a| < 2^53 (a double quotient cannot round across an integer there);
 * larger dividends go through BigInt.
 */
export function quo(a: number, b: number): number {
  if (b === 0) throw new RangeError('integer divide by zero');
  if (Math.abs(a) < TWO_53 && Math.abs(b) < TWO_53) return Math.trunc(a / b) + 0;
  return Number(BigInt(a) / BigInt(b));
}

/** A value divided by its divisor when one was accumulated (pprof's FlatValue/CumValue/WeightValue). */
export function divValue(v: number, div: number): number {
  return div === 0 ? v : quo(v, div);
}

/** Go's int64(f) for a float64 on amd64: truncation toward zero (NaN and overflow aside). */
export function truncInt(f: number): number {
  return Math.trunc(f) + 0;
}

/** Go's `a * m / b` on int64 (truncated), exact even when a×m passes 2^53. */
export function mulQuo(a: number, m: number, b: number): number {
  const p = a * m;
  if (Math.abs(p) < TWO_53) return quo(p, b);
  return Number((BigInt(a) * BigInt(m)) / BigInt(b));
}
