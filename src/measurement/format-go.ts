/**
 * Go-compatible number formatting: `strconv.FormatFloat` and the subset of
 * `fmt.Sprintf` that pprof's report code uses.
 *
 * We reproduce `go tool pprof` output byte for byte, and JavaScript's own
 * `toFixed`/`toPrecision` round ties away from zero on the exact binary value
 * (Go rounds them to even), format exponents differently and know nothing of
 * `%g`'s rules. So every fixed-precision float is formatted here from the
 * double's exact decimal expansion (BigInt), rounded half-to-even exactly as
 * Go's `strconv` does. Shortest formatting (`prec < 0`) takes its digits from
 * V8's shortest round-trip algorithm, which picks the same digits as Go's Ryu.
 * Checked against real Go 1.19 on thousands of values (format-go.test.ts).
 */

import { GopprofError } from '../errors.ts';

/** The `strconv.FormatFloat` formats we support ('E'/'G' only change the exponent letter). */
export type FloatFormat = 'f' | 'e' | 'g' | 'E' | 'G';

/** Decimal digits with no leading or trailing zeros; value = 0.digits × 10^dp (Go's decimalSlice). */
interface Digits {
  readonly d: string;
  readonly dp: number;
}

const pow5: bigint[] = [1n];

/** 5^n, cached: the exact expansion of m×2^-n is m×5^n × 10^-n. */
function powerOfFive(n: number): bigint {
  for (let i = pow5.length; i <= n; i++) pow5.push(pow5[i - 1]! * 5n);
  return pow5[n]!;
}

const view = new DataView(new ArrayBuffer(8));

/** The exact decimal expansion of a finite |v| (the sign is ignored). */
function exactDigits(v: number): Digits {
  view.setFloat64(0, v);
  const hi = view.getUint32(0);
  const lo = view.getUint32(4);
  const biased = (hi >>> 20) & 0x7ff;
  let mant = BigInt(hi & 0xfffff) * 4294967296n + BigInt(lo);
  let exp = biased === 0 ? -1074 : biased - 1075;
  if (biased !== 0) mant += 1n << 52n;
  if (mant === 0n) return { d: '', dp: 0 };
  while ((mant & 1n) === 0n) {
    mant >>= 1n;
    exp++;
  }
  let s: string;
  let dp: number;
  if (exp >= 0) {
    s = (mant << BigInt(exp)).toString();
    dp = s.length;
  } else {
    s = (mant * powerOfFive(-exp)).toString();
    dp = s.length + exp;
  }
  return { d: trimZeros(s), dp };
}

function trimZeros(s: string): string {
  let n = s.length;
  while (n > 0 && s.charCodeAt(n - 1) === 48) n--;
  return s.slice(0, n);
}

/** Go's decimal.Round: keep nd digits, rounding half to even on the exact value. */
function round(x: Digits, nd: number): Digits {
  if (nd < 0 || nd >= x.d.length) return x;
  const c = x.d.charCodeAt(nd);
  const up = c === 53 && nd + 1 === x.d.length ? nd > 0 && (x.d.charCodeAt(nd - 1) - 48) % 2 === 1 : c >= 53;
  if (!up) {
    const d = trimZeros(x.d.slice(0, nd));
    return { d, dp: d === '' ? 0 : x.dp };
  }
  let i = nd - 1;
  while (i >= 0 && x.d[i] === '9') i--;
  if (i < 0) return { d: '1', dp: x.dp + 1 };
  return { d: x.d.slice(0, i) + String.fromCharCode(x.d.charCodeAt(i) + 1), dp: x.dp };
}

/** Shortest digits that read back as v: V8's algorithm, same result as Go's Ryu. */
function shortestDigits(v: number): Digits {
  if (v === 0) return { d: '', dp: 0 };
  const s = Math.abs(v).toExponential();
  const e = s.indexOf('e');
  return { d: trimZeros(s.slice(0, e).replace('.', '')), dp: Number(s.slice(e + 1)) + 1 };
}

