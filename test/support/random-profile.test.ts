/**
 * The random profile generator is deterministic, always produces consistent
 * profile.proto (every reference resolves, as Go's CheckValid demands), covers
 * the traits the differential test relies on, and go tool pprof accepts it.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { Profile } from 'pprof-format';
import { generateRandomProfile, randomProfile } from './random-profile.ts';
import { requireBinary } from './require-binary.ts';
import { createLimiter, runGoPprof } from './run-pprof.ts';

const SEEDS = Array.from({ length: 150 }, (_, i) => i);

/** int64 as pprof-format decodes it (bigint above 2^28, negatives unsigned) → number. */
function int64(v: number | bigint): number {
  return typeof v === 'bigint' ? Number(BigInt.asIntN(64, v)) : v;
}

function decode(bytes: Uint8Array): Profile {
  assert.deepEqual([bytes[0], bytes[1]], [0x1f, 0x8b], 'not gzip');
  return Profile.decode(gunzipSync(bytes));
}

/** The checks of Go's profile.CheckValid plus string-table bounds; returns the decoded profile. */
function assertConsistent(seed: number, bytes: Uint8Array): Profile {
  const p = decode(bytes);
  const where = `seed ${seed}`;
  const nStrings = p.stringTable.strings.length;
  const assertString = (i: number | bigint, what: string): void => {
    assert.ok(int64(i) >= 0 && int64(i) < nStrings, `${where}: ${what} string index ${i} out of range`);
  };
  const ids = (items: readonly { id: number | bigint }[], what: string): Set<number> => {
    const set = new Set<number>();
    for (const item of items) {
      const id = int64(item.id);
      assert.ok(id !== 0, `${where}: ${what} with id 0`);
      assert.ok(!set.has(id), `${where}: duplicate ${what} id ${id}`);
      set.add(id);
    }
    return set;
  };
  const mappingIds = ids(p.mapping, 'mapping');
  const functionIds = ids(p.function, 'function');
  const locationIds = ids(p.location, 'location');
  for (const f of p.function) for (const s of [f.name, f.systemName, f.filename]) assertString(s, 'function');
  for (const m of p.mapping) for (const s of [m.filename, m.buildId]) assertString(s, 'mapping');
  for (const l of p.location) {
    const m = int64(l.mappingId);
    assert.ok(m === 0 || mappingIds.has(m), `${where}: location ${l.id} has unknown mapping ${m}`);
    for (const line of l.line) assert.ok(functionIds.has(int64(line.functionId)), `${where}: location ${l.id} has a line without a valid function`);
  }
  assert.ok(p.sampleType.length >= 1 && p.sampleType.length <= 4, `${where}: ${p.sampleType.length} sample types`);
  for (const s of p.sample) {
    assert.equal(s.value.length, p.sampleType.length, `${where}: sample value count`);
    for (const id of s.locationId) assert.ok(locationIds.has(int64(id)), `${where}: sample references unknown location ${id}`);
    for (const v of s.value) assert.ok(Math.abs(int64(v)) <= 2 ** 53, `${where}: value ${v} beyond 2^53`);
    for (const l of s.label) for (const x of [l.key, l.str, l.numUnit]) assertString(x, 'label');
  }
  const types = p.sampleType.map((t) => p.stringTable.strings[int64(t.type)]);
  const dst = p.stringTable.strings[int64(p.defaultSampleType)];
  assert.ok(dst === '' || types.includes(dst), `${where}: default_sample_type ${dst} is not a sample type`);
  return p;
}

test('the same seed gives the same bytes; different seeds differ', () => {
  assert.deepEqual(randomProfile(7), randomProfile(7));
  assert.deepEqual(randomProfile(123_456_789), randomProfile(123_456_789));
  assert.notDeepEqual(randomProfile(7), randomProfile(8));
  const distinct = new Set(SEEDS.slice(0, 30).map((s) => Buffer.from(randomProfile(s)).toString('base64')));
  assert.equal(distinct.size, 30);
});

