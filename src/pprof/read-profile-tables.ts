/**
 * Pass 1 of the streaming decoder: walks the top-level fields of profile.proto
 * once, decoding everything except the samples (the string table, mappings,
 * locations, functions, scalars) into raw records that still hold string
 * indices and ids, and counting the samples so that pass 2 can size its typed
 * arrays exactly. Samples are only skipped here: in Go's encoding they come
 * before the string table and the locations they reference.
 */
import { type ProtobufReader, WIRE_LEN, WIRE_VARINT } from './protobuf-reader.ts';

/** A ValueType with unresolved string indices. */
export interface RawValueType {
  readonly type: number;
  readonly unit: number;
}

export interface RawMapping {
  readonly id: number;
  readonly start: bigint;
  readonly limit: bigint;
  readonly offset: bigint;
  readonly file: number;
  readonly buildId: number;
  readonly hasFunctions: boolean;
  readonly hasFilenames: boolean;
  readonly hasLineNumbers: boolean;
  readonly hasInlineFrames: boolean;
}

export interface RawFunction {
  readonly id: number;
  readonly name: number;
  readonly systemName: number;
  readonly filename: number;
  readonly startLine: number;
}

export interface RawLocation {
  readonly id: number;
  readonly mappingId: number;
  readonly address: bigint;
  /** Pairs of (function id, line), in the proto's order. */
  readonly lines: readonly number[];
  readonly isFolded: boolean;
}

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

const MAPPING_FIELDS = [
  '',
  'id',
  'memory_start',
  'memory_limit',
  'file_offset',
  'filename',
  'build_id',
  'has_functions',
  'has_filenames',
  'has_line_numbers',
  'has_inline_frames',
];
const FUNCTION_FIELDS = ['', 'id', 'name', 'system_name', 'filename', 'start_line'];

