/**
 * The streaming decoder against the pprof-format-based reference on the large
 * real profiles in ../shared/profiles/ (hundreds of thousands of samples, deep
 * stacks, thousands of label sets): both must build the identical Profile.
 * Slow by nature (the reference needs ~5 s and ~650 MB for big-heap), so it
 * lives here rather than beside the code.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { decodeProfileReference } from '../src/pprof/decode-profile-reference.ts';
import { parseProfileProto } from '../src/pprof/parse-profile-proto.ts';
import { profileDir } from './support/fixtures.ts';

describe('streaming decoder = reference decoder on big profiles', () => {
  for (const file of ['big-cpu.pb.gz', 'big-allocs.pb.gz', 'big-heap.pb.gz']) {
    it(file, (t) => {
      const dir = profileDir(t, file);
      if (!dir) return;
      const raw = gunzipSync(readFileSync(dir + file));
      const fast = parseProfileProto(raw);
      assert.ok(fast.samples.count > 0);
      // Compare column by column first: a mismatch then names the column instead of dumping megabytes.
      const reference = decodeProfileReference(raw);
      for (const column of ['locationOffsets', 'locationIndex', 'values', 'labelSet'] as const) {
        assert.ok(bytesOf(fast.samples[column]).equals(bytesOf(reference.samples[column])), `samples.${column} differ`);
      }
      assert.deepStrictEqual(fast, reference);
    });
  }
});

function bytesOf(a: ArrayBufferView): Buffer {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength);
}
