/**
 * filterSamplesByName: pprof's -focus, -ignore, -hide and -show
 * (profile.FilterSamplesByName).
 *
 * - focus keeps samples with at least one location matching it;
 * - ignore drops samples with any location matching it;
 * - hide removes matching lines from locations, show keeps only matching
 *   lines; a location left without lines disappears from every sample, and a
 *   sample left without locations is dropped.
 *
 * A location matches when one of its functions' name or file name, or its
 * mapping's file, matches. Focus and ignore look at the location before hide
 * and show edit it.
 */
import type { Line, Location, Profile, ProfileFunction } from './profile.ts';
import { SamplesBuilder } from './samples-builder.ts';

/** The compiled patterns; undefined means unset. */
export interface NameFilters {
  readonly focus?: RegExp | undefined;
  readonly ignore?: RegExp | undefined;
  readonly hide?: RegExp | undefined;
  readonly show?: RegExp | undefined;
}

/** The filtered profile and which patterns matched anything (pprof warns about the others). */
export interface NameFilterResult {
  readonly profile: Profile;
  readonly focusMatched: boolean;
  readonly ignoreMatched: boolean;
  readonly hideMatched: boolean;
  readonly showMatched: boolean;
}

const FOCUSED = 1;
const IGNORED = 2;

/** Applies focus/ignore/hide/show to `p` (see the file comment); `p` is not modified. */
export function filterSamplesByName(p: Profile, f: NameFilters): NameFilterResult {
  const { focus, ignore, hide, show } = f;
  let fm = false;
  let im = false;
  let hm = false;
  let hnm = false;
  const nLocs = p.locations.length;
  const mark = new Uint8Array(nLocs);
  const hidden = new Uint8Array(nLocs);
  let anyHidden = false;
  const fnMatch = functionMatcher();
  const locations: Location[] = p.locations.slice();

  for (let l = 0; l < nLocs; l++) {
    const loc = p.locations[l];
    if (ignore !== undefined && matchesName(loc, ignore, fnMatch)) {
      im = true;
      mark[l] = IGNORED;
    } else if (focus === undefined || matchesName(loc, focus, fnMatch)) {
      fm = true;
      mark[l] = FOCUSED;
    }
    let lines = loc.lines;
    if (hide !== undefined && matchesName(loc, hide, fnMatch)) {
      hm = true;
      lines = mappingMatches(loc, hide) ? [] : lines.filter((ln) => !lineMatches(ln, hide, fnMatch));
      if (lines.length === 0) hidden[l] = 1;
    }
    if (show !== undefined) {
      if (!mappingMatches(loc, show)) lines = lines.filter((ln) => ln.function === undefined || fnMatch(ln.function, show));
      if (lines.length === 0) hidden[l] = 1;
      else hnm = true;
    }
    if (hidden[l] === 1) anyHidden = true;
    if (lines !== loc.lines) locations[l] = { ...loc, lines };
  }

  const s = p.samples;
  const stride = p.sampleTypes.length;
  const out = new SamplesBuilder(stride, s.count, s.locationIndex.length);
  const kept: number[] = [];
  for (let i = 0; i < s.count; i++) {
    const from = s.locationOffsets[i];
    const to = s.locationOffsets[i + 1];
    let focused = false;
    let ignored = false;
    for (let k = from; k < to; k++) {
      const m = mark[s.locationIndex[k]];
      if (m === IGNORED) {
        ignored = true;
        break;
      }
      if (m === FOCUSED) focused = true;
    }
    if (ignored || !focused) continue;
    if (!anyHidden) {
      out.push(s.locationIndex, from, to, s.values, i * stride, s.labelSet[i]);
      continue;
    }
    kept.length = 0;
    for (let k = from; k < to; k++) if (hidden[s.locationIndex[k]] === 0) kept.push(s.locationIndex[k]);
    if (kept.length === 0) continue;
    out.push(kept, 0, kept.length, s.values, i * stride, s.labelSet[i]);
  }

  return {
    profile: { ...p, locations, samples: out.finish() },
    focusMatched: fm,
    ignoreMatched: im,
    hideMatched: hm,
    showMatched: hnm,
  };
}

/** Caches regexp tests per function and pattern: many locations share a function. */
type FunctionMatcher = (fn: ProfileFunction, re: RegExp) => boolean;

function functionMatcher(): FunctionMatcher {
  const cache = new Map<RegExp, Map<ProfileFunction, boolean>>();
  return (fn, re) => {
    let byFn = cache.get(re);
    if (byFn === undefined) {
      byFn = new Map();
      cache.set(re, byFn);
    }
    let m = byFn.get(fn);
    if (m === undefined) {
      m = re.test(fn.name) || re.test(fn.filename);
      byFn.set(fn, m);
    }
    return m;
  };
}

function lineMatches(ln: Line, re: RegExp, fnMatch: FunctionMatcher): boolean {
  return ln.function !== undefined && fnMatch(ln.function, re);
}

function mappingMatches(loc: Location, re: RegExp): boolean {
  return loc.mapping !== undefined && re.test(loc.mapping.file);
}

/** pprof's Location.matchesName: any line's function name or file, or the mapping's file. */
export function matchesName(loc: Location, re: RegExp, fnMatch: FunctionMatcher = functionMatcher()): boolean {
  for (const ln of loc.lines) if (lineMatches(ln, re, fnMatch)) return true;
  return mappingMatches(loc, re);
}
