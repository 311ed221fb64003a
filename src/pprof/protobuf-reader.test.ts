import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isGopprofError } from '../errors.ts';
import { concat, lfield, tag, varintBytes } from '../../test/support/pprof-proto-writer.ts';
import { ProtobufReader } from './protobuf-reader.ts';

const reader = (bytes: Uint8Array): ProtobufReader => new ProtobufReader(bytes);
const corruptAt = (offset: number, text: RegExp) => (err: unknown) =>
  isGopprofError(err, 'PROFILE_PROTOBUF_CORRUPT') && err.details.offset === offset && text.test(err.message);

describe('ProtobufReader', () => {
  it('reads int64 varints of every length exactly, negatives included', () => {
    const cases = [0, 1, 127, 128, 300, 2 ** 28 - 1, 2 ** 28, 2 ** 35, 2 ** 53 - 1, 2 ** 53, -1, -5, -(2 ** 28), -(2 ** 31), -(2 ** 53)];
    for (const v of cases) {
      const r = reader(varintBytes(v));
      assert.equal(r.int64(), v, `int64 ${v}`);
      assert.equal(r.pos, varintBytes(v).length);
    }
  });

  it('gives NaN for int64 values beyond ±2^53 instead of rounding', () => {
    for (const v of [2n ** 53n + 1n, -(2n ** 53n) - 1n, 2n ** 63n - 1n, -(2n ** 63n)]) {
      assert.ok(Number.isNaN(reader(varintBytes(v)).int64()), `${v}`);
    }
  });

  it('reads uint64 as exact numbers up to 2^53 and Infinity above', () => {
    assert.equal(reader(varintBytes(2 ** 53)).uint64(), 2 ** 53);
    assert.equal(reader(varintBytes(2n ** 53n + 1n)).uint64(), Number.POSITIVE_INFINITY);
    assert.equal(reader(varintBytes(-1)).uint64(), Number.POSITIVE_INFINITY);
  });

  it('reads uint64 and int64 as exact bigints', () => {
    assert.equal(reader(varintBytes(2n ** 64n - 1n)).uint64BigInt(), 2n ** 64n - 1n);
    assert.equal(reader(varintBytes(0xffffffffff600000n)).uint64BigInt(), 0xffffffffff600000n);
    assert.equal(reader(varintBytes(-7)).int64BigInt(), -7n);
    assert.equal(reader(varintBytes(1795569411299332528n)).int64BigInt(), 1795569411299332528n);
  });

  it('drops bits past 64 in a 10-byte varint as Go does', () => {
    const bytes = Uint8Array.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f]);
    assert.equal(reader(bytes).uint64BigInt(), 2n ** 64n - 1n);
  });

  it('rejects a truncated varint and one longer than 10 bytes, naming the offset', () => {
    const r = reader(Uint8Array.from([0x08, 0x96]));
    r.pos = 1;
    assert.throws(() => r.int64(), corruptAt(1, /truncated varint/));
    const long = reader(new Uint8Array(11).fill(0x80));
    assert.throws(() => long.uint64(), corruptAt(0, /longer than 10 bytes/));
  });

  it('rejects field number 0 and lengths past the end of the message', () => {
    assert.throws(() => reader(Uint8Array.from([0x02, 0x00])).tag(), corruptAt(0, /invalid field tag 2/));
    const r = reader(concat(tag(6, 2), varintBytes(10), Uint8Array.from([1, 2])));
    r.tag();
    assert.throws(() => r.lengthEnd(r.buf.length), corruptAt(1, /length 10 runs past/));
  });

  it('skips every supported wire type and rejects groups and invalid ones', () => {
    const fields = concat(
      tag(20, 0),
      varintBytes(-1),
      tag(21, 1),
      new Uint8Array(8),
      tag(22, 5),
      new Uint8Array(4),
      lfield(23, Uint8Array.from([1, 2, 3])),
    );
    const r = reader(fields);
    while (r.pos < fields.length) {
      const at = r.pos;
      r.skip(r.tag() & 7, fields.length, at);
    }
    assert.equal(r.pos, fields.length);
    for (const wire of [3, 4, 6, 7]) {
      const g = reader(concat(tag(20, wire), new Uint8Array(8)));
      assert.throws(() => g.skip(g.tag() & 7, g.buf.length, 0), corruptAt(0, new RegExp(`unsupported wire type ${wire}`)));
    }
    const short = reader(concat(tag(21, 1), new Uint8Array(3)));
    assert.throws(() => short.skip(short.tag() & 7, short.buf.length, 0), corruptAt(0, /truncated fixed64/));
  });
});
