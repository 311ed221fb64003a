/**
 * Linear-time matching for Go regexps: the parsed pattern compiled to a
 * Thompson NFA program and run as a Pike VM, as Go's RE2 engine does.
 *
 * JavaScript's RegExp backtracks: `(.*.*)*X` against a 30-character function
 * name takes minutes, and a pattern reaches us from API callers (-focus,
 * -ignore, -hide, -show) and from the profiled program itself (drop_frames).
 * Here a test costs at most (string length × program size) steps, whatever
 * the pattern. Only whether the pattern matches is computed (no captures,
 * no leftmost-longest), which is all pprof asks of its regexps.
 *
 * Each single-character atom (literal, class, `.`, `\pL`) is still matched
 * by a one-character JavaScript RegExp built from the translated pattern, so
 * the meaning of every atom (case folding included) is the translator's; one
 * character cannot backtrack.
 */

/** Zero-width assertions: ^ and $ without and with (?m), \A, \z, \b, \B. */
export type Assertion = 'begin-text' | 'end-text' | 'begin-line' | 'end-line' | 'word' | 'not-word';

/** A parsed Go regexp, as the translator builds it. */
export type RegexNode =
  | { readonly kind: 'char'; readonly js: string; readonly fold: boolean }
  | { readonly kind: 'empty' }
  | { readonly kind: 'assert'; readonly what: Assertion }
  | { readonly kind: 'concat'; readonly items: readonly RegexNode[] }
  | { readonly kind: 'alt'; readonly items: readonly RegexNode[] }
  | {
      readonly kind: 'repeat';
      readonly min: number;
      /** -1: unbounded. */
      readonly max: number;
      /** Written with braces (Go's OpRepeat), which Go limits; *, + and ? are not. */
      readonly counted: boolean;
      readonly item: RegexNode;
    };

/**
 * The most instructions a program may have. Go accepts counted repetitions
 * up to 1000 copies, so a 1 KB pattern could compile to a million; the cost
 * of a test grows with the program (~1.5 ms for a 100-character name at 2000
 * instructions), so past this the pattern is refused (REGEXP_INVALID) rather
 * than slowing every match. Real -focus patterns compile to a few dozen.
 */
export const MAX_PROGRAM_SIZE = 5_000;

/**
 * The most VM steps (threads advanced or added) one program may spend over
 * all its tests, about a second of CPU: a report tests each pattern on every
 * function and file name of the profile, a few million steps for a big real
 * one. Past it test() throws instead of running on for minutes.
 */
export const MAX_MATCH_STEPS = 100_000_000;

/** Thrown by Program.test when the program has spent its MAX_MATCH_STEPS. */
export class MatchBudgetExceeded extends Error {}

const OP_CHAR = 0;
const OP_SPLIT = 1;
const OP_JMP = 2;
const OP_ASSERT = 3;
const OP_MATCH = 4;

const ASSERTIONS: readonly Assertion[] = ['begin-text', 'end-text', 'begin-line', 'end-line', 'word', 'not-word'];

/** A compiled pattern; `test` is its only use. */
export interface Program {
  /** Whether `s` contains a match (Go's MatchString); throws MatchBudgetExceeded past the step budget. */
  test(s: string): boolean;
  readonly size: number;
}

type CharPredicate = (cp: number) => boolean;

/** Go's repeatIsValid: nested counted repetitions may not make more than `n` copies of anything. */
export function repeatIsValid(node: RegexNode, n: number): boolean {
  let limit = n;
  if (node.kind === 'repeat' && node.counted) {
    if (node.max === 0) return true;
    const m = node.max < 0 ? node.min : node.max;
    if (m > limit) return false;
    if (m > 0) limit = Math.trunc(limit / m);
  }
  if (node.kind === 'repeat') return repeatIsValid(node.item, limit);
  if (node.kind === 'concat' || node.kind === 'alt') return node.items.every((item) => repeatIsValid(item, limit));
  return true;
}

/**
 * Compiles a parsed pattern; throws Error('expression too large') past `maxSize`
 * instructions. The program's tests together may take `maxSteps` steps.
 */
