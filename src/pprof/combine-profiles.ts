/**
 * combineProfiles: `-diff_base` and `-base`, as `go tool pprof` combines a
 * profile with a base before reporting.
 *
 * The base is negated and merged into the source, so identical stacks
 * cancel. With 'diff_base' every base sample also carries the label
 * pprof::base=true: the base samples then stay separate in the merge, and
 * the report takes its total (the 100% of percentages) from them. With
 * 'base' the result is a plain subtraction (e.g. for delta heap profiles).
 */
import { GopprofError } from '../errors.ts';
import { commonValueType, scale } from '../measurement/index.ts';
import { BASE_LABEL } from './base-label.ts';
import { checkCompatible, mergeProfiles } from './merge-profiles.ts';
import type { LabelSet, Profile, ValueType } from './profile.ts';
import { scaleProfile } from './scale-profile.ts';

/** How the base is used. */
export type CombineMode = 'diff_base' | 'base';

/** Options of combineProfiles. */
export interface CombineOptions {
  /** Scale the source so each sample type sums to the base's total first (pprof's -normalize). */
  readonly normalize: boolean;
}

/**
 * Returns source − base (see the file comment). Throws PROFILE_MISMATCH when
 * the sample or period types cannot be combined.
 */
export function combineProfiles(
  source: Profile,
  base: Profile,
  mode: CombineMode,
  options: Partial<CombineOptions> = {},
): Profile {
  if (mode !== 'diff_base' && mode !== 'base') {
    throw new GopprofError('OPTION_INVALID', `combine mode ${JSON.stringify(mode)} is not diff_base or base`);
  }
  let b = mode === 'diff_base' ? withLabel(base, BASE_LABEL, ['true']) : base;
  let s = source;
  if (options.normalize === true) s = normalize(s, b);
  b = scaleProfile(b, b.sampleTypes.map(() => -1));
  [s, b] = scaleUnits(s, b);
  return mergeProfiles([s, b]);
}

/** pprof's Profile.SetLabel on every sample: the key gets exactly `values`. */
function withLabel(p: Profile, key: string, values: readonly string[]): Profile {
  const labelSets: LabelSet[] = p.labelSets.map((set) => ({ ...set, labels: { ...set.labels, [key]: values } }));
  return { ...p, labelSets };
}

/** pprof's Profile.Normalize: source × (Σbase / Σsource) per sample type (0 when the source sums to 0). */
function normalize(p: Profile, base: Profile): Profile {
  checkCompatible(p, base);
  const sums = (q: Profile): number[] => {
    const n = q.sampleTypes.length;
    const out = new Array<number>(n).fill(0);
    for (let i = 0; i < q.samples.count * n; i++) out[i % n] += q.samples.values[i];
    return out;
  };
  const b = sums(base);
  const s = sums(p);
  return scaleProfile(
    p,
    s.map((v, i) => (v === 0 ? 0 : b[i] / v)),
  );
}

/**
 * pprof's measurement.ScaleProfiles for two profiles: converts both to the
 * finer of each pair of compatible units (e.g. microseconds and
 * nanoseconds → nanoseconds).
 */
function scaleUnits(a: Profile, b: Profile): [Profile, Profile] {
  if (a.sampleTypes.length !== b.sampleTypes.length) {
    throw new GopprofError(
      'PROFILE_MISMATCH',
      `inconsistent samples type count: ${a.sampleTypes.length} != ${b.sampleTypes.length}`,
    );
  }
  const periods = [a.periodType, b.periodType].filter((t): t is ValueType => t !== undefined);
  const period = commonValueType(periods);
  const types = a.sampleTypes.map((t, i) => commonValueType([t, b.sampleTypes[i]]));
  const convert = (p: Profile): Profile => {
    let q = p;
    if (p.periodType !== undefined && period !== undefined) {
      const [v] = scale(p.period, p.periodType.unit, period.unit);
      q = { ...q, period: Math.trunc(v), periodType: { ...p.periodType, unit: period.unit } };
    }
    const ratios = p.sampleTypes.map((t, i) => (types[i] === undefined ? 1 : scale(1, t.unit, types[i]!.unit)[0]));
    const sampleTypes = p.sampleTypes.map((t, i) => (types[i] === undefined ? t : { ...t, unit: types[i]!.unit }));
    return scaleProfile({ ...q, sampleTypes }, ratios);
  };
  return [convert(a), convert(b)];
}
