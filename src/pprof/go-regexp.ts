/**
 * compileGoRegexp: a Go (RE2) regular expression as a JavaScript RegExp with
 * the same meaning.
 *
 * pprof's -focus/-ignore/-hide/-show and a profile's drop_frames are Go
 * regexps; users copy them from `go tool pprof` command lines, so they must
 * match the same names here. The syntaxes differ in ways that matter:
 * Go's `.` excludes only \n, `\s` is ASCII-only, `(?i)` applies to the rest
 * of the group, `(?U)` swaps greediness, `[[:alpha:]]` and `\Q…\E` exist,
 * while lookarounds and backreferences do not. The pattern is translated
 * token by token and compiled with the `u` flag; what Go rejects is rejected
 * with REGEXP_INVALID.
 */
import { GopprofError } from '../errors.ts';

/** Compiles a Go regexp; `option` names the flag in the error (e.g. "focus"). */
export function compileGoRegexp(pattern: string, option: string): RegExp {
  let source: string;
  try {
    source = translateGoRegexp(pattern);
    return new RegExp(source, 'u');
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    throw new GopprofError('REGEXP_INVALID', `parsing ${option} regexp ${JSON.stringify(pattern)}: ${why}`, {
      cause: err,
      details: { option, pattern },
    });
  }
}

interface Flags {
  readonly i: boolean;
  readonly m: boolean;
  readonly s: boolean;
  readonly U: boolean;
}

interface Level {
  /** Flags to restore when the group closes. */
  readonly saved: Flags;
  /** Case-insensitivity in effect when the group opened. */
  readonly baseI: boolean;
  /** Modifier groups `(?i:` opened by `(?i)` inside this group, closed at `|` and `)`. */
  mods: number;
}

const POSIX: Readonly<Record<string, readonly number[]>> = {
  alnum: [0x30, 0x39, 0x41, 0x5a, 0x61, 0x7a],
  alpha: [0x41, 0x5a, 0x61, 0x7a],
  ascii: [0x00, 0x7f],
  blank: [0x09, 0x09, 0x20, 0x20],
  cntrl: [0x00, 0x1f, 0x7f, 0x7f],
  digit: [0x30, 0x39],
  graph: [0x21, 0x7e],
  lower: [0x61, 0x7a],
  print: [0x20, 0x7e],
  punct: [0x21, 0x2f, 0x3a, 0x40, 0x5b, 0x60, 0x7b, 0x7e],
  space: [0x09, 0x0d, 0x20, 0x20],
  upper: [0x41, 0x5a],
  word: [0x30, 0x39, 0x41, 0x5a, 0x5f, 0x5f, 0x61, 0x7a],
  xdigit: [0x30, 0x39, 0x41, 0x46, 0x61, 0x66],
};

const PERL: Readonly<Record<string, readonly number[]>> = {
  d: POSIX.digit,
  s: [0x09, 0x0a, 0x0c, 0x0d, 0x20, 0x20],
  w: POSIX.word,
};

const CATEGORIES = new Set(
  'C Cc Cf Co Cs L Ll Lm Lo Lt Lu M Mc Me Mn N Nd Nl No P Pc Pd Pe Pf Pi Po Ps S Sc Sk Sm So Z Zl Zp Zs'.split(' '),
);

const SYNTAX = new Set('^$\\.*+?()[]{}|/');

