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
 * with REGEXP_INVALID. Matching itself (test()) does not use the JavaScript
 * engine, which backtracks, but a linear-time program built from the same
 * parse (go-regexp-program.ts), as Go's engine is linear-time.
 */
import { GopprofError } from '../errors.ts';
import {
  compileProgram,
  MAX_MATCH_STEPS,
  MAX_PROGRAM_SIZE,
  MatchBudgetExceeded,
  type Program,
  type RegexNode,
  repeatIsValid,
} from './go-regexp-program.ts';

/**
 * A translated Go regexp whose test() runs in linear time (go-regexp-program.ts),
 * like Go's RE2: the patterns and the names they are tested on come from API
 * callers and profiled programs, and a backtracking test can take forever.
 * exec() and the string methods still use JavaScript's engine: use test()
 * on untrusted input.
 */
class GoRegExp extends RegExp {
  readonly #program: Program;
  readonly #pattern: string;
  readonly #option: string;

  constructor(source: string, program: Program, pattern: string, option: string) {
    super(source, 'u');
    this.#program = program;
    this.#pattern = pattern;
    this.#option = option;
  }

  // Derived regexps (String.prototype.split, matchAll) are plain ones.
  static override get [Symbol.species](): RegExpConstructor {
    return RegExp;
  }

