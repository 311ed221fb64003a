/**
 * Go's string ordering: bytewise on UTF-8. JavaScript compares UTF-16 code
 * units, which orders characters above U+FFFF (surrogate pairs) before
 * U+E000..U+FFFF; Go orders them after. Sort keys that pprof compares as Go
 * strings (names, labels) must use this to come out in the same order.
 */

/** Negative when a < b in Go's (UTF-8 byte) order, zero when equal, positive otherwise. */
export function compareGoStrings(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) {
      if (x >= 0xd800 && y >= 0xd800) return fixup(x) - fixup(y);
      return x - y;
    }
  }
  return a.length - b.length;
}

/** Moves surrogates (D800–DFFF) above E000–FFFF so code-unit order matches code-point order. */
function fixup(c: number): number {
  return c >= 0xe000 ? c - 0x800 : c + 0x2000;
}

/** Go's `a < b` on strings. */
export function goLess(a: string, b: string): boolean {
  return compareGoStrings(a, b) < 0;
}
