import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { gunzipSync, gzipSync } from 'node:zlib';
import { type ErrorCode, GopprofError, isGopprofError } from '../errors.ts';
import {
  concat,
  func,
  label,
  lfield,
  location,
  PROFILE,
  packed,
  sample,
  sfield,
  stringTable,
  tag,
  unpacked,
  valueType,
  varintBytes,
  vfield,
} from '../../test/support/pprof-proto-writer.ts';
import { decodeProfile, decodeProfileAsync } from './decode-profile.ts';
import { EMPTY_LABEL_SET } from './profile.ts';

const STRINGS = [
  '',
  'samples',
  'count',
  'cpu',
  'nanoseconds',
  'main.f',
  'f.go',
  'main.g',
  'bytes',
  'thread',
  'worker',
  '/bin/app',
  'abc123',
  'drop.*',
  'keep.*',
  'a comment',
  'second comment',
];
const S = Object.fromEntries(STRINGS.map((s, i) => [s, i])) as Record<string, number>;

const sampleTypes = concat(lfield(PROFILE.sampleType, valueType(S.samples, S.count)), lfield(PROFILE.sampleType, valueType(S.cpu, S.nanoseconds)));
const mapping1 = lfield(
  PROFILE.mapping,
  concat(vfield(1, 1), vfield(2, 0x400000), vfield(3, 0xffffffffff601000n), vfield(4, 0x1000), vfield(5, S['/bin/app'])),
  concat(vfield(6, S.abc123), vfield(7, 1), vfield(9, 1)),
);
const functions = concat(
  lfield(PROFILE.function, func(1, S['main.f'], S['main.f'], S['f.go'], 10)),
  lfield(PROFILE.function, func(2, S['main.g'], S['main.g'], S['f.go'], 20)),
);
const locations = concat(
  lfield(PROFILE.location, location(1, 1, 0x401000, [[1, 12]])),
  // main.f inlined into main.g: lines[0] is the callee.
  lfield(PROFILE.location, location(2, 1, 0x402000, [[1, 13], [2, 25]])),
  lfield(PROFILE.location, location(3, 0, 0, [])),
);

/** A profile as Go lays it out: sample types, samples, then the tables and scalars. */
function build(samples: readonly Uint8Array[], ...rest: Uint8Array[]): Uint8Array {
  return concat(sampleTypes, ...samples.map((s) => lfield(PROFILE.sample, s)), mapping1, locations, functions, stringTable(STRINGS), ...rest);
}

const scalars = concat(
  vfield(PROFILE.dropFrames, S['drop.*']),
  vfield(PROFILE.keepFrames, S['keep.*']),
  vfield(PROFILE.timeNanos, 1795569411299332528n),
  vfield(PROFILE.durationNanos, 10145302498n),
  lfield(PROFILE.periodType, valueType(S.cpu, S.nanoseconds)),
  vfield(PROFILE.period, 10000000),
  packed(PROFILE.comment, [S['a comment']]),
  vfield(PROFILE.comment, S['second comment']),
  vfield(PROFILE.defaultSampleType, S.cpu),
);

function throwsCode(fn: () => unknown, code: ErrorCode, message?: RegExp): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof GopprofError, `expected a GopprofError, got ${String(err)}`);
    assert.equal(err.code, code, err.message);
    if (message) assert.match(err.message, message);
    return true;
  });
}