  /** Whether `s` contains a match; REGEXP_INVALID when the pattern has used up its step budget. */
  override test(s: string): boolean {
    try {
      return this.#program.test(String(s));
    } catch (err) {
      if (!(err instanceof MatchBudgetExceeded)) throw err;
      throw new GopprofError(
        'REGEXP_INVALID',
        `${this.#option} regexp ${JSON.stringify(this.#pattern)} is too expensive to match: ${err.message}`,
        { cause: err, details: { option: this.#option, pattern: this.#pattern } },
      );
    }
  }
}

/**
 * Compiles a Go regexp; `option` names the flag in the error (e.g. "focus").
 * The result's test() takes time linear in the string (see GoRegExp), and
 * all its tests together at most `maxSteps` steps (tests lower it).
 */
export function compileGoRegexp(pattern: string, option: string, maxSteps: number = MAX_MATCH_STEPS): RegExp {
  try {
    const { source, tree } = parseGoRegexp(pattern);
    // The JavaScript engine checks the translation, as before; the program does the matching.
    new RegExp(source, 'u');
    return new GoRegExp(source, compileProgram(tree, MAX_PROGRAM_SIZE, maxSteps), pattern, option);
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
  /** The group's parsed alternatives so far, each a sequence of items. */
  readonly alts: RegexNode[][];
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
  return parseGoRegexp(src).source;
}

/**
 * Parses a Go regexp: its JavaScript (`u` flag) translation and its tree for
 * the linear-time matcher. Throws Error on invalid Go syntax.
 */
function parseGoRegexp(src: string): { source: string; tree: RegexNode } {
  let i = 0;
  let out = '';
  let flags: Flags = { i: false, m: false, s: false, U: false };
  const levels: Level[] = [{ saved: flags, baseI: false, mods: 0, alts: [[]] }];
  const top = (): Level => levels[levels.length - 1];
  const fail = (msg: string): never => {
    throw new Error(msg);
  };
  /** Appends a parsed item to the current alternative of the innermost group. */
  const item = (node: RegexNode): void => {
    const alts = top().alts;
    alts[alts.length - 1].push(node);
  };
  /** Emits a one-character atom: its translation, matched with the case folding in effect. */
  const atom = (js: string): void => {
    out += js;
    item({ kind: 'char', js, fold: flags.i });
  };
  /** The tree of a closed group (or the whole pattern): its alternatives' sequences. */
  const group = (lvl: Level): RegexNode => {
    const alts = lvl.alts.map((seq): RegexNode => {
      if (seq.length === 0) return { kind: 'empty' };
      return seq.length === 1 ? seq[0] : { kind: 'concat', items: seq };
    });
    return alts.length === 1 ? alts[0] : { kind: 'alt', items: alts };
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

  const quantifier = (q: string, min: number, max: number, counted: boolean): void => {
    let lazy = false;
    if (src[i] === '?') {
      lazy = true;
      i++;
    }
    if (flags.U) lazy = !lazy;
    out += q + (lazy ? '?' : '');
    const seq = top().alts[top().alts.length - 1];
    const sub = seq.pop() ?? fail(`missing argument to repetition operator: \`${q}\``);
    const node: RegexNode = { kind: 'repeat', min, max, counted, item: sub };
    if (counted && (min >= 2 || max >= 2) && !repeatIsValid(node, 1000)) fail(`invalid repeat count: \`${q}\``);
    seq.push(node);
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
          levels.push({ saved: flags, baseI: flags.i, mods: 0, alts: [[]] });
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
          levels.push({ saved: flags, baseI: flags.i, mods: 0, alts: [[]] });
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
              levels.push({ saved: flags, baseI: nf.i, mods: 0, alts: [[]] });
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
        item(group(lvl));
        break;
      }
      case '|': {
        i++;
        const lvl = top();
        out += ')'.repeat(lvl.mods) + '|';
        lvl.alts.push([]);
        reopen(lvl);
        break;
      }
      case '^':
        i++;
        out += flags.m ? '(?:^|(?<=\\n))' : '^';
        item({ kind: 'assert', what: flags.m ? 'begin-line' : 'begin-text' });
        break;
      case '$':
        i++;
        out += flags.m ? '(?:$|(?=\\n))' : '$';
        item({ kind: 'assert', what: flags.m ? 'end-line' : 'end-text' });
        break;
      case '.':
        i++;
        atom(flags.s ? '[\\s\\S]' : '[^\\n]');
        break;
      case '[':
        i++;
        atom(charClass());
        break;
      case '*':
      case '+':
      case '?':
        i++;
        quantifier(c, c === '+' ? 1 : 0, c === '?' ? 1 : -1, false);
        break;
      case '{': {
        const m = /^\{(\d+)(,(\d*))?\}/.exec(src.slice(i, i + 32));
        if (m === null) {
          i++;
          atom('\\{');
          break;
        }
        const min = Number(m[1]);
        const max = m[2] === undefined ? min : m[3] === '' ? -1 : Number(m[3]);
        if (min > 1000 || max > 1000 || (max >= 0 && max < min)) fail(`invalid repeat count: ${m[0]}`);
        i += m[0].length;
        quantifier(m[0], min, max, true);
        break;
      }
      case '\\': {
        i++;
        const e = src[i];
        if (e === 'A') {
          i++;
          out += '^';
          item({ kind: 'assert', what: 'begin-text' });
        } else if (e === 'z') {
          i++;
          out += '$';
          item({ kind: 'assert', what: 'end-text' });
        } else if (e === 'b' || e === 'B') {
          i++;
          out += `\\${e}`;
          item({ kind: 'assert', what: e === 'b' ? 'word' : 'not-word' });
        } else if (e === 'Q') {
          i++;
          const end = src.indexOf('\\E', i);
          const lit = end < 0 ? src.slice(i) : src.slice(i, end);
          i = end < 0 ? src.length : end + 2;
          for (const ch of lit) atom(literal(ch.codePointAt(0)!));
        } else if (e === 'p' || e === 'P') {
          atom(unicodeClass());
        } else if (e !== undefined && 'dDsSwW'.includes(e)) {
          i++;
          const ranges = PERL[e.toLowerCase()];
          atom(`[${e === e.toUpperCase() ? '^' : ''}${rangesToClass(ranges)}]`);
        } else if (e === 'C') fail('invalid escape sequence: \\C');
        else atom(literal(parseEscape()));
        break;
      }
      default:
        atom(literal(next()));
    }
  }
  if (levels.length > 1) fail('missing closing )');
  return { source: out + ')'.repeat(top().mods), tree: group(top()) };
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