export function compileProgram(
  tree: RegexNode,
  maxSize: number = MAX_PROGRAM_SIZE,
  maxSteps: number = MAX_MATCH_STEPS,
): Program {
  const op: number[] = [];
  const x: number[] = [];
  const y: number[] = [];
  const preds: CharPredicate[] = [];
  const predIndex = new Map<string, number>();

  const emit = (o: number, a = 0, b = 0): number => {
    if (op.length >= maxSize) throw new Error(`expression too large (more than ${maxSize} instructions)`);
    op.push(o);
    x.push(a);
    y.push(b);
    return op.length - 1;
  };
  const predicate = (js: string, fold: boolean): number => {
    const key = `${fold ? 'i' : '-'}${js}`;
    let i = predIndex.get(key);
    if (i === undefined) {
      i = preds.push(charPredicate(js, fold)) - 1;
      predIndex.set(key, i);
    }
    return i;
  };
  const gen = (node: RegexNode): void => {
    switch (node.kind) {
      case 'char':
        emit(OP_CHAR, predicate(node.js, node.fold));
        return;
      case 'empty':
        return;
      case 'assert':
        emit(OP_ASSERT, ASSERTIONS.indexOf(node.what));
        return;
      case 'concat':
        for (const item of node.items) gen(item);
        return;
      case 'alt': {
        const jumps: number[] = [];
        for (let k = 0; k < node.items.length - 1; k++) {
          const split = emit(OP_SPLIT);
          x[split] = op.length;
          gen(node.items[k]);
          jumps.push(emit(OP_JMP));
          y[split] = op.length;
        }
        if (node.items.length > 0) gen(node.items[node.items.length - 1]);
        for (const j of jumps) x[j] = op.length;
        return;
      }
      case 'repeat':
        genRepeat(node.item, node.min, node.max);
        return;
    }
  };
  const genRepeat = (item: RegexNode, min: number, max: number): void => {
    for (let k = 0; k < min; k++) gen(item);
    if (max < 0) {
      // x*: L: split body, out; body; jmp L
      const split = emit(OP_SPLIT);
      x[split] = op.length;
      gen(item);
      emit(OP_JMP, split);
      y[split] = op.length;
      return;
    }
    // Optional copies, nested: (x(x(x)?)?)?
    const splits: number[] = [];
    for (let k = min; k < max; k++) {
      const split = emit(OP_SPLIT);
      x[split] = op.length;
      splits.push(split);
      gen(item);
    }
    for (const s of splits) y[s] = op.length;
  };

  gen(tree);
  emit(OP_MATCH);
  return createProgram(Int8Array.from(op), Int32Array.from(x), Int32Array.from(y), preds, startsAnchored(tree), maxSteps);
}

/** True when every match must start at the beginning of the text (^ or \A first): one start state is enough. */
function startsAnchored(node: RegexNode): boolean {
  if (node.kind === 'assert') return node.what === 'begin-text';
  if (node.kind === 'concat') return node.items.length > 0 && startsAnchored(node.items[0]);
  if (node.kind === 'alt') return node.items.length > 0 && node.items.every(startsAnchored);
  return false;
}