/** Translates Go regexp syntax to JavaScript (`u` flag) syntax; throws Error on invalid Go syntax. */
export function translateGoRegexp(src: string): string {
  let i = 0;
  let out = '';
  let flags: Flags = { i: false, m: false, s: false, U: false };
  const levels: Level[] = [{ saved: flags, baseI: false, mods: 0 }];
  const top = (): Level => levels[levels.length - 1];
  const fail = (msg: string): never => {
    throw new Error(msg);
  };

  const next = (): number => {
    const c = src.codePointAt(i)!;
    i += c > 0xffff ? 2 : 1;
    return c;
  };

  /** Go's parseEscape after the backslash: the code point of an escaped literal. */
  const parseEscape = (): number => {
    if (i >= src.length) fail('trailing backslash at end of expression');
    const c = next();
    const isOct = (k: number) => k < src.length && src[k] >= '0' && src[k] <= '7';
    if (c >= 0x31 && c <= 0x37 && !isOct(i)) fail(`invalid escape sequence: \\${String.fromCodePoint(c)}`);
    if (c >= 0x30 && c <= 0x37) {
      let r = c - 0x30;
      for (let k = 1; k < 3 && isOct(i); k++) r = r * 8 + (src.charCodeAt(i++) - 0x30);
      return r;
    }
    switch (c) {
      case 0x78: {
        // \x
        if (src[i] === '{') {
          const end = src.indexOf('}', i);
          const hex = end < 0 ? '' : src.slice(i + 1, end);
          if (!/^[0-9A-Fa-f]+$/.test(hex) || Number.parseInt(hex, 16) > 0x10ffff) fail('invalid escape sequence: \\x{');
          i = end + 1;
          return Number.parseInt(hex, 16);
        }
        const hex = src.slice(i, i + 2);
        if (!/^[0-9A-Fa-f]{2}$/.test(hex)) fail('invalid escape sequence: \\x');
        i += 2;
        return Number.parseInt(hex, 16);
      }
      case 0x61:
        return 7;
      case 0x66:
        return 12;
      case 0x6e:
        return 10;
      case 0x72:
        return 13;
      case 0x74:
        return 9;
      case 0x76:
        return 11;
    }
    if (c < 0x80 && !/[0-9A-Za-z]/.test(String.fromCharCode(c))) return c;
    return fail(`invalid escape sequence: \\${String.fromCodePoint(c)}`);
  };

  /** \p{…} / \P{…} after the backslash; returns the JS class escape. */
  const unicodeClass = (): string => {
    let negate = next() === 0x50; // 'P'
    let name: string;
    if (src[i] === '{') {
      const end = src.indexOf('}', i);
      if (end < 0) fail('invalid character class range: missing }');
      name = src.slice(i + 1, end);
      i = end + 1;
    } else {
      if (i >= src.length) fail('invalid character class range: \\p');
      name = String.fromCodePoint(next());
    }
    if (name.startsWith('^')) {
      negate = !negate;
      name = name.slice(1);
    }
    let prop: string;
    if (name === 'Any') prop = 'Any';
    else if (CATEGORIES.has(name)) prop = name;
    else if (/^[A-Z][A-Za-z_]*$/.test(name)) prop = `Script=${name}`;
    else return fail(`invalid character class range: \\p{${name}}`);
    return `\\${negate ? 'P' : 'p'}{${prop}}`;
  };

  /** A bracketed class starting after '['. */
  const charClass = (): string => {
    let body = '';
    let negated = false;
    if (src[i] === '^') {
      negated = true;
      i++;
    }
    let first = true;
    while (i < src.length && (src[i] !== ']' || first)) {
      first = false;
      if (src.startsWith('[:', i)) {
        const end = src.indexOf(':]', i + 2);
        if (end >= 0) {
          let name = src.slice(i + 2, end);
          const neg = name.startsWith('^');
          if (neg) name = name.slice(1);
          const ranges = POSIX[name];
          if (ranges === undefined) fail(`invalid character class range: [:${name}:]`);
          body += rangesToClass(neg ? complement(ranges) : ranges);
          i = end + 2;
          continue;
        }
      }
      if (src[i] === '\\' && (src[i + 1] === 'p' || src[i + 1] === 'P')) {
        i++;
        body += unicodeClass();
        continue;
      }
      if (src[i] === '\\' && i + 1 < src.length && 'dDsSwW'.includes(src[i + 1])) {
        const c = src[i + 1];
        i += 2;
        const ranges = PERL[c.toLowerCase()];
        body += rangesToClass(c === c.toUpperCase() ? complement(ranges) : ranges);
        continue;
      }
      const lo = classChar();
      let hi = lo;
      if (src[i] === '-' && i + 1 < src.length && src[i + 1] !== ']') {
        i++;
        hi = classChar();
        if (hi < lo) fail('invalid character class range');
      }
      body += lo === hi ? cpEscape(lo) : `${cpEscape(lo)}-${cpEscape(hi)}`;
    }
    if (i >= src.length) fail('missing closing ]');
    i++;
    return `[${negated ? '^' : ''}${body}]`;
  };

  const classChar = (): number => {
    if (src[i] === '\\') {
      i++;
      return parseEscape();
    }
    return next();
  };

  const quantifier = (q: string): void => {
    let lazy = false;
    if (src[i] === '?') {
      lazy = true;
      i++;
    }
    if (flags.U) lazy = !lazy;
    out += q + (lazy ? '?' : '');
  };

  const reopen = (lvl: Level): void => {
    lvl.mods = 0;
    if (flags.i !== lvl.baseI) {
      out += flags.i ? '(?i:' : '(?-i:';
      lvl.mods = 1;
    }
  };

  while (i < src.length) {
    const c = src[i];
    switch (c) {
      case '(': {
        i++;
        if (src[i] !== '?') {
          out += '(';
          levels.push({ saved: flags, baseI: flags.i, mods: 0 });
          break;
        }
        i++;
        if (src.startsWith('P<', i)) {
          const end = src.indexOf('>', i);
          const name = end < 0 ? '' : src.slice(i + 2, end);
          if (!/^[A-Za-z0-9_]+$/.test(name)) fail('invalid named capture');
          i = end + 1;
          // Names do not change what matches; JS would reject some Go names ("1x", duplicates).
          out += '(';
          levels.push({ saved: flags, baseI: flags.i, mods: 0 });
          break;
        }
        // Flags: (?flags) or (?flags:re)
        let nf = { ...flags };
        let sign = 1;
        let saw = false;
        for (;;) {
          if (i >= src.length) fail('missing closing )');
          const f = src[i++];
          if (f === 'i' || f === 'm' || f === 's' || f === 'U') {
            nf = { ...nf, [f]: sign > 0 };
            saw = true;
          } else if (f === '-') {
            if (sign < 0) fail('invalid or unsupported Perl syntax');
            sign = -1;
            saw = false;
          } else if (f === ':' || f === ')') {
            if (sign < 0 && !saw) fail('invalid or unsupported Perl syntax');
            if (f === ':') {
              out += nf.i !== flags.i ? (nf.i ? '(?i:' : '(?-i:') : '(?:';
              levels.push({ saved: flags, baseI: nf.i, mods: 0 });
            } else if (nf.i !== flags.i) {
              out += nf.i ? '(?i:' : '(?-i:';
              top().mods++;
            }
            flags = nf;
            break;
          } else fail('invalid or unsupported Perl syntax');
        }
        break;
      }
      case ')': {
        i++;
        if (levels.length === 1) fail('unexpected )');
        const lvl = levels.pop()!;
        out += ')'.repeat(lvl.mods) + ')';
        flags = lvl.saved;
        break;
      }
      case '|': {
        i++;
        const lvl = top();
        out += ')'.repeat(lvl.mods) + '|';
        reopen(lvl);
        break;
      }
      case '^':
        i++;
        out += flags.m ? '(?:^|(?<=\\n))' : '^';
        break;
      case '$':
        i++;
        out += flags.m ? '(?:$|(?=\\n))' : '$';
        break;
      case '.':
        i++;
        out += flags.s ? '[\\s\\S]' : '[^\\n]';
        break;
      case '[':
        i++;
        out += charClass();
        break;
      case '*':
      case '+':
      case '?':
        i++;
        quantifier(c);
        break;
      case '{': {
        const m = /^\{(\d+)(,(\d*))?\}/.exec(src.slice(i, i + 32));
        if (m === null) {
          i++;
          out += '\\{';
          break;
        }
        const min = Number(m[1]);
        const max = m[2] === undefined ? min : m[3] === '' ? -1 : Number(m[3]);
        if (min > 1000 || max > 1000 || (max >= 0 && max < min)) fail(`invalid repeat count: ${m[0]}`);
        i += m[0].length;
        quantifier(m[0]);
        break;
      }
      case '\\': {
        i++;
        const e = src[i];
        if (e === 'A') {
          i++;
          out += '^';
        } else if (e === 'z') {
          i++;
          out += '$';
        } else if (e === 'b' || e === 'B') {
          i++;
          out += `\\${e}`;
        } else if (e === 'Q') {
          i++;
          const end = src.indexOf('\\E', i);
          const lit = end < 0 ? src.slice(i) : src.slice(i, end);
          i = end < 0 ? src.length : end + 2;
          for (const ch of lit) out += literal(ch.codePointAt(0)!);
        } else if (e === 'p' || e === 'P') {
          out += unicodeClass();
        } else if (e !== undefined && 'dDsSwW'.includes(e)) {
          i++;
          const ranges = PERL[e.toLowerCase()];
          out += `[${e === e.toUpperCase() ? '^' : ''}${rangesToClass(ranges)}]`;
        } else if (e === 'C') fail('invalid escape sequence: \\C');
        else out += literal(parseEscape());
        break;
      }
      default:
        out += literal(next());
    }
  }
  if (levels.length > 1) fail('missing closing )');
  return out + ')'.repeat(top().mods);
}

function literal(c: number): string {
  const ch = String.fromCodePoint(c);
  if (SYNTAX.has(ch)) return `\\${ch}`;
  if (c < 0x20 || c === 0x7f || (c >= 0x2028 && c <= 0x2029)) return cpEscape(c);
  return ch;
}

function cpEscape(c: number): string {
  return `\\u{${c.toString(16)}}`;
}

function rangesToClass(r: readonly number[]): string {
  let s = '';
  for (let k = 0; k < r.length; k += 2) s += r[k] === r[k + 1] ? cpEscape(r[k]) : `${cpEscape(r[k])}-${cpEscape(r[k + 1])}`;
  return s;
}

/** The complement of sorted, disjoint [lo, hi] pairs within U+0000..U+10FFFF. */
function complement(r: readonly number[]): number[] {
  const out: number[] = [];
  let from = 0;
  for (let k = 0; k < r.length; k += 2) {
    if (r[k] > from) out.push(from, r[k] - 1);
    from = r[k + 1] + 1;
  }
  if (from <= 0x10ffff) out.push(from, 0x10ffff);
  return out;
}