/** Reads every top-level field except the samples' contents. */
export function readProfileTables(r: ProtobufReader): RawProfileTables {
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
  };
  const buf = r.buf;
  const end = buf.length;
  const text = new TextDecoder('utf-8', { ignoreBOM: true });
  r.pos = 0;
  while (r.pos < end) {
    const at = r.pos;
    const tag = r.tag();
    const field = Math.floor(tag / 8);
    switch (field) {
      case F_SAMPLE_TYPE:
        r.expectWireType(tag, WIRE_LEN, 'sample_type', at);
        t.sampleTypes.push(readValueType(r, r.lengthEnd(end)));
        break;
      case F_SAMPLE:
        r.expectWireType(tag, WIRE_LEN, 'sample', at);
        countSample(r, end, t);
        break;
      case F_MAPPING:
        r.expectWireType(tag, WIRE_LEN, 'mapping', at);
        t.mappings.push(readMapping(r, r.lengthEnd(end)));
        break;
      case F_LOCATION:
        r.expectWireType(tag, WIRE_LEN, 'location', at);
        t.locations.push(readLocation(r, r.lengthEnd(end)));
        break;
      case F_FUNCTION:
        r.expectWireType(tag, WIRE_LEN, 'function', at);
        t.functions.push(readFunction(r, r.lengthEnd(end)));
        break;
      case F_STRING: {
        r.expectWireType(tag, WIRE_LEN, 'string_table', at);
        const stop = r.lengthEnd(end);
        t.strings.push(stop === r.pos ? '' : text.decode(buf.subarray(r.pos, stop)));
        r.pos = stop;
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
        readRepeatedUint64(r, tag, end, 'comment', at, t.comments);
        break;
      case F_DEFAULT_SAMPLE_TYPE:
        t.defaultSampleType = readVarintField(r, tag, 'default_sample_type', at);
        break;
      default:
        r.skip(tag & 7, end, at);
    }
  }
  return t;
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

/** A varint field holding a uint64 or string index. */
function readVarintField(r: ProtobufReader, tag: number, name: string, at: number): number {
  r.expectWireType(tag, WIRE_VARINT, name, at);
  return r.uint64();
}

/** A repeated varint field, packed (wire type 2) or not (wire type 0): both are valid protobuf. */
export function readRepeatedUint64(
  r: ProtobufReader,
  tag: number,
  end: number,
  name: string,
  at: number,
  out: number[],
): void {
  if ((tag & 7) === WIRE_VARINT) {
    out.push(r.uint64());
    return;
  }
  r.expectWireType(tag, WIRE_LEN, name, at);
  const stop = r.lengthEnd(end);
  while (r.pos < stop) out.push(r.uint64());
  r.expectEnd(stop, `packed ${name}`, at);
}

function readValueType(r: ProtobufReader, end: number): RawValueType {
  const start = r.pos;
  let type = 0;
  let unit = 0;
  while (r.pos < end) {
    const at = r.pos;
    const tag = r.tag();
    switch (tag >>> 3) {
      case 1:
        type = readVarintField(r, tag, 'ValueType.type', at);
        break;
      case 2:
        unit = readVarintField(r, tag, 'ValueType.unit', at);
        break;
      default:
        r.skip(tag & 7, end, at);
    }
  }
  r.expectEnd(end, 'a ValueType', start);
  return { type, unit };
}

function readMapping(r: ProtobufReader, end: number): RawMapping {
  const start = r.pos;
  let id = 0;
  let memStart = 0n;
  let limit = 0n;
  let offset = 0n;
  let file = 0;
  let buildId = 0;
  let hasFunctions = false;
  let hasFilenames = false;
  let hasLineNumbers = false;
  let hasInlineFrames = false;
  while (r.pos < end) {
    const at = r.pos;
    const tag = r.tag();
    const field = tag >>> 3;
    if (field >= 1 && field <= 10) r.expectWireType(tag, WIRE_VARINT, `Mapping.${MAPPING_FIELDS[field]}`, at);
    switch (field) {
      case 1:
        id = r.uint64();
        break;
      case 2:
        memStart = r.uint64BigInt();
        break;
      case 3:
        limit = r.uint64BigInt();
        break;
      case 4:
        offset = r.uint64BigInt();
        break;
      case 5:
        file = r.uint64();
        break;
      case 6:
        buildId = r.uint64();
        break;
      case 7:
        hasFunctions = readBool(r);
        break;
      case 8:
        hasFilenames = readBool(r);
        break;
      case 9:
        hasLineNumbers = readBool(r);
        break;
      case 10:
        hasInlineFrames = readBool(r);
        break;
      default:
        r.skip(tag & 7, end, at);
    }
  }
  r.expectEnd(end, 'a Mapping', start);
  return {
    id,
    start: memStart,
    limit,
    offset,
    file,
    buildId,
    hasFunctions,
    hasFilenames,
    hasLineNumbers,
    hasInlineFrames,
  };
}

function readBool(r: ProtobufReader): boolean {
  return r.parts() !== 0 || r.hi !== 0;
}

function readFunction(r: ProtobufReader, end: number): RawFunction {
  const start = r.pos;
  let id = 0;
  let name = 0;
  let systemName = 0;
  let filename = 0;
  let startLine = 0;
  while (r.pos < end) {
    const at = r.pos;
    const tag = r.tag();
    const field = tag >>> 3;
    if (field >= 1 && field <= 5) r.expectWireType(tag, WIRE_VARINT, `Function.${FUNCTION_FIELDS[field]}`, at);
    switch (field) {
      case 1:
        id = r.uint64();
        break;
      case 2:
        name = r.uint64();
        break;
      case 3:
        systemName = r.uint64();
        break;
      case 4:
        filename = r.uint64();
        break;
      case 5:
        startLine = r.int64();
        break;
      default:
        r.skip(tag & 7, end, at);
    }
  }
  r.expectEnd(end, 'a Function', start);
  return { id, name, systemName, filename, startLine };
}

function readLocation(r: ProtobufReader, end: number): RawLocation {
  const start = r.pos;
  let id = 0;
  let mappingId = 0;
  let address = 0n;
  let isFolded = false;
  const lines: number[] = [];
  while (r.pos < end) {
    const at = r.pos;
    const tag = r.tag();
    switch (tag >>> 3) {
      case 1:
        r.expectWireType(tag, WIRE_VARINT, 'Location.id', at);
        id = r.uint64();
        break;
      case 2:
        r.expectWireType(tag, WIRE_VARINT, 'Location.mapping_id', at);
        mappingId = r.uint64();
        break;
      case 3:
        r.expectWireType(tag, WIRE_VARINT, 'Location.address', at);
        address = r.uint64BigInt();
        break;
      case 4:
        r.expectWireType(tag, WIRE_LEN, 'Location.line', at);
        readLine(r, r.lengthEnd(end), lines);
        break;
      case 5:
        r.expectWireType(tag, WIRE_VARINT, 'Location.is_folded', at);
        isFolded = readBool(r);
        break;
      default:
        r.skip(tag & 7, end, at);
    }
  }
  r.expectEnd(end, 'a Location', start);
  return { id, mappingId, address, lines, isFolded };
}

function readLine(r: ProtobufReader, end: number, out: number[]): void {
  const start = r.pos;
  let functionId = 0;
  let line = 0;
  while (r.pos < end) {
    const at = r.pos;
    const tag = r.tag();
    switch (tag >>> 3) {
      case 1:
        functionId = readVarintField(r, tag, 'Line.function_id', at);
        break;
      case 2:
        r.expectWireType(tag, WIRE_VARINT, 'Line.line', at);
        line = r.int64();
        break;
      default:
        r.skip(tag & 7, end, at);
    }
  }
  r.expectEnd(end, 'a Line', start);
  out.push(functionId, line);
}