/** The Pike VM over one program; its thread lists are reused between tests (JavaScript is single-threaded). */
function createProgram(
  op: Int8Array,
  x: Int32Array,
  y: Int32Array,
  preds: readonly CharPredicate[],
  anchored: boolean,
  maxSteps: number,
): Program {
  const n = op.length;
  let budget = maxSteps;
  let clist = new Int32Array(n);
  let nlist = new Int32Array(n);
  const mark = new Float64Array(n);
  // Each instruction is expanded once per step and pushes at most two: 2n + 1 entries at most.
  const stack = new Int32Array(2 * n + 1);
  let stamp = 0;

  return {
    size: n,
    test(s: string): boolean {
      const len = s.length;
      let cn = 0;
      let nn = 0;
      let matched = false;
      // Adds pc and everything reachable from it without consuming input, at a position
      // whose neighbouring code points are `prev` and `next` (-1 at the ends).
      const add = (list: Int32Array, count: number, start: number, pos: number, prev: number, next: number): number => {
        let sp = 0;
        stack[sp++] = start;
        while (sp > 0) {
          const pc = stack[--sp];
          if (mark[pc] === stamp) continue;
          mark[pc] = stamp;
          switch (op[pc]) {
            case OP_JMP:
              stack[sp++] = x[pc];
              break;
            case OP_SPLIT:
              stack[sp++] = y[pc];
              stack[sp++] = x[pc];
              break;
            case OP_ASSERT:
              if (assertionHolds(x[pc], pos, len, prev, next)) stack[sp++] = pc + 1;
              break;
            case OP_MATCH:
              matched = true;
              return count;
            default:
              list[count++] = pc;
          }
        }
        return count;
      };

      let prev = -1;
      let cp = len > 0 ? codePointAt(s, 0) : -1;
      stamp++;
      cn = add(clist, 0, 0, 0, prev, cp);
      for (let i = 0; !matched && i < len; ) {
        const width = cp > 0xffff ? 2 : 1;
        const at = i + width;
        const next = at < len ? codePointAt(s, at) : -1;
        stamp++;
        nn = 0;
        for (let k = 0; k < cn && !matched; k++) {
          const pc = clist[k];
          if (preds[x[pc]](cp)) nn = add(nlist, nn, pc + 1, at, cp, next);
        }
        if (!matched && !anchored) nn = add(nlist, nn, 0, at, cp, next);
        budget -= cn + nn + 1;
        if (budget < 0) throw new MatchBudgetExceeded(`matching took more than ${maxSteps} steps`);
        if (nn === 0 && anchored) return matched;
        const t = clist;
        clist = nlist;
        nlist = t;
        cn = nn;
        prev = cp;
        cp = next;
        i = at;
      }
      return matched;
    },
  };
}

/**
 * The code point at UTF-16 index `i` (a lone surrogate as itself), like
 * String.prototype.codePointAt. Spelled out because with codePointAt this
 * loop, once optimised by V8 (Node 24.21), now and then treated an emoji as
 * two surrogates (1 run in ~10 of go-regexp-differential.test.ts; none in 60
 * since).
 */
function codePointAt(s: string, i: number): number {
  const c = s.charCodeAt(i);
  if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
    const d = s.charCodeAt(i + 1);
    if (d >= 0xdc00 && d <= 0xdfff) return (c - 0xd800) * 0x400 + (d - 0xdc00) + 0x10000;
  }
  return c;
}

function assertionHolds(kind: number, pos: number, len: number, prev: number, next: number): boolean {
  switch (ASSERTIONS[kind]) {
    case 'begin-text':
      return pos === 0;
    case 'end-text':
      return pos === len;
    case 'begin-line':
      return pos === 0 || prev === 0x0a;
    case 'end-line':
      return pos === len || next === 0x0a;
    case 'word':
      return isWordChar(prev) !== isWordChar(next);
    default:
      return isWordChar(prev) === isWordChar(next);
  }
}

/** Go's \b looks at ASCII word characters only: [0-9A-Za-z_]. */
function isWordChar(cp: number): boolean {
  return (
    (cp >= 0x30 && cp <= 0x39) || (cp >= 0x41 && cp <= 0x5a) || (cp >= 0x61 && cp <= 0x7a) || cp === 0x5f
  );
}

/** Non-ASCII answers kept per atom; past this many distinct characters they are recomputed. */
const MAX_CACHED_CHARS = 4096;

/** Whether one code point matches an atom: a one-character RegExp (it cannot backtrack), cached. */
function charPredicate(js: string, fold: boolean): CharPredicate {
  const re = new RegExp(`^(?:${js})$`, fold ? 'iu' : 'u');
  const ascii = new Int8Array(128); // 0 unknown, 1 matches, 2 does not
  const other = new Map<number, boolean>();
  return (cp) => {
    if (cp < 128) {
      let a = ascii[cp];
      if (a === 0) {
        a = re.test(String.fromCharCode(cp)) ? 1 : 2;
        ascii[cp] = a;
      }
      return a === 1;
    }
    let m = other.get(cp);
    if (m === undefined) {
      m = re.test(String.fromCodePoint(cp));
      if (other.size < MAX_CACHED_CHARS) other.set(cp, m);
    }
    return m;
  };
}
