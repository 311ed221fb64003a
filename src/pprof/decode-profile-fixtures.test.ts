/**
 * The decoder on the real Go profiles in test/fixtures/profiles/: spot checks
 * against what go tool pprof reports for them (see golden/*.top), and
 * agreement with the pprof-format-based reference decoder.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { PROFILES_DIR } from '../../test/support/fixtures.ts';
import { decodeProfile } from './decode-profile.ts';
import { decodeProfileReference } from './decode-profile-reference.ts';
import { parseProfileProto } from './parse-profile-proto.ts';
import { EMPTY_LABEL_SET, type Profile } from './profile.ts';

const load = (name: string): Profile => decodeProfile(readFileSync(PROFILES_DIR + name));
const types = (p: Profile): string[] => p.sampleTypes.map((t) => `${t.type}/${t.unit}`);

function total(p: Profile, type: string): number {
  const t = p.sampleTypes.findIndex((s) => s.type === type);
  assert.ok(t >= 0, `no sample type ${type}`);
  let sum = 0;
  for (let i = 0; i < p.samples.count; i++) sum += p.samples.values[i * p.sampleTypes.length + t];
  return sum;
}

/** Every sample's locations are valid indices, offsets ascend, label sets exist. */
function assertWellFormed(p: Profile): void {
  const { count, locationOffsets, locationIndex, values, labelSet } = p.samples;
  assert.equal(locationOffsets.length, count + 1);
  assert.equal(locationOffsets[count], locationIndex.length);
  for (let i = 0; i < count; i++) assert.ok(locationOffsets[i] <= locationOffsets[i + 1]);
  for (const index of locationIndex) assert.ok(index < p.locations.length);
  assert.equal(values.length, count * p.sampleTypes.length);
  for (const set of labelSet) assert.ok(set < p.labelSets.length);
  assert.equal(p.labelSets[0], EMPTY_LABEL_SET);
}

describe('decodeProfile on real Go profiles', () => {
  const files = readdirSync(PROFILES_DIR).filter((f) => f.endsWith('.pb.gz'));

  it('finds the fixtures', () => {
    assert.ok(files.length >= 10, `only ${files.length} profiles in ${PROFILES_DIR}`);
  });

  for (const file of files) {
    it(`${file}: well-formed and identical to the reference decoder`, () => {
      const raw = gunzipSync(readFileSync(PROFILES_DIR + file));
      const fast = parseProfileProto(raw);
      assertWellFormed(fast);
      assert.deepStrictEqual(fast, decodeProfileReference(raw));
    });
  }

  it('cpu: samples/count and cpu/nanoseconds, 17.11 s in total as pprof -top says', () => {
    const p = load('cpu.pb.gz');
    assert.deepEqual(types(p), ['samples/count', 'cpu/nanoseconds']);
    assert.deepEqual(p.periodType, { type: 'cpu', unit: 'nanoseconds' });
    assert.equal(p.period, 10_000_000);
    assert.equal(p.durationNanos, 10145302498n); // "Duration: 10.15s"
    assert.equal(total(p, 'cpu'), 17.11e9);
    assert.equal(total(p, 'samples'), 1711);
    for (let i = 0; i < p.samples.count; i++) assert.equal(p.samples.values[2 * i + 1], p.samples.values[2 * i] * p.period);
    assert.ok(p.functions.some((f) => f.name === 'main.handleOrders' && f.filename.endsWith('.go')));
    assert.ok(p.locations.some((l) => l.lines.length > 1), 'Go 1.19 cpu profiles carry inlined frames');
    assert.equal(p.mappings[0].file, '/tmp/goworkload');
    assert.equal(p.mappings[0].hasFunctions, true);
  });

  it('heap: four sample types, a numeric `bytes` label on the samples', () => {
    const p = load('heap.pb.gz');
    assert.deepEqual(types(p), ['alloc_objects/count', 'alloc_space/bytes', 'inuse_objects/count', 'inuse_space/bytes']);
    assert.equal(p.defaultSampleType, '');
    let labelled = 0;
    for (let i = 0; i < p.samples.count; i++) {
      const set = p.labelSets[p.samples.labelSet[i]];
      if (set.numLabels.bytes === undefined) continue;
      labelled++;
      assert.equal(set.numLabels.bytes.length, 1);
      assert.ok(set.numLabels.bytes[0] > 0);
      assert.deepEqual(set.numUnits.bytes, ['']);
    }
    assert.ok(labelled >= p.samples.count - 2, `${labelled} of ${p.samples.count} samples have a bytes label`);
  });

  it('allocs: default_sample_type alloc_space, 1929.63 MB allocated', () => {
    const p = load('allocs.pb.gz');
    assert.equal(p.defaultSampleType, 'alloc_space');
    assert.equal((total(p, 'alloc_space') / 2 ** 20).toFixed(2), '1929.63');
  });

  it('heap-delta: negative values and a duration', () => {
    const p = load('heap-delta.pb.gz');
    assert.ok(p.samples.values.some((v) => v < 0));
    assert.equal(p.durationNanos, 5005386695n);
  });

  it('goroutine: 21 goroutines', () => {
    assert.equal(total(load('goroutine.pb.gz'), 'goroutine'), 21);
  });

  it('mutex and block: contentions/count and delay/nanoseconds', () => {
    assert.deepEqual(types(load('mutex.pb.gz')), ['contentions/count', 'delay/nanoseconds']);
    assert.deepEqual(types(load('block.pb.gz')), ['contentions/count', 'delay/nanoseconds']);
  });
});
