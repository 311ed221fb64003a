/**
 * mergeProfiles: pprof's profile.Merge — several profiles of the same types
 * become one, with identical samples added up.
 *
 * Mappings are identified by size (rounded up to 4 KiB), offset and build id
 * or file; functions by name, system name, file and start line; locations by
 * mapping-relative address, lines and folding; samples by locations, labels
 * and numeric labels. Samples whose values are all zero are dropped, and the
 * result is compacted (only referenced entities are kept, renumbered from 1).
 */
import { GopprofError } from '../errors.ts';
import {
  EMPTY_LABEL_SET,
  type LabelSet,
  type Line,
  type Location,
  type Mapping,
  type Profile,
  type ProfileFunction,
  type Samples,
  type ValueType,
} from './profile.ts';
import { SamplesBuilder } from './samples-builder.ts';
import { growTypedArray as grow } from './grow-typed-array.ts';

/** Merges `profiles` (at least one) like pprof; throws PROFILE_MISMATCH for incompatible types. */
export function mergeProfiles(profiles: readonly Profile[]): Profile {
  if (profiles.length === 0) throw new GopprofError('INTERNAL', 'no profiles to merge');
  // Merging a merged profile changes nothing but numbering: skip the work.
  if (profiles.length === 1 && MERGED.has(profiles[0])) return profiles[0];
  const header = combineHeaders(profiles);
  const stride = header.sampleTypes.length;

  const mappings: Mapping[] = [];
  const mappingByKey = new Map<string, Mapping>();
  const functions: ProfileFunction[] = [];
  const functionByKey = new Map<string, ProfileFunction>();
  const locations: Location[] = [];
  const locationByKey = new Map<string, number>();
  const labelSets: LabelSet[] = [EMPTY_LABEL_SET];
  const labelSetByKey = new Map<string, number>([[labelSetKey(EMPTY_LABEL_SET), 0]]);
  const out = new SampleTable(stride);

  for (const src of profiles) {
    const mappingInfo = new Map<Mapping, { m: Mapping; offset: bigint }>();
    const fnMap = new Map<ProfileFunction, ProfileFunction>();
    const locMap = new Int32Array(src.locations.length).fill(-1);
    const setMap = new Int32Array(src.labelSets.length).fill(-1);

    const mapMapping = (m: Mapping | undefined): { m: Mapping | undefined; offset: bigint } => {
      if (m === undefined) return { m: undefined, offset: 0n };
      const known = mappingInfo.get(m);
      if (known !== undefined) return known;
      const key = mappingKey(m);
      const existing = mappingByKey.get(key);
      if (existing !== undefined) {
        const mi = { m: existing, offset: existing.start - m.start };
        mappingInfo.set(m, mi);
        return mi;
      }
      const nm: Mapping = { ...m, id: mappings.length + 1 };
      mappings.push(nm);
      mappingByKey.set(key, nm);
      const mi = { m: nm, offset: 0n };
      mappingInfo.set(m, mi);
      return mi;
    };
    const mapFunction = (f: ProfileFunction | undefined): ProfileFunction | undefined => {
      if (f === undefined) return undefined;
      let nf = fnMap.get(f);
      if (nf !== undefined) return nf;
      const key = JSON.stringify([f.startLine, f.name, f.systemName, f.filename]);
      nf = functionByKey.get(key);
      if (nf === undefined) {
        nf = { ...f, id: functions.length + 1 };
        functions.push(nf);
        functionByKey.set(key, nf);
      }
      fnMap.set(f, nf);
      return nf;
    };
    const mapLocation = (li: number): number => {
      if (locMap[li] >= 0) return locMap[li];
      const l = src.locations[li];
      const mi = mapMapping(l.mapping);
      const lines: Line[] = l.lines.map((ln) => ({ function: mapFunction(ln.function), line: ln.line }));
      const address = BigInt.asUintN(64, l.address + mi.offset);
      const loc: Location = { id: locations.length + 1, mapping: mi.m, address, lines, isFolded: l.isFolded };
      const key = locationKey(loc);
      let idx = locationByKey.get(key);
      if (idx === undefined) {
        idx = locations.length;
        locations.push(loc);
        locationByKey.set(key, idx);
      }
      locMap[li] = idx;
      return idx;
    };
    const mapLabelSet = (si: number): number => {
      if (setMap[si] >= 0) return setMap[si];
      const set = src.labelSets[si];
      const key = labelSetKey(set);
      let idx = labelSetByKey.get(key);
      if (idx === undefined) {
        idx = labelSets.length;
        labelSets.push(set);
        labelSetByKey.set(key, idx);
      }
      setMap[si] = idx;
      return idx;
    };

    // The first mapping is the main binary: map it first so it stays first.
    if (mappings.length === 0 && src.mappings.length > 0) mapMapping(src.mappings[0]);

    const s = src.samples;
    for (let i = 0; i < s.count; i++) {
      const base = i * stride;
      let zero = true;
      for (let t = 0; t < stride; t++) if (s.values[base + t] !== 0) zero = false;
      if (zero) continue;
      for (let k = s.locationOffsets[i]; k < s.locationOffsets[i + 1]; k++) out.pushLocation(mapLocation(s.locationIndex[k]));
      out.endSample(mapLabelSet(s.labelSet[i]), s.values, base);
    }
  }

  const samples = out.finish();
  const merged: Profile = { ...header, samples, labelSets, mappings, locations, functions };
  for (let i = 0; i < samples.count; i++) {
    let zero = true;
    for (let t = 0; t < stride; t++) if (samples.values[i * stride + t] !== 0) zero = false;
    // Merged samples that cancelled out: merge again to drop and compact them, as pprof does.
    if (zero) return mergeProfiles([merged]);
  }
  MERGED.add(merged);
  return merged;
}

