/**
 * showFrom: pprof's -show_from (profile.ShowFrom): drops every frame above
 * the highest (closest to the root) frame matching the pattern, and the
 * samples with no matching frame at all.
 */
import type { Location, Profile } from './profile.ts';
import { SamplesBuilder } from './samples-builder.ts';

/** The trimmed profile and whether the pattern matched any location. */
export interface ShowFromResult {
  readonly profile: Profile;
  readonly matched: boolean;
}

/** Applies -show_from to `p` (see the file comment); `p` is not modified. */
export function showFrom(p: Profile, re: RegExp): ShowFromResult {
  const n = p.locations.length;
  const hit = new Uint8Array(n);
  const locations: Location[] = p.locations.slice();
  let matched = false;
  for (let l = 0; l < n; l++) {
    const loc = p.locations[l];
    if (loc.mapping !== undefined && re.test(loc.mapping.file)) {
      hit[l] = 1;
      matched = true;
      continue;
    }
    for (let i = loc.lines.length - 1; i >= 0; i--) {
      const fn = loc.lines[i].function;
      if (fn !== undefined && (re.test(fn.name) || re.test(fn.filename))) {
        if (i !== loc.lines.length - 1) locations[l] = { ...loc, lines: loc.lines.slice(0, i + 1) };
        hit[l] = 1;
        matched = true;
        break;
      }
    }
  }
  const s = p.samples;
  const stride = p.sampleTypes.length;
  const out = new SamplesBuilder(stride, s.count, s.locationIndex.length);
  for (let i = 0; i < s.count; i++) {
    const from = s.locationOffsets[i];
    for (let k = s.locationOffsets[i + 1] - 1; k >= from; k--) {
      if (hit[s.locationIndex[k]] === 1) {
        out.push(s.locationIndex, from, k + 1, s.values, i * stride, s.labelSet[i]);
        break;
      }
    }
  }
  return { profile: { ...p, locations, samples: out.finish() }, matched };
}
