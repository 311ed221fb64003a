/**
 * removeUninteresting: applies a profile's own drop_frames/keep_frames
 * (pprof's Profile.RemoveUninteresting and Prune), which `go tool pprof`
 * does to every profile it reads.
 *
 * Frames whose (simplified) function name matches drop_frames and not
 * keep_frames are removed together with everything they call, except that
 * frames before the first "user" frame of a sample (seen from the root) are
 * never pruned, so a sample is not emptied.
 */
import { isGopprofError } from '../errors.ts';
import type { Location, Profile } from './profile.ts';
import { compileGoRegexp } from './go-regexp.ts';
import { SamplesBuilder } from './samples-builder.ts';

/**
 * Prunes `p` by its dropFrames/keepFrames. Like pprof, an invalid pattern
 * leaves the profile unchanged (pprof ignores that error); so does one too
 * expensive to match (the profiled program wrote it, not the caller).
 */
export function removeUninteresting(p: Profile): Profile {
  if (p.dropFrames === '') return p;
  try {
    const drop = compileGoRegexp(`^(${p.dropFrames})$`, 'drop_frames');
    const keep = p.keepFrames !== '' ? compileGoRegexp(`^(${p.keepFrames})$`, 'keep_frames') : undefined;
    return prune(p, drop, keep);
  } catch (err) {
    if (isGopprofError(err, 'REGEXP_INVALID')) return p;
    throw err;
  }
}

const PRUNE = 1;
const PRUNE_BENEATH = 2;

/** pprof's Profile.Prune(dropRx, keepRx). */
export function prune(p: Profile, drop: RegExp, keep: RegExp | undefined): Profile {
  const n = p.locations.length;
  const mark = new Uint8Array(n);
  const locations: Location[] = p.locations.slice();
  let any = false;
  for (let l = 0; l < n; l++) {
    const loc = p.locations[l];
    let i = loc.lines.length - 1;
    for (; i >= 0; i--) {
      const fn = loc.lines[i].function;
      if (fn !== undefined && fn.name !== '') {
        const name = simplifyFunc(fn.name);
        if (drop.test(name) && (keep === undefined || !keep.test(name))) break;
      }
    }
    if (i < 0) continue;
    any = true;
    if (i === loc.lines.length - 1) mark[l] = PRUNE;
    else {
      mark[l] = PRUNE_BENEATH;
      locations[l] = { ...loc, lines: loc.lines.slice(i + 1) };
    }
  }
  if (!any) return p;

  const s = p.samples;
  const stride = p.sampleTypes.length;
  const out = new SamplesBuilder(stride, s.count, s.locationIndex.length);
  for (let i = 0; i < s.count; i++) {
    let from = s.locationOffsets[i];
    const to = s.locationOffsets[i + 1];
    let foundUser = false;
    for (let k = to - 1; k >= from; k--) {
      const m = mark[s.locationIndex[k]];
      if (m === 0) {
        foundUser = true;
        continue;
      }
      if (!foundUser) continue;
      from = m === PRUNE ? k + 1 : k;
      break;
    }
    out.push(s.locationIndex, from, to, s.values, i * stride, s.labelSet[i]);
  }
  return { ...p, locations, samples: out.finish() };
}

const RESERVED = ['(anonymous namespace)', 'operator()'];
const bracketRx = /\(anonymous namespace\)|operator\(\)|\(/g;

/**
 * pprof's simplifyFunc: drops a leading '.' (PPC64 ELF v1) and an argument
 * list, i.e. everything from the first '(' that does not start a reserved
 * name such as "(anonymous namespace)".
 */
export function simplifyFunc(f: string): string {
  const name = f.startsWith('.') ? f.slice(1) : f;
  for (const m of name.matchAll(bracketRx)) {
    if (!RESERVED.includes(m[0])) return name.slice(0, m.index);
  }
  return name;
}
