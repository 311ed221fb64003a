/**
 * Go's math.Log2 as compiled for amd64, bit for bit.
 *
 * pprof's entropy score truncates `score * cum` to an integer, so one ulp of
 * difference in a logarithm can move a node across a tie and reorder the
 * graph. Go computes Log2 via Frexp and its amd64 assembly Log (the
 * fdlibm-style polynomial below), which differs from V8's Math.log2 in the
 * last bit for some inputs.
 */

// Go's constants, written as the shortest literals of the same doubles.
const LN2_HI = 0.6931471803691238;
const LN2_LO = 1.9082149292705877e-10;
const L1 = 0.6666666666666735;
const L2 = 0.3999999999940942;
const L3 = 0.2857142874366239;
const L4 = 0.22222198432149784;
const L5 = 0.1818357216161805;
const L6 = 0.15313837699209373;
const L7 = 0.14798198605116586;
const SQRT2_2 = Math.SQRT1_2;
const INV_LN2 = 1 / Math.LN2;

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);
// Little-endian: u32[1] holds the sign, exponent and high mantissa bits.

/** Go's math.Frexp: x = frac × 2^exp with frac in [0.5, 1). */
export function frexp(x: number): [number, number] {
  if (x === 0 || !Number.isFinite(x)) return [x, 0];
  let exp = 0;
  if (Math.abs(x) < 2.2250738585072014e-308) {
    // Subnormal: normalise first, as Go's normalize() does.
    x *= 2 ** 52;
    exp = -52;
  }
  f64[0] = x;
  exp += ((u32[1] >>> 20) & 0x7ff) - 1022;
  u32[1] = (u32[1] & ~(0x7ff << 20)) | (1022 << 20);
  return [f64[0], exp];
}

/** Go's amd64 assembly math.Log (archLog). */
export function goLog(x: number): number {
  if (Number.isNaN(x) || x < 0) return Number.NaN;
  if (x === 0) return Number.NEGATIVE_INFINITY;
  if (x === Number.POSITIVE_INFINITY) return x;
  // The assembly takes frexp from the raw bits (no subnormal handling).
  f64[0] = x;
  let k = ((u32[1] >>> 20) & 0x7ff) - 0x3fe;
  u32[1] = (u32[1] & 0x000fffff) | 0x3fe00000;
  let f1 = f64[0];
  if (f1 < SQRT2_2) {
    k -= 1;
    f1 *= 2;
  }
  const f = f1 - 1;
  const s = f / (2 + f);
  const s2 = s * s;
  const s4 = s2 * s2;
  const t1 = s2 * (L1 + s4 * (L3 + s4 * (L5 + s4 * L7)));
  const t2 = s4 * (L2 + s4 * (L4 + s4 * L6));
  const R = t1 + t2;
  const hfsq = 0.5 * f * f;
  return k * LN2_HI - (hfsq - (s * (hfsq + R) + k * LN2_LO) - f);
}

/** Go's math.Log2 on amd64. */
export function goLog2(x: number): number {
  const [frac, exp] = frexp(x);
  // Make sure exact powers of two give exact results.
  if (frac === 0.5) return exp - 1;
  return goLog(frac) * INV_LN2 + exp;
}

/**
 * Fused multiply-add a×b+c with a single rounding (what VFMADD does), via
 * exact BigInt arithmetic. Only for the few calls per report of goExp.
 */
export function fma(a: number, b: number, c: number): number {
  if (!Number.isFinite(a) || !Number.isFinite(b) || !Number.isFinite(c)) return a * b + c;
  if (a === 0 || b === 0) return a * b + c;
  if (c === 0) return a * b;
  const [ma, ea] = decompose(a);
  const [mb, eb] = decompose(b);
  const [mc, ec] = decompose(c);
  const ep = ea + eb;
  const e = Math.min(ep, ec);
  const total = ((ma * mb) << BigInt(ep - e)) + (mc << BigInt(ec - e));
  return roundToDouble(total, e);
}

/** x = m × 2^e exactly, m an integer (BigInt). */
function decompose(x: number): [bigint, number] {
  f64[0] = x;
  const hi = u32[1];
  const lo = u32[0];
  const exp = (hi >>> 20) & 0x7ff;
  let m = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  let e: number;
  if (exp === 0) e = -1074;
  else {
    m |= 1n << 52n;
    e = exp - 1075;
  }
  return [hi >>> 31 === 1 ? -m : m, e];
}

