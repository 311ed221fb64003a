/**
 * Readers of the table messages of profile.proto (ValueType, Mapping,
 * Function, Location and Line) into raw records that keep string indices and
 * ids, to be resolved once every table has been read. Unknown fields are
 * skipped; known fields with the wrong wire type are PROFILE_PROTOBUF_CORRUPT.
 */
import { type ProtobufReader, WIRE_LEN, WIRE_VARINT } from './protobuf-reader.ts';

/** A ValueType with unresolved string indices. */
export interface RawValueType {
  readonly type: number;
  readonly unit: number;
}

/** A Mapping with unresolved string indices. */
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

/** A Function with unresolved string indices. */
export interface RawFunction {
  readonly id: number;
  readonly name: number;
  readonly systemName: number;
  readonly filename: number;
  readonly startLine: number;
}

/** A Location with unresolved mapping and function ids. */
export interface RawLocation {
  readonly id: number;
  readonly mappingId: number;
  readonly address: bigint;
  /** Pairs of (function id, line), in the proto's order. */
  readonly lines: readonly number[];
  readonly isFolded: boolean;
}

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

/** A varint field holding a uint64 or string index. */
export function readVarintField(r: ProtobufReader, tag: number, name: string, at: number): number {
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

/** Reads a ValueType message ending at `end`. */
export function readValueType(r: ProtobufReader, end: number): RawValueType {
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

/** Reads a Mapping message ending at `end`. */
export function readMapping(r: ProtobufReader, end: number): RawMapping {
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

/** Reads a Function message ending at `end`. */
export function readFunction(r: ProtobufReader, end: number): RawFunction {
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

/** Shared by every location without lines (address-only), never written to. */
const NO_LINES: number[] = [];

/** Reads a Location message (with its Lines) ending at `end`. */
export function readLocation(r: ProtobufReader, end: number): RawLocation {
  const start = r.pos;
  let id = 0;
  let mappingId = 0;
  let address = 0n;
  let isFolded = false;
  let lines: number[] = NO_LINES;
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
        if (lines === NO_LINES) lines = [];
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
