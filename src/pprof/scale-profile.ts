/**
 * scaleProfile: pprof's Profile.ScaleN — multiplies each sample type's
 * values by a ratio (rounding to the nearest integer, halves away from zero)
 * and drops samples whose scaled values are all zero.
 */
import type { Profile } from './profile.ts';
import { SamplesBuilder } from './samples-builder.ts';

/** Scales sample type t by `ratios[t]`; all-ones returns `p` itself. */
export function scaleProfile(p: Profile, ratios: readonly number[]): Profile {
  const stride = p.sampleTypes.length;
  if (ratios.length !== stride) throw new RangeError(`mismatched scale ratios, got ${ratios.length}, want ${stride}`);
  if (ratios.every((r) => r === 1)) return p;
  const s = p.samples;
  const out = new SamplesBuilder(stride, s.count, s.locationIndex.length);
  const v = new Float64Array(stride);
  for (let i = 0; i < s.count; i++) {
    let keep = false;
    for (let t = 0; t < stride; t++) {
      const x = s.values[i * stride + t];
      if (ratios[t] === 1) v[t] = x;
      else {
        v[t] = goRound(x * ratios[t]);
        keep ||= v[t] !== 0;
      }
    }
    if (keep) out.push(s.locationIndex, s.locationOffsets[i], s.locationOffsets[i + 1], v, 0, s.labelSet[i]);
  }
  return { ...p, samples: out.finish() };
}

/** Go's math.Round: nearest integer, halves away from zero; -0 becomes 0. */
export function goRound(x: number): number {
  const r = Math.sign(x) * Math.round(Math.abs(x));
  return r === 0 ? 0 : r;
}