/** Profiles this module produced: already merged. */
const MERGED = new WeakSet<Profile>();

type Header = Omit<Profile, 'samples' | 'labelSets' | 'mappings' | 'locations' | 'functions'>;

/** pprof's combineHeaders: checks compatibility and merges the profile-level fields. */
function combineHeaders(srcs: readonly Profile[]): Header {
  const first = srcs[0];
  for (const s of srcs.slice(1)) checkCompatible(first, s);
  let timeNanos = 0n;
  let durationNanos = 0n;
  let period = 0;
  const comments: string[] = [];
  const seen = new Set<string>();
  let defaultSampleType = '';
  for (const s of srcs) {
    if (timeNanos === 0n || s.timeNanos < timeNanos) timeNanos = s.timeNanos;
    durationNanos += s.durationNanos;
    if (period === 0 || period < s.period) period = s.period;
    for (const c of s.comments) {
      if (!seen.has(c)) {
        comments.push(c);
        seen.add(c);
      }
    }
    if (defaultSampleType === '') defaultSampleType = s.defaultSampleType;
  }
  return {
    sampleTypes: first.sampleTypes.map((t) => ({ ...t })),
    defaultSampleType,
    dropFrames: first.dropFrames,
    keepFrames: first.keepFrames,
    timeNanos,
    durationNanos,
    periodType: first.periodType,
    period,
    comments,
  };
}

/** pprof's Profile.compatible: same period type and the same sample types in the same order. */
export function checkCompatible(a: Profile, b: Profile): void {
  const fmt = (t: ValueType | undefined) => (t === undefined ? '<nil>' : `${t.type}/${t.unit}`);
  const eq = (x: ValueType | undefined, y: ValueType | undefined) =>
    (x?.type ?? '') === (y?.type ?? '') && (x?.unit ?? '') === (y?.unit ?? '');
  if (!eq(a.periodType, b.periodType)) {
    throw new GopprofError('PROFILE_MISMATCH', `incompatible period types ${fmt(a.periodType)} and ${fmt(b.periodType)}`);
  }
  const same = a.sampleTypes.length === b.sampleTypes.length && a.sampleTypes.every((t, i) => eq(t, b.sampleTypes[i]));
  if (!same) {
    throw new GopprofError(
      'PROFILE_MISMATCH',
      `incompatible sample types [${a.sampleTypes.map(fmt).join(' ')}] and [${b.sampleTypes.map(fmt).join(' ')}]`,
    );
  }
}

/**
 * Whether `p` has two mappings pprof's merge folds into one (equal Mapping.key:
 * rounded size, offset, build id or file). Their locations then name the
 * first one's file, which shows in `[binary]` nodes, so a report of a single
 * profile must merge it too.
 */
