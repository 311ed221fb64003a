/**
 * Pass 2 of the streaming decoder: walks the top-level fields again and decodes
 * every `sample` straight into the column-wise typed arrays of the Profile
 * model, with no object per sample. This loop is where a 40 MB heap profile
 * spends its time, so it reads varints through ProtobufReader's number paths
 * only and resolves location ids through a dense array when ids are compact.
 */
import { GopprofError } from '../errors.ts';
import type { LabelInterner } from './label-interner.ts';
import type { Samples } from './profile.ts';
import { type ProtobufReader, WIRE_LEN } from './protobuf-reader.ts';

/** Maps location ids to indices into Profile.locations. */
export interface LocationLookup {
  /** index + 1 by id, 0 when unknown; covers ids below its length. */
  readonly dense: Uint32Array;
  /** Ids at or above dense.length. */
  readonly sparse: ReadonlyMap<number, number>;
}

const SAMPLE_FIELDS = ['', 'location_id', 'value', 'label'];
const TAG_SAMPLE = (2 << 3) | WIRE_LEN;
const TAG_LOCATION_ID = 1 << 3;
const TAG_LOCATION_IDS = (1 << 3) | WIRE_LEN;
const TAG_VALUE = 2 << 3;
const TAG_VALUES = (2 << 3) | WIRE_LEN;
const TAG_LABEL = (3 << 3) | WIRE_LEN;

/**
 * Decodes all samples. `count` comes from pass 1; `sampleBytes` (the summed
 * lengths of all sample messages) sizes the first location buffer.
 */
export function decodeSamples(
  r: ProtobufReader,
  count: number,
  sampleBytes: number,
  nTypes: number,
  locations: LocationLookup,
  labels: LabelInterner,
): Samples {
  const end = r.buf.length;
  const values = new Float64Array(count * nTypes);
  const labelSet = new Uint32Array(count);
  const locationOffsets = new Uint32Array(count + 1);
  // A location id takes at least one byte; most samples are location ids.
  let locationIndex: Uint32Array = new Uint32Array(Math.max(16, Math.ceil(sampleBytes / 2)));
  const { dense, sparse } = locations;
  let k = 0;
  let i = 0;
  r.pos = 0;
  while (r.pos < end) {
    const sampleAt = r.pos;
    const tag = r.tag();
    if (tag !== TAG_SAMPLE) {
      r.skip(tag & 7, end, sampleAt);
      continue;
    }
    const stop = r.lengthEnd(end);
    locationOffsets[i] = k;
    const base = i * nTypes;
    let t = 0;
    labels.begin();
    while (r.pos < stop) {
      const at = r.pos;
      const ftag = r.tag();
      if (ftag === TAG_LOCATION_IDS || ftag === TAG_LOCATION_ID) {
        // Packed (what Go writes) or one id per field (what some writers do):
        // for the latter the run "ends" after the first byte, so one id is read.
        const packed = ftag === TAG_LOCATION_IDS;
        const runEnd = packed ? r.lengthEnd(stop) : r.pos + 1;
        while (r.pos < runEnd) {
          const id = r.uint64();
          const index = (id < dense.length ? dense[id] : (sparse.get(id) ?? -1) + 1) - 1;
          if (index < 0) {
            // A varint running past its packed run is malformed bytes, not a bad reference.
            if (packed && r.pos > runEnd) r.expectEnd(runEnd, 'packed Sample.location_id', at);
            throw new GopprofError('PROFILE_INVALID', `sample ${i} references unknown location id ${id}`);
          }
          if (k === locationIndex.length) locationIndex = grow(locationIndex);
          locationIndex[k++] = index;
        }
        if (packed) r.expectEnd(runEnd, 'packed Sample.location_id', at);
      } else if (ftag === TAG_VALUES || ftag === TAG_VALUE) {
        const packed = ftag === TAG_VALUES;
        const runEnd = packed ? r.lengthEnd(stop) : r.pos + 1;
        while (r.pos < runEnd) {
          const v = r.int64();
          if (Number.isNaN(v)) {
            if (packed && r.pos > runEnd) r.expectEnd(runEnd, 'packed Sample.value', at);
            throw valueRange(i, t);
          }
          if (t < nTypes) values[base + t] = v;
          t++;
        }
        if (packed) r.expectEnd(runEnd, 'packed Sample.value', at);
      } else if (ftag === TAG_LABEL) {
        labels.addLabel(r, r.lengthEnd(stop));
      } else {
        const field = ftag >>> 3;
        if (field <= 3) throw r.corrupt(`Sample.${SAMPLE_FIELDS[field]} (field ${field}) has wire type ${ftag & 7}`, at);
        r.skip(ftag & 7, stop, at);
      }
    }
    r.expectEnd(stop, `sample ${i}`, sampleAt);
    if (t !== nTypes) {
      throw new GopprofError(
        'PROFILE_INVALID',
        `sample ${i} has ${t} values but the profile has ${nTypes} sample types`,
      );
    }
    labelSet[i] = labels.end(i);
    i++;
  }
  locationOffsets[count] = k;
  return {
    count,
    locationOffsets,
    // Trim unless the slack is small: a copy costs as much memory as it saves.
    locationIndex: locationIndex.length - k > k / 8 ? locationIndex.slice(0, k) : locationIndex.subarray(0, k),
    values,
    labelSet,
  };
}

function grow(a: Uint32Array): Uint32Array {
  const bigger = new Uint32Array(Math.ceil(a.length * 1.5) + 16);
  bigger.set(a);
  return bigger;
}

function valueRange(sample: number, t: number): GopprofError {
  return new GopprofError(
    'PROFILE_VALUE_RANGE',
    `sample ${sample} value ${t} does not fit a float64 exactly (|v| > 2^53)`,
    { details: { sample, valueIndex: t } },
  );
}