describe('decodeProfile', () => {
  it('decodes every part of profile.proto into the model', () => {
    const p = decodeProfile(
      build(
        [
          sample([1, 2], [3, 30000000], label(S.thread, { str: S.worker }), label(S.bytes, { num: 1024, unit: S.bytes })),
          sample([2], [1, 10000000]),
          sample([3, 1], [2, 20000000], label(S.thread, { str: S.worker }), label(S.bytes, { num: 1024, unit: S.bytes })),
        ],
        scalars,
      ),
    );
    assert.deepEqual(p.sampleTypes, [
      { type: 'samples', unit: 'count' },
      { type: 'cpu', unit: 'nanoseconds' },
    ]);
    assert.equal(p.samples.count, 3);
    assert.deepEqual([...p.samples.locationOffsets], [0, 2, 3, 5]);
    assert.deepEqual([...p.samples.locationIndex], [0, 1, 1, 2, 0]);
    assert.deepEqual([...p.samples.values], [3, 30000000, 1, 10000000, 2, 20000000]);
    assert.deepEqual([...p.samples.labelSet], [1, 0, 1]);
    assert.equal(p.labelSets[0], EMPTY_LABEL_SET);
    assert.deepEqual(p.labelSets[1], { labels: { thread: ['worker'] }, numLabels: { bytes: [1024] }, numUnits: { bytes: ['bytes'] } });
    assert.equal(p.labelSets.length, 2);

    const [m] = p.mappings;
    assert.deepEqual(m, {
      id: 1,
      start: 0x400000n,
      limit: 0xffffffffff601000n,
      offset: 0x1000n,
      file: '/bin/app',
      buildId: 'abc123',
      hasFunctions: true,
      hasFilenames: false,
      hasLineNumbers: true,
      hasInlineFrames: false,
    });
    assert.deepEqual(p.functions[1], { id: 2, name: 'main.g', systemName: 'main.g', filename: 'f.go', startLine: 20 });
    const inlined = p.locations[1];
    assert.equal(inlined.mapping, m);
    assert.equal(inlined.address, 0x402000n);
    assert.deepEqual(
      inlined.lines.map((l) => [l.function?.name, l.line]),
      [
        ['main.f', 13],
        ['main.g', 25],
      ],
    );
    assert.equal(inlined.lines[0].function, p.functions[0]);
    assert.equal(p.locations[2].mapping, undefined);
    assert.deepEqual(p.locations[2].lines, []);
    assert.equal(p.dropFrames, 'drop.*');
    assert.equal(p.keepFrames, 'keep.*');
    assert.equal(p.timeNanos, 1795569411299332528n);
    assert.equal(p.durationNanos, 10145302498n);
    assert.deepEqual(p.periodType, { type: 'cpu', unit: 'nanoseconds' });
    assert.equal(p.period, 10000000);
    assert.deepEqual(p.comments, ['a comment', 'second comment']);
    assert.equal(p.defaultSampleType, 'cpu');
  });

  it('gives defaults for everything a minimal profile leaves out', () => {
    const p = decodeProfile(stringTable(['']));
    assert.deepEqual(p.sampleTypes, []);
    assert.equal(p.samples.count, 0);
    assert.deepEqual(p.labelSets, [EMPTY_LABEL_SET]);
    assert.equal(p.periodType, undefined);
    assert.equal(p.period, 0);
    assert.equal(p.timeNanos, 0n);
    assert.equal(p.defaultSampleType, '');
    assert.deepEqual(p.comments, []);
  });

  it('keeps negative values negative and accepts exactly ±2^53', () => {
    const p = decodeProfile(build([sample([1], [-5, -(2 ** 53)]), sample([1], [2 ** 53, -1])]));
    assert.deepEqual([...p.samples.values], [-5, -(2 ** 53), 2 ** 53, -1]);
  });

  it('rejects values beyond ±2^53 with PROFILE_VALUE_RANGE instead of rounding', () => {
    throwsCode(() => decodeProfile(build([sample([1], [1, 2n ** 53n + 1n])])), 'PROFILE_VALUE_RANGE', /sample 0 value 1/);
    throwsCode(() => decodeProfile(build([sample([1], [-(2n ** 53n) - 1n, 1])])), 'PROFILE_VALUE_RANGE');
    throwsCode(() => decodeProfile(build([sample([1], [1, 1], label(S.bytes, { num: 2n ** 60n }))])), 'PROFILE_VALUE_RANGE', /"bytes"/);
  });

  it('reads unpacked repeated fields like packed ones', () => {
    const a = decodeProfile(build([sample([1, 2, 3], [4, 5])], packed(PROFILE.comment, [S['a comment'], S['second comment']])));
    const b = decodeProfile(
      build([concat(unpacked(1, [1, 2]), unpacked(2, [4]), unpacked(1, [3]), unpacked(2, [5]))], unpacked(PROFILE.comment, [S['a comment'], S['second comment']])),
    );
    assert.deepEqual(b, a);
  });

  it('skips unknown fields of every wire type at every level', () => {
    const unknown = concat(vfield(100, -1), tag(101, 1), new Uint8Array(8), tag(102, 5), new Uint8Array(4), lfield(103, Uint8Array.from([1, 2, 3])));
    const plain = decodeProfile(build([sample([2], [1, 2], label(S.thread, { str: S.worker }))], scalars));
    const withUnknown = decodeProfile(
      concat(
        unknown,
        lfield(PROFILE.sampleType, valueType(S.samples, S.count), unknown),
        lfield(PROFILE.sampleType, unknown, valueType(S.cpu, S.nanoseconds)),
        lfield(PROFILE.sample, sample([2], [1, 2]), unknown, lfield(3, label(S.thread, { str: S.worker }), unknown)),
        lfield(PROFILE.mapping, unknown, mapping1.subarray(2)),
        lfield(PROFILE.location, location(1, 1, 0x401000, [[1, 12]]), unknown),
        lfield(PROFILE.location, location(2, 1, 0x402000, [[1, 13]]), lfield(4, vfield(1, 2), vfield(2, 25), vfield(3, 7), unknown)),
        lfield(PROFILE.location, location(3, 0, 0, []), unknown),
        lfield(PROFILE.function, func(1, S['main.f'], S['main.f'], S['f.go'], 10), unknown),
        lfield(PROFILE.function, func(2, S['main.g'], S['main.g'], S['f.go'], 20)),
        stringTable(STRINGS),
        unknown,
        scalars,
      ),
    );
    assert.deepEqual(withUnknown, plain);
  });

  it('treats labels as Go does: a key alone is dropped, a unit alone makes a numeric 0', () => {
    const p = decodeProfile(
      build([
        sample([1], [1, 1], label(S.thread, {})),
        sample([1], [1, 1], label(S.bytes, { unit: S.bytes })),
        sample([1], [1, 1], label(S.bytes, { num: -3 }), label(S.bytes, { num: 4, unit: S.bytes }), label(S.thread, { str: S.worker })),
        // The same labels encoded differently (num before key): interned to the same set.
        sample([1], [1, 1], concat(vfield(3, -3), vfield(1, S.bytes)), label(S.bytes, { num: 4, unit: S.bytes }), label(S.thread, { str: S.worker })),
        sample([1], [1, 1], label(S.bytes, { str: S.worker }), label(S.thread, { str: S.worker })),
        sample([1], [1, 1], label(S.thread, { str: S.worker }), label(S.bytes, { str: S.worker })),
      ]),
    );
    assert.deepEqual([...p.samples.labelSet], [0, 1, 2, 2, 3, 4]);
    assert.deepEqual(p.labelSets[1], { labels: {}, numLabels: { bytes: [0] }, numUnits: { bytes: ['bytes'] } });
    assert.deepEqual(p.labelSets[2], {
      labels: { thread: ['worker'] },
      numLabels: { bytes: [-3, 4] },
      numUnits: { bytes: ['', 'bytes'] },
    });
    // Key order is part of a label set.
    assert.deepEqual(Object.keys(p.labelSets[3].labels), ['bytes', 'thread']);
    assert.deepEqual(Object.keys(p.labelSets[4].labels), ['thread', 'bytes']);
  });

  it('keeps a label key such as "__proto__" as a plain key', () => {
    const strings = [...STRINGS, '__proto__'];
    const proto = strings.length - 1;
    const p = decodeProfile(
      concat(sampleTypes, lfield(PROFILE.sample, sample([1], [1, 1], label(proto, { str: S.worker }))), mapping1, locations, functions, stringTable(strings)),
    );
    assert.deepEqual(Object.keys(p.labelSets[1].labels), ['__proto__']);
    assert.deepEqual(Object.getOwnPropertyDescriptor(p.labelSets[1].labels, '__proto__')?.value, ['worker']);
  });

  describe('bad input', () => {
    it('PROFILE_EMPTY for an empty body or an empty gzip stream', () => {
      throwsCode(() => decodeProfile(new Uint8Array()), 'PROFILE_EMPTY', /empty \(0 bytes\)/);
      throwsCode(() => decodeProfile(gzipSync(new Uint8Array())), 'PROFILE_EMPTY', /after gunzip/);
    });

    it('PROFILE_NOT_PROFILE for text: a goroutine dump, HTML, JSON, plain text, gzipped HTML', () => {
      const goroutines = readFileSync(new URL('../../test/fixtures/profiles/goroutine-debug2.txt', import.meta.url));
      throwsCode(() => decodeProfile(goroutines), 'PROFILE_NOT_PROFILE', /goroutine dump.*"goroutine 9070 \[running\]/);
      const html = new TextEncoder().encode('<!DOCTYPE html><html><title>502 Bad Gateway</title></html>');
      throwsCode(() => decodeProfile(html), 'PROFILE_NOT_PROFILE', /HTML page.*502 Bad Gateway/);
      throwsCode(() => decodeProfile(gzipSync(html)), 'PROFILE_NOT_PROFILE', /HTML page/);
      throwsCode(() => decodeProfile(new TextEncoder().encode('{"message":"unauthorized"}')), 'PROFILE_NOT_PROFILE', /JSON/);
      throwsCode(() => decodeProfile(new TextEncoder().encode('404 page not found\n')), 'PROFILE_NOT_PROFILE', /text.*404 page not found/);
    });

    it('PROFILE_NOT_PROFILE, with the protobuf error as cause, for text with a stray control byte', () => {
      const body = new TextEncoder().encode(`Internal error\u0000: ${'the backend is down. '.repeat(5)}`);
      assert.throws(
        () => decodeProfile(body),
        (err: unknown) => isGopprofError(err, 'PROFILE_NOT_PROFILE') && isGopprofError((err as Error).cause, 'PROFILE_PROTOBUF_CORRUPT'),
      );
    });

    it('PROFILE_GZIP_CORRUPT for a truncated gzip stream and a bad CRC', () => {
      const gz = gzipSync(build([sample([1], [1, 2])]));
      throwsCode(() => decodeProfile(gz.subarray(0, gz.length - 10)), 'PROFILE_GZIP_CORRUPT', /truncated/);
      const bad = Buffer.from(gz);
      bad[bad.length - 6] ^= 1;
      throwsCode(() => decodeProfile(bad), 'PROFILE_GZIP_CORRUPT', /CRC/);
    });

    it('PROFILE_TOO_LARGE past maxDecompressedBytes, naming the cap', () => {
      const raw = build([sample([1], [1, 2])]);
      throwsCode(() => decodeProfile(gzipSync(raw), { maxDecompressedBytes: raw.length - 1 }), 'PROFILE_TOO_LARGE', new RegExp(`cap of ${raw.length - 1} bytes`));
      assert.equal(decodeProfile(gzipSync(raw), { maxDecompressedBytes: raw.length }).samples.count, 1);
    });

    it('PROFILE_TOO_LARGE past maxTableEntries, counting table entries and distinct label sets', () => {
      const raw = build([sample([1], [1, 2])]);
      // 17 strings + 2 sample types + 1 mapping + 3 locations + 3 lines + 2 functions = 28 entries.
      assert.equal(decodeProfile(raw, { maxTableEntries: 28 }).samples.count, 1);
      throwsCode(() => decodeProfile(raw, { maxTableEntries: 27 }), 'PROFILE_TOO_LARGE', /more than 27 table entries.*maxTableEntries/);
      const labelled = build([
        sample([1], [1, 2], label(S.bytes, { num: 1 })),
        sample([1], [1, 2], label(S.bytes, { num: 2 })),
        sample([1], [1, 2], label(S.bytes, { num: 1 })),
      ]);
      // Each new label list adds a raw list and a LabelSet: 28 + 2 × 2.
      assert.equal(decodeProfile(labelled, { maxTableEntries: 32 }).labelSets.length, 3);
      throwsCode(() => decodeProfile(labelled, { maxTableEntries: 31 }), 'PROFILE_TOO_LARGE', /maxTableEntries/);
    });

    it('stops a table bomb (gzip of millions of empty locations) before it fills the heap', () => {
      // 4 million empty Location messages (22 00): 8 MB inflated, ~8 KB of gzip.
      const bomb = gzipSync(Buffer.alloc(8 * 1024 * 1024, Uint8Array.from([0x22, 0x00])));
      const before = process.memoryUsage().rss;
      throwsCode(() => decodeProfile(bomb), 'PROFILE_TOO_LARGE', /more than 1000000 table entries/);
      assert.ok(process.memoryUsage().rss - before < 300 * 1024 * 1024);
    });

    it('stops a sample bomb (zero-valued samples, 8 bytes decoded per input byte) at maxDecompressedBytes', () => {
      // 200 sample types and 40k samples of 200 one-byte values: 8 MB inflated from ~30 KB of
      // gzip, which would decode to 64 MB of values.
      const nTypes = 200;
      const values = concat(tag(2, 2), varintBytes(nTypes), new Uint8Array(nTypes));
      const one = lfield(PROFILE.sample, values);
      const types = concat(...Array.from({ length: nTypes }, () => lfield(PROFILE.sampleType, valueType(S.samples, S.count))));
      const raw = concat(types, Buffer.concat(Array.from({ length: 40_000 }, () => one)), stringTable(STRINGS));
      const bomb = gzipSync(raw);
      const cap = 16 * 1024 * 1024;
      assert.ok(raw.length < cap, 'the inflated bytes are under the cap');
      const before = process.memoryUsage().rss;
      throwsCode(() => decodeProfile(bomb, { maxDecompressedBytes: cap }), 'PROFILE_TOO_LARGE', /40000 samples \(200 values each.*more than the cap of 16777216 bytes/);
      assert.ok(process.memoryUsage().rss - before < 48 * 1024 * 1024, 'the values were never allocated');
      // Real profiles need about twice their size: the fixtures decode under a cap of twice theirs.
      for (const name of ['cpu.pb.gz', 'heap.pb.gz', 'allocs.pb.gz']) {
        const gz = readFileSync(new URL(`../../test/fixtures/profiles/${name}`, import.meta.url));
        assert.ok(decodeProfile(gz, { maxDecompressedBytes: 2 * gunzipSync(gz).length }).samples.count > 0, name);
      }
    });

    it('OPTION_INVALID for a cap that is not a positive integer', () => {
      for (const cap of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
        throwsCode(() => decodeProfile(gzipSync(stringTable([''])), { maxDecompressedBytes: cap }), 'OPTION_INVALID', /maxDecompressedBytes/);
        throwsCode(() => decodeProfile(stringTable(['']), { maxTableEntries: cap }), 'OPTION_INVALID', /maxTableEntries/);
      }
    });

    it('PROFILE_PROTOBUF_CORRUPT for truncated bytes, bad lengths and wrong wire types, with the offset', () => {
      const good = build([sample([1, 2], [1, 2], label(S.thread, { str: S.worker }))]);
      const cases: [string, Uint8Array, RegExp][] = [
        ['cut inside a sample', good.subarray(0, sampleTypes.length + 5), /runs past the end .* at byte/],
        ['cut inside a varint', concat(stringTable(['']), Uint8Array.from([0x48, 0xff])), /truncated varint at byte 3/],
        ['length beyond the buffer', concat(stringTable(['']), tag(PROFILE.stringTable, 2), varintBytes(1000)), /length 1000 runs past/],
        ['sample as a varint', concat(stringTable(['']), vfield(PROFILE.sample, 3)), /sample \(field 2\) has wire type 0, expected 2 at byte 2/],
        ['string_table as a varint', vfield(PROFILE.stringTable, 0), /string_table \(field 6\) has wire type 0/],
        ['period as a string', concat(stringTable(['']), sfield(PROFILE.period, 'x')), /period \(field 12\) has wire type 2/],
        ['mapping id as a string', concat(stringTable(['']), lfield(PROFILE.mapping, sfield(1, 'x'))), /Mapping.id \(field 1\) has wire type 2/],
        ['sample values as fixed64', build([concat(packed(1, [1]), tag(2, 1), new Uint8Array(8))]), /Sample.value \(field 2\) has wire type 1/],
        ['a group', concat(stringTable(['']), tag(20, 3)), /unsupported wire type 3/],
        ['wire type 7', concat(stringTable(['']), tag(20, 7)), /unsupported wire type 7/],
        ['a label field past its message', build([concat(sample([1], [1, 2]), lfield(3, vfield(1, S.thread), tag(2, 0)))]), /past its end|truncated varint/],
        ['packed ids past their run', build([concat(lfield(1, Uint8Array.from([0x81])), packed(2, [1, 2]))]), /packed Sample.location_id/],
      ];
      for (const [what, bytes, message] of cases) {
        assert.throws(
          () => decodeProfile(bytes),
          (err: unknown) =>
            isGopprofError(err, 'PROFILE_PROTOBUF_CORRUPT') && message.test(err.message) && typeof err.details.offset === 'number',
          what,
        );
      }
    });

    it('PROFILE_INVALID for a bad string table, bad indices, unknown ids, duplicate ids, value count mismatch', () => {
      const cases: [string, Uint8Array, RegExp][] = [
        ['no string table', concat(sampleTypes), /string table is empty/],
        ['string_table[0] not empty', stringTable(['x', '']), /string_table\[0\] must be ""/],
        ['sample type index', concat(lfield(PROFILE.sampleType, valueType(99, 0)), stringTable(STRINGS)), /sample_type type: string index 99 is out of range \(17 strings\)/],
        ['function name index', build([], lfield(PROFILE.function, func(3, 500, 0, 0, 0))), /function 3 name: string index 500/],
        ['negative string index', build([], vfield(PROFILE.dropFrames, -1)), /drop_frames: string index Infinity is out of range/],
        ['label key index', build([sample([1], [1, 2], label(77, { str: S.worker }))]), /sample 0: label key string index 77/],
        ['label value index', build([sample([1], [1, 2], label(S.thread, { str: 77 }))]), /sample 0: label value string index 77/],
        ['unknown location', build([sample([1], [1, 2]), sample([1, 9], [1, 2])]), /sample 1 references unknown location id 9/],
        ['location id 0 in a sample', build([sample([0], [1, 2])]), /unknown location id 0/],
        ['unknown function', build([], lfield(PROFILE.location, location(4, 0, 0, [[7, 1]]))), /location 4 references unknown function id 7/],
        ['unknown mapping', build([], lfield(PROFILE.location, location(4, 5, 0, []))), /location 4 references unknown mapping id 5/],
        ['duplicate location', build([], lfield(PROFILE.location, location(2, 0, 0, []))), /duplicate location id 2/],
        ['location id 0', build([], lfield(PROFILE.location, location(0, 0, 0, []))), /location with reserved id 0/],
        ['duplicate function', build([], lfield(PROFILE.function, func(1, 0, 0, 0, 0))), /duplicate function id 1/],
        ['too few values', build([sample([1], [1, 2]), sample([1], [1])]), /sample 1 has 1 values but the profile has 2 sample types/],
        ['too many values', build([sample([1], [1, 2, 3])]), /sample 0 has 3 values but the profile has 2 sample types/],
        [
          'many empty samples × many types',
          concat(...new Array(300).fill(lfield(PROFILE.sampleType, valueType(1, 2))), ...new Array(300).fill(lfield(PROFILE.sample)), stringTable(STRINGS)),
          /300 samples × 300 sample types need at least 90000 bytes of values, but all samples together have 0 bytes/,
        ],
        ['samples without types', concat(lfield(PROFILE.sample, sample([], [])), stringTable([''])), /1 samples but no sample types/],
      ];
      for (const [what, bytes, message] of cases) {
        assert.throws(() => decodeProfile(bytes), (err: unknown) => isGopprofError(err, 'PROFILE_INVALID') && message.test(err.message), what);
      }
    });
  });
});

describe('decodeProfileAsync', () => {
  it('gives what decodeProfile gives, for gzip and raw bytes', async () => {
    const raw = build([sample([1, 2], [3, 4], label(S.thread, { str: S.worker }))], scalars);
    assert.deepEqual(await decodeProfileAsync(gzipSync(raw)), decodeProfile(raw));
    assert.deepEqual(await decodeProfileAsync(raw), decodeProfile(raw));
  });

  it('fails as decodeProfile does, and with ABORTED when cancelled', async () => {
    await assert.rejects(decodeProfileAsync(new Uint8Array()), (err: unknown) => isGopprofError(err, 'PROFILE_EMPTY'));
    await assert.rejects(decodeProfileAsync(gzipSync(stringTable(['x']))), (err: unknown) => isGopprofError(err, 'PROFILE_INVALID'));
    await assert.rejects(decodeProfileAsync(gzipSync(stringTable([''])), { signal: AbortSignal.abort() }), (err: unknown) =>
      isGopprofError(err, 'ABORTED'),
    );
    await assert.rejects(decodeProfileAsync(stringTable(['']), { signal: AbortSignal.abort() }), (err: unknown) =>
      isGopprofError(err, 'ABORTED'),
    );
  });
});