export function hasMergeableMappings(p: Profile): boolean {
  const keys = new Set<string>();
  for (const m of p.mappings) {
    const key = mappingKey(m);
    if (keys.has(key)) return true;
    keys.add(key);
  }
  return false;
}

/** pprof's Mapping.key: size rounded up to 4 KiB, offset, and build id or else file. */
function mappingKey(m: Mapping): string {
  const round = 0x1000n;
  let size = BigInt.asUintN(64, m.limit - m.start);
  size = BigInt.asUintN(64, size + round - 1n);
  size -= size % round;
  const id = m.buildId !== '' ? m.buildId : m.file;
  return `${size}/${m.offset}/${id}`;
}

/** pprof's Location.key: mapping-relative address, mapping, folding and (function, line) pairs. */
function locationKey(l: Location): string {
  let addr = l.address;
  let mappingId = 0;
  if (l.mapping !== undefined) {
    addr = BigInt.asUintN(64, addr - l.mapping.start);
    mappingId = l.mapping.id;
  }
  const lines = l.lines.map((ln) => `${ln.function?.id ?? ''}:${ln.line}`).join('|');
  return `${addr}/${mappingId}/${l.isFolded}/${lines}`;
}

/** A key equal for label sets with the same labels and numeric labels (value lists in order). */
function labelSetKey(s: LabelSet): string {
  const labels = Object.keys(s.labels)
    .sort()
    .map((k) => JSON.stringify([k, s.labels[k]]));
  const nums = Object.keys(s.numLabels)
    .sort()
    .map((k) => JSON.stringify([k, s.numLabels[k], s.numUnits[k] ?? []]));
  return `${labels.join('')}#${nums.join('')}`;
}

/**
 * The merged samples: a SamplesBuilder plus an open-addressing hash table
 * that finds an identical sample (same locations, same label set) again, so
 * that merging 800k samples costs no string key per sample.
 */
class SampleTable {
  readonly #samples: SamplesBuilder;
  /** The locations of the sample being read, until endSample. */
  #pending = new Uint32Array(64);
  #nPending = 0;
  #hashes = new Uint32Array(1024);
  #slots = new Int32Array(2048).fill(-1);

  constructor(stride: number) {
    this.#samples = new SamplesBuilder(stride, 1024, 8192);
  }

  /** Appends a location (leaf first) to the sample being read. */
  pushLocation(loc: number): void {
    if (this.#nPending === this.#pending.length) this.#pending = grow(this.#pending, this.#nPending + 1);
    this.#pending[this.#nPending++] = loc;
  }

  /** Ends the sample being read: adds its values to an identical sample, or keeps it as a new one. */
  endSample(set: number, values: ArrayLike<number>, valueOffset: number): void {
    const locs = this.#pending;
    const n = this.#nPending;
    this.#nPending = 0;
    let h = Math.imul(set + 1, 0x9e3779b1);
    for (let k = 0; k < n; k++) h = Math.imul(h ^ locs[k], 0x85ebca6b) + 0x27d4eb2f;
    h = (h ^ (h >>> 15) ^ n) >>> 0;
    const samples = this.#samples;
    const mask = this.#slots.length - 1;
    let slot = h & mask;
    for (;;) {
      const idx = this.#slots[slot];
      if (idx < 0) break;
      if (this.#hashes[idx] === h && samples.matches(idx, locs, 0, n, set)) {
        samples.addValues(idx, values, valueOffset);
        return;
      }
      slot = (slot + 1) & mask;
    }
    const idx = samples.count;
    samples.push(locs, 0, n, values, valueOffset, set);
    if (idx + 1 > this.#hashes.length) this.#hashes = grow(this.#hashes, idx + 1);
    this.#hashes[idx] = h;
    this.#slots[slot] = idx;
    if (samples.count * 2 > this.#slots.length) this.#rehash();
  }

  #rehash(): void {
    const slots = new Int32Array(this.#slots.length * 2).fill(-1);
    const mask = slots.length - 1;
    for (let idx = 0; idx < this.#samples.count; idx++) {
      let slot = this.#hashes[idx] & mask;
      while (slots[slot] >= 0) slot = (slot + 1) & mask;
      slots[slot] = idx;
    }
    this.#slots = slots;
  }

  finish(): Samples {
    return this.#samples.finish();
  }
}
