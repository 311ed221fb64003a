import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { GopprofError, isGopprofError } from '../errors.ts';
import { gunzipProfile, gunzipProfileAsync, isGzip } from './gunzip.ts';

const text = (s: string): Uint8Array => new TextEncoder().encode(s);
const decoded = (b: Uint8Array): string => new TextDecoder().decode(b);

describe('gunzipProfile', () => {
  it('recognises the gzip magic', () => {
    assert.equal(isGzip(gzipSync(text('x'))), true);
    assert.equal(isGzip(Uint8Array.from([0x1f])), false);
    assert.equal(isGzip(Uint8Array.from([0x0a, 0x04])), false);
  });

  it('inflates up to and including the cap', () => {
    const body = text('a'.repeat(1000));
    assert.equal(decoded(gunzipProfile(gzipSync(body), 1000)), 'a'.repeat(1000));
  });

  it('stops past the cap with PROFILE_TOO_LARGE naming the cap', () => {
    assert.throws(
      () => gunzipProfile(gzipSync(text('a'.repeat(1001))), 1000),
      (err: unknown) =>
        isGopprofError(err, 'PROFILE_TOO_LARGE') && /cap of 1000 bytes/.test(err.message) && err.details.maxDecompressedBytes === 1000,
    );
  });

  it('does not allocate past the cap on a decompression bomb', () => {
    // 64 gzip members of 4 MiB of zeros each: 256 MiB inflated from ~260 KB, cheap to build.
    const bomb = Buffer.concat(new Array(64).fill(gzipSync(new Uint8Array(4 * 1024 * 1024))));
    const before = process.memoryUsage().arrayBuffers;
    assert.throws(() => gunzipProfile(bomb, 1024 * 1024), (err: unknown) => isGopprofError(err, 'PROFILE_TOO_LARGE'));
    assert.ok(process.memoryUsage().arrayBuffers - before < 64 * 1024 * 1024);
  });

  it('reads concatenated gzip members as one stream, as Go does', () => {
    const two = Buffer.concat([gzipSync(text('hello ')), gzipSync(text('world'))]);
    assert.equal(decoded(gunzipProfile(two, 100)), 'hello world');
  });

  it('rejects truncation, a bad CRC and trailing garbage with PROFILE_GZIP_CORRUPT', () => {
    const gz = gzipSync(text('some profile bytes'.repeat(10)));
    const badCrc = Buffer.from(gz);
    badCrc[badCrc.length - 8] ^= 0xff;
    const cases: [Uint8Array, RegExp][] = [
      [gz.subarray(0, gz.length - 4), /is truncated/],
      [gz.subarray(0, 12), /is truncated/],
      [badCrc, /fails its CRC check/],
      [Buffer.concat([gz, text('garbage')]), /is corrupt/],
    ];
    for (const [bytes, message] of cases) {
      assert.throws(
        () => gunzipProfile(bytes, 1 << 20),
        (err: unknown) => isGopprofError(err, 'PROFILE_GZIP_CORRUPT') && message.test(err.message),
      );
    }
  });
});

describe('gunzipProfileAsync', () => {
  it('inflates off the main thread with the same cap and errors', async () => {
    assert.equal(decoded(await gunzipProfileAsync(gzipSync(text('abc')), 3)), 'abc');
    await assert.rejects(gunzipProfileAsync(gzipSync(text('abcd')), 3), (err: unknown) =>
      isGopprofError(err, 'PROFILE_TOO_LARGE'),
    );
    await assert.rejects(gunzipProfileAsync(gzipSync(text('abcd')).subarray(0, 15), 100), (err: unknown) =>
      isGopprofError(err, 'PROFILE_GZIP_CORRUPT'),
    );
  });

  it('rejects with ABORTED (or the typed reason) when cancelled', async () => {
    const gz = gzipSync(text('abc'));
    await assert.rejects(gunzipProfileAsync(gz, 100, AbortSignal.abort()), (err: unknown) => isGopprofError(err, 'ABORTED'));
    const reason = new GopprofError('FETCH_TIMEOUT', 'deadline');
    await assert.rejects(gunzipProfileAsync(gz, 100, AbortSignal.abort(reason)), (err: unknown) => err === reason);
    const controller = new AbortController();
    const pending = gunzipProfileAsync(gzipSync(new Uint8Array(32 << 20)), 64 << 20, controller.signal);
    controller.abort();
    await assert.rejects(pending, (err: unknown) => isGopprofError(err, 'ABORTED'));
  });
});