function fmtE(neg: boolean, x: Digits, prec: number, letter: string): string {
  let out = neg ? '-' : '';
  out += x.d === '' ? '0' : x.d[0];
  if (prec > 0) out += '.' + x.d.slice(1, prec + 1).padEnd(prec, '0');
  let exp = x.d === '' ? 0 : x.dp - 1;
  let sign = '+';
  if (exp < 0) {
    sign = '-';
    exp = -exp;
  }
  return out + letter + sign + (exp < 10 ? '0' : '') + exp;
}

function fmtF(neg: boolean, x: Digits, prec: number): string {
  let out = neg ? '-' : '';
  out += x.dp > 0 ? x.d.slice(0, x.dp).padEnd(x.dp, '0') : '0';
  if (prec > 0) {
    let frac = '';
    for (let i = 0; i < prec; i++) {
      const j = x.dp + i;
      frac += j >= 0 && j < x.d.length ? x.d[j] : '0';
    }
    out += '.' + frac;
  }
  return out;
}

/**
 * Exactly Go's `strconv.FormatFloat(v, fmt, prec, 64)`: `prec < 0` means the
 * shortest representation that reads back as `v`; otherwise the exact binary
 * value is rounded half to even (0.125 → '0.12', 2.675 → '2.67').
 */
export function formatFloat(v: number, fmt: FloatFormat, prec: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  const neg = v < 0 || Object.is(v, -0);
  const shortest = prec < 0;
  let x: Digits;
  if (shortest) {
    x = shortestDigits(v);
    if (fmt === 'e' || fmt === 'E') prec = Math.max(x.d.length - 1, 0);
    else if (fmt === 'f') prec = Math.max(x.d.length - x.dp, 0);
    else prec = x.d.length;
  } else {
    x = exactDigits(v);
    if (fmt === 'e' || fmt === 'E') x = round(x, prec + 1);
    else if (fmt === 'f') x = round(x, x.dp + prec);
    else {
      if (prec === 0) prec = 1;
      x = round(x, prec);
    }
  }
  if (fmt === 'e' || fmt === 'E') return fmtE(neg, x, prec, fmt);
  if (fmt === 'f') return fmtF(neg, x, prec);
  // %g: exponent form when exp < -4 || exp >= eprec; trailing zeros dropped.
  let eprec = prec;
  if (eprec > x.d.length && x.d.length >= x.dp) eprec = x.d.length;
  if (shortest) eprec = 6;
  const exp = x.dp - 1;
  if (exp < -4 || exp >= eprec) {
    if (prec > x.d.length) prec = x.d.length;
    return fmtE(neg, x, prec - 1, fmt === 'G' ? 'E' : 'e');
  }
  if (prec > x.dp) prec = x.d.length;
  return fmtF(neg, x, Math.max(prec - x.dp, 0));
}

/** Flags and sizes of one Go verb, as fmt's doPrintf parses them. */
interface Spec {
  sharp: boolean;
  zero: boolean;
  plus: boolean;
  minus: boolean;
  space: boolean;
  wid: number;
  widPresent: boolean;
  prec: number;
  precPresent: boolean;
}

/** The JavaScript values sprintf accepts: numbers stand for Go ints or float64s (see sprintf). */
export type GoArg = string | number | bigint | boolean | null | undefined;

