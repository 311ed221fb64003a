/**
 * A minimal protobuf wire-format reader over one buffer, written for the
 * profile decoder's hot loop: varints come out as plain numbers without
 * BigInt (int64 as two exact parts), and every malformed input (truncated
 * varint, length beyond the buffer, unsupported wire type) is a
 * PROFILE_PROTOBUF_CORRUPT error naming the byte offset.
 */
import { GopprofError } from '../errors.ts';

/** Wire types of the protobuf encoding. */
export const WIRE_VARINT = 0;
export const WIRE_FIXED64 = 1;
export const WIRE_LEN = 2;
export const WIRE_FIXED32 = 5;

const TWO_28 = 2 ** 28;
const TWO_25 = 2 ** 25;
const TWO_35 = 2 ** 35;
const TWO_36 = 2 ** 36;

/**
 * A cursor over protobuf bytes. Callers keep track of message ends and check
 * `pos` against them; reads past the end of the buffer itself always fail.
 */
export class ProtobufReader {
  readonly buf: Uint8Array;
  /** The offset of the next byte to read. */
  pos = 0;
  /** Bits 28..63 of the last varint read by `parts` (0 for short varints). */
  hi = 0;

  constructor(buf: Uint8Array) {
    this.buf = buf;
  }

  /**
   * Reads a varint of up to 10 bytes; returns bits 0..27 and leaves bits 28..63
   * in `hi`. Bits past 64 are dropped, as Go's decoder does.
   */
  parts(): number {
    const buf = this.buf;
    let pos = this.pos;
    // Past the buffer's end, buf[pos] is undefined: `undefined < 0x80` is false,
    // so a truncated varint always reaches the error below instead of returning.
    let b = buf[pos++];
    let lo = b & 0x7f;
    this.hi = 0;
    if (b < 0x80) {
      this.pos = pos;
      return lo;
    }
    b = buf[pos++];
    lo |= (b & 0x7f) << 7;
    if (b < 0x80) {
      this.pos = pos;
      return lo;
    }
    b = buf[pos++];
    lo |= (b & 0x7f) << 14;
    if (b < 0x80) {
      this.pos = pos;
      return lo;
    }
    b = buf[pos++];
    lo |= (b & 0x7f) << 21;
    if (b < 0x80) {
      this.pos = pos;
      return lo;
    }
    let hi = 0;
    let scale = 1;
    for (let i = 0; i < 6; i++) {
      b = buf[pos++];
      hi += (i === 5 ? b & 0x01 : b & 0x7f) * scale;
      if (b < 0x80) {
        this.pos = pos;
        this.hi = hi;
        return lo;
      }
      scale *= 128;
    }
    throw this.corrupt(pos > buf.length ? 'truncated varint' : 'varint longer than 10 bytes', this.pos);
  }

  /** A uint64 varint as a number: exact up to 2^53, Infinity above (never a valid index or length). */
  uint64(): number {
    const lo = this.parts();
    const hi = this.hi;
    if (hi === 0) return lo;
    if (hi < TWO_25 || (hi === TWO_25 && lo === 0)) return hi * TWO_28 + lo;
    return Number.POSITIVE_INFINITY;
  }

  /** An int64 varint as a number, negative values included; NaN when |v| > 2^53. */
  int64(): number {
    const lo = this.parts();
    const hi = this.hi;
    if (hi === 0) return lo;
    return int64FromParts(lo, hi);
  }

  /** A uint64 varint as an exact bigint (addresses, mapping bounds). */
  uint64BigInt(): bigint {
    const lo = this.parts();
    const hi = this.hi;
    return hi === 0 ? BigInt(lo) : (BigInt(hi) << 28n) | BigInt(lo);
  }

  /** An int64 varint as an exact bigint (times in nanoseconds). */
  int64BigInt(): bigint {
    return BigInt.asIntN(64, this.uint64BigInt());
  }

  /**
   * Reads a tag and returns `field * 8 + wireType`. Field 0 is invalid in
   * protobuf and, in practice, the first sign of bytes that are not protobuf.
   */
  tag(): number {
    const at = this.pos;
    const tag = this.uint64();
    if (tag < 8 || tag > 0xffffffff) throw this.corrupt(`invalid field tag ${tag}`, at);
    return tag;
  }

  /** Reads a length prefix and returns where the delimited bytes end, checked against `end`. */
  lengthEnd(end: number): number {
    const at = this.pos;
    const len = this.uint64();
    if (len > end - this.pos) {
      throw this.corrupt(`length ${len} runs past the end of the enclosing message (${end - this.pos} bytes left)`, at);
    }
    return this.pos + len;
  }

  /** Skips the value of a field of an unknown or ignored number. */
  skip(wireType: number, end: number, tagAt: number): void {
    switch (wireType) {
      case WIRE_VARINT:
        this.parts();
        return;
      case WIRE_LEN:
        this.pos = this.lengthEnd(end);
        return;
      case WIRE_FIXED64:
        this.skipFixed(8, end, tagAt);
        return;
      case WIRE_FIXED32:
        this.skipFixed(4, end, tagAt);
        return;
      default:
        throw this.corrupt(`unsupported wire type ${wireType}`, tagAt);
    }
  }

  /** Throws unless the field's wire type is the one profile.proto gives it. */
  expectWireType(tag: number, expected: number, name: string, tagAt: number): void {
    if ((tag & 7) !== expected) {
      throw this.corrupt(`${name} (field ${Math.floor(tag / 8)}) has wire type ${tag & 7}, expected ${expected}`, tagAt);
    }
  }

  /** Throws unless a message or packed run ended exactly at `end`. */
  expectEnd(end: number, what: string, start: number): void {
    if (this.pos !== end) throw this.corrupt(`the last field of ${what} runs past its end (${end})`, start);
  }

  /** The error for malformed bytes at `offset`. */
  corrupt(message: string, offset: number): GopprofError {
    return new GopprofError('PROFILE_PROTOBUF_CORRUPT', `malformed protobuf: ${message} at byte ${offset}`, {
      details: { offset },
    });
  }

  private skipFixed(size: number, end: number, tagAt: number): void {
    if (size > end - this.pos) throw this.corrupt(`truncated fixed${size * 8} value`, tagAt);
    this.pos += size;
  }
}

/** int64 from its bits 0..27 and 28..63: exact when |v| ≤ 2^53, else NaN. */
export function int64FromParts(lo: number, hi: number): number {
  if (hi < TWO_25 || (hi === TWO_25 && lo === 0)) return hi * TWO_28 + lo;
  if (hi >= TWO_35) {
    // Bit 63 set: a negative value, magnitude 2^64 - v, computed in the same two parts.
    const mlo = lo === 0 ? 0 : TWO_28 - lo;
    const mhi = TWO_36 - hi - (lo === 0 ? 0 : 1);
    if (mhi < TWO_25 || (mhi === TWO_25 && mlo === 0)) return -(mhi * TWO_28 + mlo);
  }
  return Number.NaN;
}
