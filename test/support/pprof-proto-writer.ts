/**
 * A tiny protobuf writer for tests of the pprof decoder: builds profile.proto
 * bytes field by field, so a test can produce exactly the malformed, unusual
 * or edge-case encoding it is about (unpacked repeated fields, unknown fields,
 * wrong wire types, out-of-range indices) without a generated codec.
 */

/** One encoded field (or any run of bytes). */
export type Bytes = Uint8Array;

/** The varint encoding of an unsigned or two's-complement 64-bit value. */
export function varintBytes(value: number | bigint): Bytes {
  let v = BigInt.asUintN(64, BigInt(value));
  const out: number[] = [];
  do {
    const b = Number(v & 0x7fn);
    v >>= 7n;
    out.push(v === 0n ? b : b | 0x80);
  } while (v !== 0n);
  return Uint8Array.from(out);
}

/** A field tag: field number and wire type. */
export function tag(field: number, wireType: number): Bytes {
  return varintBytes(field * 8 + wireType);
}

/** A varint field (wire type 0); negative numbers as int64. */
export function vfield(field: number, value: number | bigint): Bytes {
  return concat(tag(field, 0), varintBytes(value));
}

/** A length-delimited field (wire type 2) holding the concatenation of `parts`. */
export function lfield(field: number, ...parts: Bytes[]): Bytes {
  const body = concat(...parts);
  return concat(tag(field, 2), varintBytes(body.length), body);
}

/** A string field. */
export function sfield(field: number, s: string): Bytes {
  return lfield(field, new TextEncoder().encode(s));
}

/** A packed repeated varint field. */
export function packed(field: number, values: readonly (number | bigint)[]): Bytes {
  return lfield(field, ...values.map(varintBytes));
}

/** The same repeated varint field, one field per value (valid protobuf, not what Go writes). */
export function unpacked(field: number, values: readonly (number | bigint)[]): Bytes {
  return concat(...values.map((v) => vfield(field, v)));
}

/** Concatenates byte runs. */
export function concat(...parts: Bytes[]): Bytes {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Field numbers of profile.proto's messages. */
export const PROFILE = {
  sampleType: 1,
  sample: 2,
  mapping: 3,
  location: 4,
  function: 5,
  stringTable: 6,
  dropFrames: 7,
  keepFrames: 8,
  timeNanos: 9,
  durationNanos: 10,
  periodType: 11,
  period: 12,
  comment: 13,
  defaultSampleType: 14,
} as const;

/** A string table: field 6 once per string, in order. */
export function stringTable(strings: readonly string[]): Bytes {
  return concat(...strings.map((s) => sfield(PROFILE.stringTable, s)));
}

/** A ValueType message body. */
export function valueType(type: number, unit: number): Bytes {
  return concat(vfield(1, type), vfield(2, unit));
}

/** A Sample message body: packed location ids and values, then labels (each a Label body). */
export function sample(locationIds: readonly number[], values: readonly (number | bigint)[], ...labels: Bytes[]): Bytes {
  return concat(packed(1, locationIds), packed(2, values), ...labels.map((l) => lfield(3, l)));
}

/** A Label message body; fields left undefined are omitted. */
export function label(key: number, fields: { str?: number; num?: number | bigint; unit?: number }): Bytes {
  return concat(
    vfield(1, key),
    fields.str === undefined ? new Uint8Array() : vfield(2, fields.str),
    fields.num === undefined ? new Uint8Array() : vfield(3, fields.num),
    fields.unit === undefined ? new Uint8Array() : vfield(4, fields.unit),
  );
}

/** A Location message body with one Line per [functionId, line] pair. */
export function location(id: number, mappingId: number, address: number | bigint, lines: readonly [number, number][]): Bytes {
  return concat(
    vfield(1, id),
    mappingId === 0 ? new Uint8Array() : vfield(2, mappingId),
    vfield(3, address),
    ...lines.map(([fn, line]) => lfield(4, vfield(1, fn), vfield(2, line))),
  );
}

/** A Function message body. */
export function func(id: number, name: number, systemName: number, filename: number, startLine: number): Bytes {
  return concat(vfield(1, id), vfield(2, name), vfield(3, systemName), vfield(4, filename), vfield(5, startLine));
}