/** The double nearest to v × 2^e (ties to even); normal range only. */
function roundToDouble(v: bigint, e: number): number {
  if (v === 0n) return 0;
  const neg = v < 0n;
  let m = neg ? -v : v;
  const bits = m.toString(2).length;
  if (bits > 53) {
    const shift = bits - 53;
    const q = m >> BigInt(shift);
    const r = m - (q << BigInt(shift));
    const half = 1n << BigInt(shift - 1);
    m = r > half || (r === half && (q & 1n) === 1n) ? q + 1n : q;
    e += shift;
  }
  const out = Number(m) * 2 ** e;
  return neg ? -out : out;
}

const EXP_OVERFLOW = 709.782712893384;
const LN2U = 0.693147180559663;
const LN2L = 2.8235290563031577e-13;
const EXP_C = [
  0.5, 1.0, 2.0, 0.16666666666666666, 0.041666666666666664, 0.008333333333333333,
  0.001388888888888889, 0.0001984126984126984, 2.48015873015873e-05,
];

/** Whether Go's amd64 Exp takes its FMA path (true on CPUs with FMA, as where the goldens were made). */
export const GO_EXP_USES_FMA = true;

/** Go's amd64 assembly math.Exp (archExp), FMA variant. */
export function goExp(x: number): number {
  if (Number.isNaN(x) || x === Number.POSITIVE_INFINITY) return x;
  if (x === Number.NEGATIVE_INFINITY) return 0;
  if (x > EXP_OVERFLOW) return Number.POSITIVE_INFINITY;
  const k = roundHalfEven(Math.LOG2E * x);
  let x0: number;
  let x1: number;
  if (GO_EXP_USES_FMA) {
    x0 = fma(-k, LN2U, x);
    x0 = fma(-k, LN2L, x0);
    x0 *= 0.0625;
    x1 = EXP_C[8];
    for (const c of [EXP_C[7], EXP_C[6], EXP_C[5], EXP_C[4], EXP_C[3], EXP_C[0], EXP_C[1]]) x1 = fma(x1, x0, c);
    x0 *= x1;
    for (let i = 0; i < 3; i++) {
      x1 = x0 + 2;
      x0 *= x1;
    }
    x1 = x0 + 2;
    x0 = fma(x0, x1, 1);
  } else {
    x0 = x - k * LN2U;
    x0 -= k * LN2L;
    x0 *= 0.0625;
    x1 = EXP_C[8];
    for (const c of [EXP_C[7], EXP_C[6], EXP_C[5], EXP_C[4], EXP_C[3], EXP_C[0], EXP_C[1]]) x1 = x1 * x0 + c;
    x0 *= x1;
    for (let i = 0; i < 4; i++) {
      x1 = x0 + 2;
      x0 *= x1;
    }
    x0 += 1;
  }
  let biased = k + 0x3ff;
  if (biased <= 0) {
    if (biased < -52) return 0;
    x0 *= 2 ** (biased + 0x3fe - 0x3ff);
    biased = 1;
  }
  if (biased >= 0x7ff) return Number.POSITIVE_INFINITY;
  return x0 * 2 ** (biased - 0x3ff);
}

/** CVTSD2SL: nearest integer, ties to even. */
function roundHalfEven(v: number): number {
  const f = Math.floor(v);
  const d = v - f;
  if (d > 0.5) return f + 1;
  if (d < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
}

/** Go's math.Pow (pure Go on amd64, using the assembly Exp and Log), for finite x > 0. */
export function goPow(x: number, y: number): number {
  if (y === 0 || x === 1) return 1;
  if (y === 1) return x;
  if (Number.isNaN(x) || Number.isNaN(y)) return Number.NaN;
  if (y === 0.5) return Math.sqrt(x);
  if (y === -0.5) return 1 / Math.sqrt(x);
  if (!(x > 0) || !Number.isFinite(x) || !Number.isFinite(y)) return x ** y;
  const ay = Math.abs(y);
  let yi = Math.trunc(ay);
  let yf = ay - yi;
  let a1 = 1;
  let ae = 0;
  if (yf !== 0) {
    if (yf > 0.5) {
      yf--;
      yi++;
    }
    a1 = goExp(yf * goLog(x));
  }
  let [x1, xe] = frexp(x);
  for (let i = BigInt(yi); i !== 0n; i >>= 1n) {
    if (xe < -(1 << 12) || 1 << 12 < xe) {
      ae += xe;
      break;
    }
    if ((i & 1n) === 1n) {
      a1 *= x1;
      ae += xe;
    }
    x1 *= x1;
    xe <<= 1;
    if (x1 < 0.5) {
      x1 += x1;
      xe--;
    }
  }
  if (y < 0) {
    a1 = 1 / a1;
    ae = -ae;
  }
  return a1 * 2 ** ae;
}