function runeCount(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

function padding(n: number, zero: boolean): string {
  return n > 0 ? (zero ? '0' : ' ').repeat(n) : '';
}

/** fmt.pad / padString: width counts runes; zero padding only on the left (Go 1.19 pads %s too). */
function pad(f: Spec, s: string, zero = f.zero): string {
  if (!f.widPresent || f.wid === 0) return s;
  const fill = padding(f.wid - runeCount(s), zero);
  return f.minus ? s + fill : fill + s;
}

function fmtInteger(f: Spec, v: bigint, base: number, upper: boolean): string {
  const negative = v < 0n;
  let digits = (negative ? -v : v).toString(base);
  if (upper) digits = digits.toUpperCase();
  let prec = 0;
  if (f.precPresent) {
    prec = f.prec;
    if (prec === 0 && v === 0n) return padding(f.wid, false);
  } else if (f.zero && f.widPresent) {
    prec = f.wid;
    if (negative || f.plus || f.space) prec--;
  }
  digits = digits.padStart(prec, '0');
  if (f.sharp) {
    if (base === 16) digits = (upper ? '0X' : '0x') + digits;
    else if (base === 8 && digits[0] !== '0') digits = '0' + digits;
    else if (base === 2) digits = '0b' + digits;
  }
  if (negative) digits = '-' + digits;
  else if (f.plus) digits = '+' + digits;
  else if (f.space) digits = ' ' + digits;
  return pad(f, digits, false);
}

function fmtFloatVerb(f: Spec, v: number, verb: FloatFormat, defaultPrec: number): string {
  let num = formatFloat(v, verb, f.precPresent ? f.prec : defaultPrec);
  if (num[0] !== '-' && num[0] !== '+') num = '+' + num;
  if (f.space && num[0] === '+' && !f.plus) num = ' ' + num.slice(1);
  if (num[1] === 'I' || num[1] === 'N') {
    if (num[1] === 'N' && !f.space && !f.plus) num = num.slice(1);
    return pad(f, num, false);
  }
  if (f.sharp) throw unsupported('#', verb);
  if (f.plus || num[0] !== '+') {
    if (f.zero && f.widPresent && f.wid > num.length) {
      return num[0] + padding(f.wid - num.length, true) + num.slice(1);
    }
    return pad(f, num);
  }
  return pad(f, num.slice(1));
}

function unsupported(what: string, verb: string): GopprofError {
  return new GopprofError('INTERNAL', `sprintf: ${what} in %${verb} is not implemented`, {
    details: { verb },
  });
}

/** Go's type name for a JS value (numbers: int when integral and in int64 range, else float64). */
function goType(a: GoArg): string {
  if (typeof a === 'string') return 'string';
  if (typeof a === 'bigint') return 'int64';
  if (typeof a === 'boolean') return 'bool';
  return isInt(a as number) ? 'int' : 'float64';
}

function isInt(n: number): boolean {
  return Number.isInteger(n) && !Object.is(n, -0) && Math.abs(n) < 2 ** 63;
}

const INT_BASES: Readonly<Record<string, number>> = { d: 10, x: 16, X: 16, o: 8, b: 2 };
const FLOAT_VERBS: Readonly<Record<string, FloatFormat>> = { f: 'f', F: 'f', e: 'e', E: 'E', g: 'g', G: 'G' };

function printArg(f: Spec, a: GoArg, verb: string): string {
  if (a === null || a === undefined) {
    return verb === 'v' ? pad(f, '<nil>') : `%!${verb}(<nil>)`;
  }
  const bad = (): string => `%!${verb}(${goType(a)}=${printArg(blank(), a, 'v')})`;
  if (typeof a === 'string') {
    if (verb === 's' || verb === 'v') {
      if (verb === 'v' && f.sharp) throw unsupported('#', verb);
      let s = a;
      if (f.precPresent) s = [...a].slice(0, f.prec).join('');
      return pad(f, s);
    }
    if (verb === 'q' || verb === 'x' || verb === 'X') throw unsupported('a string', verb);
    return bad();
  }
  if (typeof a === 'boolean') {
    return verb === 't' || verb === 'v' ? pad(f, String(a)) : bad();
  }
  const base = INT_BASES[verb];
  const floatVerb = FLOAT_VERBS[verb];
  if (typeof a === 'bigint' || isInt(a)) {
    if (base !== undefined || verb === 'v') {
      return fmtInteger(f, BigInt(a), base ?? 10, verb === 'X');
    }
    if (floatVerb === undefined || typeof a === 'bigint') {
      if (verb === 'c' || verb === 'q' || verb === 'U') throw unsupported('an integer', verb);
      return bad();
    }
  }
  const n = Number(a);
  if (verb === 'v') return fmtFloatVerb(f, n, 'g', -1);
  if (floatVerb !== undefined) return fmtFloatVerb(f, n, floatVerb, verb === 'g' || verb === 'G' ? -1 : 6);
  if (verb === 'x' || verb === 'X' || verb === 'b') throw unsupported('a float', verb);
  return bad();
}

function blank(): Spec {
  return {
    sharp: false,
    zero: false,
    plus: false,
    minus: false,
    space: false,
    wid: 0,
    widPresent: false,
    prec: 0,
    precPresent: false,
  };
}

/** fmt's parsenum: digits at i, or absent. */
function parseNum(format: string, i: number): [number, boolean, number] {
  let n = 0;
  let present = false;
  while (i < format.length && format[i]! >= '0' && format[i]! <= '9') {
    if (n > 1e6) return [0, false, format.length];
    n = n * 10 + (format.charCodeAt(i) - 48);
    present = true;
    i++;
  }
  return [n, present, i];
}

/**
 * Go's `fmt.Sprintf` for the verbs pprof's reports use: `%s %v %d %x %X %o %b
 * %t %f %F %e %E %g %G %%` with the flags `- 0 + space #` (ints), width and
 * precision; Go 1.19 semantics, including `%!d(string=…)`, `%!v(MISSING)`
 * and `%!(EXTRA …)` for misuse. A JS number is a Go `int` when it is integral
 * (and not -0) under `%v`/`%d`/`%x`, and a `float64` under float verbs or
 * when fractional; pass a bigint for int64 beyond 2^53. Verbs or flags not
 * implemented (`%q`, `%*d`, `%[1]d`, `%#v`…) throw rather than print wrongly.
 */
export function sprintf(format: string, ...args: readonly GoArg[]): string {
  let out = '';
  let argNum = 0;
  const end = format.length;
  let i = 0;
  while (i < end) {
    const pct = format.indexOf('%', i);
    if (pct < 0) {
      out += format.slice(i);
      break;
    }
    out += format.slice(i, pct);
    i = pct + 1;
    const f = blank();
    flags: for (; i < end; i++) {
      switch (format[i]) {
        case '#':
          f.sharp = true;
          break;
        case '0':
          f.zero = !f.minus;
          break;
        case '+':
          f.plus = true;
          break;
        case '-':
          f.minus = true;
          f.zero = false;
          break;
        case ' ':
          f.space = true;
          break;
        default:
          break flags;
      }
    }
    if (format[i] === '[' || format[i] === '*') throw unsupported(format[i]!, format.slice(pct + 1, i + 1));
    [f.wid, f.widPresent, i] = parseNum(format, i);
    if (i + 1 < end && format[i] === '.') {
      i++;
      if (format[i] === '[' || format[i] === '*') throw unsupported(format[i]!, format.slice(pct + 1, i + 1));
      [f.prec, f.precPresent, i] = parseNum(format, i);
      if (!f.precPresent) {
        f.prec = 0;
        f.precPresent = true;
      }
    }
    if (i >= end) {
      out += '%!(NOVERB)';
      break;
    }
    const verb = String.fromCodePoint(format.codePointAt(i)!);
    i += verb.length;
    if (verb === '%') {
      out += '%';
    } else if (argNum >= args.length) {
      out += `%!${verb}(MISSING)`;
    } else {
      if (verb === 'v') {
        f.plus = false;
      }
      out += printArg(f, args[argNum], verb);
      argNum++;
    }
  }
  if (argNum < args.length) {
    out += '%!(EXTRA ';
    out += args
      .slice(argNum)
      .map((a) => (a === null || a === undefined ? '<nil>' : `${goType(a)}=${printArg(blank(), a, 'v')}`))
      .join(', ');
    out += ')';
  }
  return out;
}
