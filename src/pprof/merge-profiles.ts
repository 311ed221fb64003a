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
      const start = out.beginLocations();
      for (let k = s.locationOffsets[i]; k < s.locationOffsets[i + 1]; k++) out.pushLocation(mapLocation(s.locationIndex[k]));
      out.endSample(start, mapLabelSet(s.labelSet[i]), s.values, base);
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
 * The merged samples: locations, label set and summed values, found again
 * by (locations, label set) through an open-addressing hash table, so that
 * merging 800k samples costs no string key per sample.
 */
class SampleTable {
  readonly #stride: number;
  #count = 0;
  #nLocs = 0;
  #offsets = new Uint32Array(1024);
  #locs = new Uint32Array(8192);
  #sets = new Uint32Array(1024);
  #hashes = new Uint32Array(1024);
  #values: Float64Array;
  #slots = new Int32Array(2048).fill(-1);

  constructor(stride: number) {
    this.#stride = stride;
    this.#values = new Float64Array(1024 * stride);
  }

  /** Starts a sample's location list; returns its start for endSample. */
  beginLocations(): number {
    return this.#nLocs;
  }

  pushLocation(loc: number): void {
    if (this.#nLocs === this.#locs.length) this.#locs = grow(this.#locs, this.#nLocs + 1);
    this.#locs[this.#nLocs++] = loc;
  }

  /** Ends the sample begun at `start`: adds its values to an identical sample, or keeps it as a new one. */
  endSample(start: number, set: number, values: ArrayLike<number>, valueOffset: number): void {
    const locs = this.#locs;
    const end = this.#nLocs;
    let h = Math.imul(set + 1, 0x9e3779b1);
    for (let k = start; k < end; k++) h = Math.imul(h ^ locs[k], 0x85ebca6b) + 0x27d4eb2f;
    h = (h ^ (h >>> 15) ^ (end - start)) >>> 0;
    const stride = this.#stride;
    const mask = this.#slots.length - 1;
    let slot = h & mask;
    for (;;) {
      const idx = this.#slots[slot];
      if (idx < 0) break;
      if (this.#hashes[idx] === h && this.#sets[idx] === set && this.#sameLocations(idx, start, end)) {
        this.#nLocs = start;
        for (let t = 0; t < stride; t++) this.#values[idx * stride + t] += values[valueOffset + t];
        return;
      }
      slot = (slot + 1) & mask;
    }
    const idx = this.#count++;
    if (idx + 2 > this.#offsets.length) {
      this.#offsets = grow(this.#offsets, idx + 2);
      this.#sets = grow(this.#sets, idx + 1);
      this.#hashes = grow(this.#hashes, idx + 1);
    }
    if ((idx + 1) * stride > this.#values.length) this.#values = grow(this.#values, (idx + 1) * stride);
    this.#slots[slot] = idx;
    this.#sets[idx] = set;
    this.#hashes[idx] = h;
    this.#offsets[idx + 1] = end;
    for (let t = 0; t < stride; t++) this.#values[idx * stride + t] = values[valueOffset + t];
    if (this.#count * 2 > this.#slots.length) this.#rehash();
  }

  #sameLocations(idx: number, start: number, end: number): boolean {
    const from = this.#offsets[idx];
    if (this.#offsets[idx + 1] - from !== end - start) return false;
    for (let k = 0; k < end - start; k++) if (this.#locs[from + k] !== this.#locs[start + k]) return false;
    return true;
  }

  #rehash(): void {
    const slots = new Int32Array(this.#slots.length * 2).fill(-1);
    const mask = slots.length - 1;
    for (let idx = 0; idx < this.#count; idx++) {
      let slot = this.#hashes[idx] & mask;
      while (slots[slot] >= 0) slot = (slot + 1) & mask;
      slots[slot] = idx;
    }
    this.#slots = slots;
  }

  finish(): Samples {
    const n = this.#count;
    return {
      count: n,
      locationOffsets: this.#offsets.slice(0, n + 1),
      locationIndex: this.#locs.slice(0, this.#nLocs),
      values: this.#values.slice(0, n * this.#stride),
      labelSet: this.#sets.slice(0, n),
    };
  }
}

function grow<T extends Uint32Array | Float64Array>(a: T, min: number): T {
  const next = new (a.constructor as new (n: number) => T)(Math.max(min, a.length * 2));
  next.set(a);
  return next;
}