test('every profile is consistent and the seeds together cover every trait', () => {
  const seen = new Map<string, number>();
  const saw = (trait: string, yes: boolean): void => {
    if (yes) seen.set(trait, (seen.get(trait) ?? 0) + 1);
  };
  let maxDepth = 0;
  let maxFunctions = 0;
  let minFunctions = Number.POSITIVE_INFINITY;
  for (const seed of SEEDS) {
    const facts = generateRandomProfile(seed);
    const p = assertConsistent(seed, facts.bytes);
    const strings = p.stringTable.strings;
    const values = p.sample.flatMap((s) => s.value.map(int64));
    saw(`${p.sampleType.length} sample types`, true);
    saw('negative values', values.some((v) => v < 0));
    saw('zero values', values.some((v) => v === 0));
    saw('an all-zero sample type', p.sample.length > 0 && p.sampleType.some((_, t) => p.sample.every((s) => int64(s.value[t]) === 0)));
    saw('no samples', p.sample.length === 0);
    saw('inlined frames', p.location.some((l) => l.line.length > 1));
    saw('address-only locations', p.location.some((l) => l.line.length === 0));
    saw('several mappings', p.mapping.length > 1);
    saw('no mapping', p.mapping.length === 0);
    saw('default_sample_type', int64(p.defaultSampleType) !== 0);
    saw('drop_frames', int64(p.dropFrames) !== 0);
    saw('keep_frames', int64(p.keepFrames) !== 0);
    saw('comments', p.comment.length > 0);
    saw('time', int64(p.timeNanos) !== 0);
    saw('duration', int64(p.durationNanos) !== 0);
    saw('period', p.periodType !== undefined && int64(p.period) !== 0);
    saw('string labels', p.sample.some((s) => s.label.some((l) => int64(l.str) !== 0)));
    saw('bytes label with unit', p.sample.some((s) => s.label.some((l) => strings[int64(l.key)] === 'bytes' && int64(l.numUnit) !== 0)));
    saw('bytes label without unit', p.sample.some((s) => s.label.some((l) => strings[int64(l.key)] === 'bytes' && int64(l.numUnit) === 0)));
    const names = facts.functionNames;
    saw('Go method names', names.some((n) => /^[\w.-]+(\/[\w.-]+)+\.\(\*\w+\)\.\w+$/.test(n)));
    saw('Go major-version paths', names.some((n) => /\/v\d+[./]/.test(n)));
    saw('C++ names', names.some((n) => n.includes('::')));
    saw('Java names', names.some((n) => /^[a-z]+(\.[a-z]+)+\.[A-Z]\w*/.test(n)));
    const locLines = new Map(p.location.map((l) => [int64(l.id), l.line.length]));
    for (const s of p.sample) {
      const ids = s.locationId.map(int64);
      maxDepth = Math.max(maxDepth, ids.length);
      saw('direct recursion', ids.some((id, i) => i > 0 && id === ids[i - 1] && (locLines.get(id) ?? 0) > 0));
      saw('mutual recursion', ids.some((id, i) => i > 1 && id === ids[i - 2] && id !== ids[i - 1]));
    }
    maxFunctions = Math.max(maxFunctions, p.function.length);
    minFunctions = Math.min(minFunctions, p.function.length);
  }
  const expected = [
    '1 sample types', '2 sample types', '3 sample types', '4 sample types', 'negative values', 'zero values',
    'an all-zero sample type', 'no samples', 'inlined frames', 'address-only locations', 'several mappings', 'no mapping',
    'default_sample_type', 'drop_frames', 'keep_frames', 'comments', 'time', 'duration', 'period', 'string labels',
    'bytes label with unit', 'bytes label without unit', 'Go method names', 'Go major-version paths', 'C++ names',
    'Java names', 'direct recursion', 'mutual recursion',
  ];
  assert.deepEqual(expected.filter((trait) => !seen.has(trait)), [], 'traits no seed produced');
  assert.ok(maxDepth >= 40, `deepest stack ${maxDepth}`);
  assert.ok(minFunctions <= 20 && maxFunctions >= 250, `functions ${minFunctions}..${maxFunctions}`);
});

test('the heap shape has Go heap sample types, bytes labels and exactly the requested samples', () => {
  const facts = generateRandomProfile(3, { shape: 'heap', samples: 2000, functions: 50 });
  const p = assertConsistent(3, facts.bytes);
  assert.deepEqual(facts.sampleTypes, ['alloc_objects', 'alloc_space', 'inuse_objects', 'inuse_space']);
  assert.equal(p.sample.length, 2000);
  assert.equal(p.function.length, 50);
  const strings = p.stringTable.strings;
  assert.ok(p.sample.every((s) => s.label.length === 1 && strings[int64(s.label[0].key)] === 'bytes'));
  assert.ok(p.sample.every((s) => int64(s.value[1]) === int64(s.value[0]) * int64(s.label[0].num)));
});

test('go tool pprof accepts generated profiles', async (t) => {
  if (!requireBinary(t, 'go')) return;
  const dir = await mkdtemp(join(tmpdir(), 'gopprof-random-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const limit = createLimiter(2);
  const seeds = [...Array.from({ length: 14 }, (_, i) => 1000 + i * 37), -1, 2 ** 40];
  await Promise.all(
    seeds.map(async (seed) => {
      const file = join(dir, `${seed}.pb.gz`);
      await writeFile(file, randomProfile(seed));
      const r = await limit(() => runGoPprof(['-top', file]));
      assert.equal(r.code, 0, `go tool pprof rejected seed ${seed}: ${r.stderr}`);
      assert.match(r.stdout.toString(), /^Showing nodes accounting for /m, `seed ${seed}`);
    }),
  );
});
