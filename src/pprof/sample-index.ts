/**
 * sampleIndexByName: which sample value a report shows, chosen the way
 * pprof's -sample_index chooses it.
 */
import { GopprofError } from '../errors.ts';
import type { Profile } from './profile.ts';

/**
 * Resolves a sample index: '' picks the profile's default sample type, else
 * the last type (so Go heap profiles show inuse_space and CPU profiles cpu);
 * a number (or decimal string) is a 0-based index; a name matches a type,
 * also without an `inuse_` prefix (legacy `-inuse_space` on `space` types).
 * Throws SAMPLE_INDEX_INVALID naming the valid choices.
 */
export function sampleIndexByName(p: Profile, sampleIndex: string | number): number {
  const types = p.sampleTypes.map((t) => t.type);
  if (types.length === 0) throw new GopprofError('SAMPLE_INDEX_INVALID', 'profile has no samples (no sample types)');
  if (sampleIndex === '') {
    if (p.defaultSampleType !== '') {
      const i = types.indexOf(p.defaultSampleType);
      if (i >= 0) return i;
    }
    return types.length - 1;
  }
  const asNumber = typeof sampleIndex === 'number' ? sampleIndex : parseAtoi(sampleIndex);
  if (asNumber !== undefined) {
    if (!Number.isInteger(asNumber) || asNumber < 0 || asNumber >= types.length) {
      throw new GopprofError(
        'SAMPLE_INDEX_INVALID',
        `sample_index ${sampleIndex} is outside the range [0..${types.length - 1}]`,
        { details: { sampleIndex: String(sampleIndex), valid: types.join(' ') } },
      );
    }
    return asNumber;
  }
  const name = String(sampleIndex);
  const noInuse = name.startsWith('inuse_') ? name.slice('inuse_'.length) : name;
  for (let i = 0; i < types.length; i++) if (types[i] === name || types[i] === noInuse) return i;
  throw new GopprofError('SAMPLE_INDEX_INVALID', `sample_index "${name}" must be one of: [${types.join(' ')}]`, {
    details: { sampleIndex: name, valid: types.join(' ') },
  });
}

/** Go's strconv.Atoi on a decimal string: optional sign and digits only. */
function parseAtoi(s: string): number | undefined {
  return /^[+-]?[0-9]+$/.test(s) ? Number(s) : undefined;
}
