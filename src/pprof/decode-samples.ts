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
 * Decodes all samples; `count` and `locationIdCount` (the number of location
 * ids in all samples) come from pass 1 and size the arrays exactly.
 */
export function decodeSamples(
  r: ProtobufReader,
  count: number,
  locationIdCount: number,
  nTypes: number,
  locations: LocationLookup,
  labels: LabelInterner,
): Samples {
  const buf = r.buf;
  const end = buf.length;
  const values = new Float64Array(count * nTypes);
  const labelSet = new Uint32Array(count);
  const locationOffsets = new Uint32Array(count + 1);
  // Pass 1 counted the ids exactly. Only malformed runs could make more, and those throw.
  const locationIndex = new Uint32Array(locationIdCount);
  const { dense, sparse } = locations;
  const denseLength = dense.length;
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
      // Tags of sample fields are one byte; r.tag() handles the rest and the errors.
      let ftag = buf[at];
      if (ftag >= 8 && ftag < 0x80) r.pos = at + 1;
      else ftag = r.tag();
      if (ftag === TAG_LOCATION_IDS || ftag === TAG_LOCATION_ID) {
        // Packed (what Go writes) or one id per field (what some writers do):
        // for the latter the run "ends" after the first byte, so one id is read.
        const packed = ftag === TAG_LOCATION_IDS;
        const runEnd = packed ? r.lengthEnd(stop) : r.pos + 1;
        let pos = r.pos;
        while (pos < runEnd) {
          // Inline 1- and 2-byte varints (ids below 16384); r.uint64() for the rest.
          let id = buf[pos];
          if (id < 0x80) pos++;
          else if (buf[pos + 1] < 0x80) {
            id = (id & 0x7f) | (buf[pos + 1] << 7);
            pos += 2;
          } else {
            r.pos = pos;
            id = r.uint64();
            pos = r.pos;
          }
          const index = (id < denseLength ? dense[id] : (sparse.get(id) ?? -1) + 1) - 1;
          if (index < 0) {
            r.pos = pos;
            // A varint running past its packed run is malformed bytes, not a bad reference.
            if (packed && pos > runEnd) r.expectEnd(runEnd, 'packed Sample.location_id', at);
            throw new GopprofError('PROFILE_INVALID', `sample ${i} references unknown location id ${id}`);
          }
          locationIndex[k++] = index;
        }
        r.pos = pos;
        if (packed) r.expectEnd(runEnd, 'packed Sample.location_id', at);
      } else if (ftag === TAG_VALUES || ftag === TAG_VALUE) {
        const packed = ftag === TAG_VALUES;
        const runEnd = packed ? r.lengthEnd(stop) : r.pos + 1;
        while (r.pos < runEnd) {
          const b = buf[r.pos];
          let v: number;
          if (b < 0x80) {
            v = b;
            r.pos++;
          } else {
            v = r.int64();
            if (Number.isNaN(v)) {
              if (packed && r.pos > runEnd) r.expectEnd(runEnd, 'packed Sample.value', at);
              throw valueRange(i, t);
            }
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
      throw new GopprofError('PROFILE_INVALID', `sample ${i} has ${t} values but the profile has ${nTypes} sample types`);
    }
    labelSet[i] = labels.end(i);
    i++;
  }
  if (k !== locationIdCount) {
    throw new GopprofError('INTERNAL', `the samples hold ${k} location ids, pass 1 counted ${locationIdCount}`);
  }
  locationOffsets[count] = k;
  return { count, locationOffsets, locationIndex, values, labelSet };
}

function valueRange(sample: number, t: number): GopprofError {
  return new GopprofError(
    'PROFILE_VALUE_RANGE',
    `sample ${sample} value ${t} does not fit a float64 exactly (|v| > 2^53)`,
    { details: { sample, valueIndex: t } },
  );
}
