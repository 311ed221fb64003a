// `go tool pprof` merges every profile it reads (profile.Merge), even a single
// one. prepareReport skips that merge when it would change nothing printed;
// these crafted profiles are the cases where it does change the output even
// without negative values: mappings that pprof folds into one (same size,
// offset and build id) and all-zero samples (dropped by the merge, so their
// numeric label units do not count). Each is checked on its own and, when Go
// is installed, byte for byte against go tool pprof.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { decodeProfile } from '../src/pprof/index.ts';
import { generateDot, generateTop } from '../src/report/index.ts';
import {
  concat,
  func,
  label,
  lfield,
  location,
  PROFILE,
  sample,
  stringTable,
  valueType,
  vfield,
} from './support/pprof-proto-writer.ts';
import { requireBinary } from './support/require-binary.ts';
import { runGoPprof } from './support/run-pprof.ts';

/** Two shared libraries with one build id and size: pprof's merge folds b.so into a.so. */
function collidingMappings(): Uint8Array {
  const strings = ['', 'samples', 'count', '/bin/app', '/lib/a.so', '/lib/b.so', 'bid'];
  const lib = (id: number, start: number, file: number) =>
    lfield(PROFILE.mapping, vfield(1, id), vfield(2, start), vfield(3, start + 0x1000), vfield(5, file), vfield(6, 6));
  return concat(
    lfield(PROFILE.sampleType, valueType(1, 2)),
    lfield(PROFILE.sample, sample([2, 1], [5])),
    lfield(PROFILE.sample, sample([3, 1], [3])),
    lfield(PROFILE.mapping, vfield(1, 1), vfield(2, 0x400000), vfield(3, 0x800000), vfield(5, 3)),
    lib(2, 0x10000000, 4),
    lib(3, 0x20000000, 5),
    lfield(PROFILE.location, location(1, 1, 0x401000, [])),
    lfield(PROFILE.location, location(2, 2, 0x10000100, [])),
    lfield(PROFILE.location, location(3, 3, 0x20000200, [])),
    stringTable(strings),
  );
}

/** The first sample is all zero and says its `bytes` label is in kilobytes; the only real one says bytes. */
function zeroSampleUnit(): Uint8Array {
  const strings = ['', 'alloc_space', 'bytes', 'main.a', 'a.go', 'main.b', 'b.go', '/bin/app', 'kilobytes'];
  return concat(
    lfield(PROFILE.sampleType, valueType(1, 2)),
    lfield(PROFILE.sample, sample([2, 1], [0], label(2, { num: 8, unit: 8 }))),
    lfield(PROFILE.sample, sample([2, 1], [5000], label(2, { num: 16, unit: 2 }))),
    lfield(PROFILE.mapping, vfield(1, 1), vfield(2, 0x400000), vfield(3, 0x800000), vfield(5, 7)),
    lfield(PROFILE.location, location(1, 1, 0x401000, [[1, 10]])),
    lfield(PROFILE.location, location(2, 1, 0x402000, [[2, 20]])),
    lfield(PROFILE.function, func(1, 3, 3, 4, 1)),
    lfield(PROFILE.function, func(2, 5, 5, 6, 1)),
    stringTable(strings),
  );
}

const CASES = [
  { name: 'colliding mappings', bytes: collidingMappings() },
  { name: 'all-zero sample', bytes: zeroSampleUnit() },
];

test('mappings pprof merges become one [binary] node', () => {
  const top = generateTop(decodeProfile(collidingMappings()), { timeZone: 'UTC' });
  assert.match(top, /^ +8 +100% +100% +8 +100% {2}\[a\.so\]$/m);
  assert.doesNotMatch(top, /b\.so/);
});

test('an all-zero sample does not choose the unit of numeric labels', () => {
  const dot = generateDot(decodeProfile(zeroSampleUnit()), { timeZone: 'UTC' });
  assert.match(dot, /\[label = "16B" /);
  assert.doesNotMatch(dot, /16kB/);
});

test('the crafted merge cases print what go tool pprof prints', async (t) => {
  if (!requireBinary(t, 'go')) return;
  const dir = await mkdtemp(join(tmpdir(), 'gopprof-merge-'));
  try {
    for (const c of CASES) {
      const file = join(dir, `${c.name.replaceAll(' ', '-')}.pb`);
      await writeFile(file, c.bytes);
      for (const format of ['dot', 'top'] as const) {
        const go = await runGoPprof([`-${format}`, file]);
        assert.equal(go.code, 0, go.stderr);
        const profile = decodeProfile(c.bytes);
        const ours = format === 'dot' ? generateDot(profile, { timeZone: 'UTC' }) : generateTop(profile, { timeZone: 'UTC' });
        assert.equal(ours, go.stdout.toString('utf8'), `${c.name} -${format}`);
      }
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
