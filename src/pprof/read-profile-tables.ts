/**
 * Pass 1 of the streaming decoder: walks the top-level fields of profile.proto
 * once, decoding everything except the samples (the string table, mappings,
 * locations, functions, scalars) into raw records that still hold string
 * indices and ids, and counting the samples so that pass 2 can size its typed
 * arrays exactly. Samples are only skipped here: in Go's encoding they come
 * before the string table and the locations they reference.
 */
import { GopprofError } from '../errors.ts';
import { type ProtobufReader, WIRE_LEN, WIRE_VARINT } from './protobuf-reader.ts';
import {
  type RawFunction,
  type RawLocation,
  type RawMapping,
  type RawValueType,
  readFunction,
  readLocation,
  readMapping,
  readRepeatedUint64,
  readValueType,
  readVarintField,
} from './read-table-entries.ts';

/** Everything but the samples, as found in the bytes. */
export interface RawProfileTables {
  readonly strings: string[];
  readonly sampleTypes: RawValueType[];
  readonly mappings: RawMapping[];
  readonly locations: RawLocation[];
  readonly functions: RawFunction[];
  readonly comments: number[];
  periodType: RawValueType | undefined;
  dropFrames: number;
  keepFrames: number;
  timeNanos: bigint;
  durationNanos: bigint;
  period: number;
  defaultSampleType: number;
  /** How many `sample` fields the profile has. */
  sampleCount: number;
  /** The summed length of all sample messages. */
  sampleBytes: number;
  /** How many location ids all samples hold together. */
  locationIdCount: number;
  /** How many table entries were read, towards maxTableEntries. */
  entries: number;
}

// Top-level field tags (field * 8 + wire type) of profile.proto.
const F_SAMPLE_TYPE = 1;
const F_SAMPLE = 2;
const F_MAPPING = 3;
const F_LOCATION = 4;
const F_FUNCTION = 5;
const F_STRING = 6;
const F_DROP_FRAMES = 7;
const F_KEEP_FRAMES = 8;
const F_TIME_NANOS = 9;
const F_DURATION_NANOS = 10;
const F_PERIOD_TYPE = 11;
const F_PERIOD = 12;
const F_COMMENT = 13;
const F_DEFAULT_SAMPLE_TYPE = 14;

/**
 * Reads every top-level field except the samples' contents. Throws
 * PROFILE_TOO_LARGE as soon as the tables pass `maxEntries` entries.
 */
export function readProfileTables(r: ProtobufReader, maxEntries: number): RawProfileTables {
  const t: RawProfileTables = {
    strings: [],
    sampleTypes: [],
    mappings: [],
    locations: [],
    functions: [],
    comments: [],
    periodType: undefined,
    dropFrames: 0,
    keepFrames: 0,
    timeNanos: 0n,
    durationNanos: 0n,
    period: 0,
    defaultSampleType: 0,
    sampleCount: 0,
    sampleBytes: 0,
    locationIdCount: 0,
    entries: 0,
  };
  const buf = r.buf;
  const end = buf.length;
  const text = new TextDecoder('utf-8', { ignoreBOM: true });
  let entries = 0;
  const count = (n: number): void => {
    entries += n;
    if (entries > maxEntries) throw tooManyEntries(maxEntries);
  };
  r.pos = 0;
  while (r.pos < end) {
    const at = r.pos;
    const tag = r.tag();
    const field = Math.floor(tag / 8);
    switch (field) {
      case F_SAMPLE_TYPE:
        r.expectWireType(tag, WIRE_LEN, 'sample_type', at);
        t.sampleTypes.push(readValueType(r, r.lengthEnd(end)));
        count(1);
        break;
      case F_SAMPLE:
        r.expectWireType(tag, WIRE_LEN, 'sample', at);
        countSample(r, end, t);
        break;
      case F_MAPPING:
        r.expectWireType(tag, WIRE_LEN, 'mapping', at);
        t.mappings.push(readMapping(r, r.lengthEnd(end)));
        count(1);
        break;
      case F_LOCATION:
        r.expectWireType(tag, WIRE_LEN, 'location', at);
        count(1 + t.locations[t.locations.push(readLocation(r, r.lengthEnd(end))) - 1].lines.length / 2);
        break;
      case F_FUNCTION:
        r.expectWireType(tag, WIRE_LEN, 'function', at);
        t.functions.push(readFunction(r, r.lengthEnd(end)));
        count(1);
        break;
      case F_STRING: {
        r.expectWireType(tag, WIRE_LEN, 'string_table', at);
        const stop = r.lengthEnd(end);
        t.strings.push(stop === r.pos ? '' : text.decode(buf.subarray(r.pos, stop)));
        r.pos = stop;
        count(1);
        break;
      }
      case F_DROP_FRAMES:
        t.dropFrames = readVarintField(r, tag, 'drop_frames', at);
        break;
      case F_KEEP_FRAMES:
        t.keepFrames = readVarintField(r, tag, 'keep_frames', at);
        break;
      case F_TIME_NANOS:
        r.expectWireType(tag, WIRE_VARINT, 'time_nanos', at);
        t.timeNanos = r.int64BigInt();
        break;
      case F_DURATION_NANOS:
        r.expectWireType(tag, WIRE_VARINT, 'duration_nanos', at);
        t.durationNanos = r.int64BigInt();
        break;
      case F_PERIOD_TYPE:
        r.expectWireType(tag, WIRE_LEN, 'period_type', at);
        t.periodType = readValueType(r, r.lengthEnd(end));
        break;
      case F_PERIOD:
        r.expectWireType(tag, WIRE_VARINT, 'period', at);
        t.period = r.int64();
        break;
      case F_COMMENT:
        count(-t.comments.length);
        readRepeatedUint64(r, tag, end, 'comment', at, t.comments);
        count(t.comments.length);
        break;
      case F_DEFAULT_SAMPLE_TYPE:
        t.defaultSampleType = readVarintField(r, tag, 'default_sample_type', at);
        break;
      default:
        r.skip(tag & 7, end, at);
    }
  }
  t.entries = entries;
  return t;
}

/** PROFILE_TOO_LARGE for a profile with more table entries than `max`. */
export function tooManyEntries(max: number): GopprofError {
  return new GopprofError(
    'PROFILE_TOO_LARGE',
    `the profile has more than ${max} table entries (strings, mappings, locations, lines, functions, sample types, comments, label sets): the cap is maxTableEntries`,
    { details: { maxTableEntries: max } },
  );
}

/**
 * Counts a sample and its location ids without decoding them: one byte below
 * 0x80 ends each varint of a packed run. Malformed samples are left to pass 2,
 * which reports them precisely.
 */
function countSample(r: ProtobufReader, end: number, t: RawProfileTables): void {
  const stop = r.lengthEnd(end);
  t.sampleBytes += stop - r.pos;
  t.sampleCount++;
  const buf = r.buf;
  while (r.pos < stop) {
    const at = r.pos;
    const tag = r.tag();
    if (tag === ((1 << 3) | WIRE_LEN)) {
      const runEnd = r.lengthEnd(stop);
      let ids = 0;
      for (let pos = r.pos; pos < runEnd; pos++) ids += (buf[pos] >>> 7) ^ 1;
      t.locationIdCount += ids;
      r.pos = runEnd;
    } else {
      if (tag === ((1 << 3) | WIRE_VARINT)) t.locationIdCount++;
      r.skip(tag & 7, stop, at);
    }
  }
  r.pos = stop;
}
