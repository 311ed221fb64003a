import assert from 'node:assert/strict';
import { test } from 'node:test';
import { makeProfile, readStacks } from '../../test/support/make-profile.ts';
import { GopprofError } from '../errors.ts';
import { combineProfiles } from './combine-profiles.ts';
import { mergeProfiles } from './merge-profiles.ts';

const types = [
  { type: 'samples', unit: 'count' },
  { type: 'cpu', unit: 'nanoseconds' },
];

test('merge adds identical samples, keeps labelled ones apart, drops zeros and repeated comments', () => {
  const p = makeProfile({
    sampleTypes: types,
    comments: ['a', 'b', 'a'],
    samples: [
      { stack: ['main', 'f'], values: [1, 10] },
      { stack: ['main', 'f'], values: [2, 20] },
      { stack: ['main', 'f'], values: [1, 1], labels: { k: ['v'] } },
      { stack: ['main', 'g'], values: [3, 30] },
      { stack: ['main', 'g'], values: [-3, -30] },
      { stack: ['main', 'h'], values: [0, 0] },
    ],
  });
  const m = mergeProfiles([p]);
  assert.deepEqual(readStacks(m), [
    { stack: ['main', 'f'], values: [3, 30] },
    { stack: ['main', 'f'], values: [1, 1] },
  ]);
  assert.deepEqual(m.comments, ['a', 'b']);
  assert.deepEqual(
    m.locations.map((l) => l.id),
    [1, 2],
    'compacted: only the locations still used, renumbered',
  );
});

test('diff_base: the base is negated and labelled pprof::base; base: plain subtraction', () => {
  const src = makeProfile({ sampleTypes: types, durationNanos: 5n, samples: [{ stack: ['main', 'f'], values: [5, 50] }] });
  const base = makeProfile({
    sampleTypes: types,
    durationNanos: 7n,
    samples: [
      { stack: ['main', 'f'], values: [2, 20] },
      { stack: ['main', 'g'], values: [1, 10] },
    ],
  });
  const diff = combineProfiles(src, base, 'diff_base');
  assert.deepEqual(readStacks(diff), [
    { stack: ['main', 'f'], values: [5, 50] },
    { stack: ['main', 'f'], values: [-2, -20] },
    { stack: ['main', 'g'], values: [-1, -10] },
  ]);
  const baseSets = [1, 2].map((i) => diff.labelSets[diff.samples.labelSet[i]].labels['pprof::base']);
  assert.deepEqual(baseSets, [['true'], ['true']]);
  assert.equal(diff.durationNanos, 12n, 'durations add up');
  const sub = combineProfiles(src, base, 'base');
  assert.deepEqual(readStacks(sub), [
    { stack: ['main', 'f'], values: [3, 30] },
    { stack: ['main', 'g'], values: [-1, -10] },
  ]);
});

test('units are scaled to the finer one; other mismatches are PROFILE_MISMATCH', () => {
  const us = makeProfile({
    sampleTypes: [{ type: 'cpu', unit: 'microseconds' }],
    samples: [{ stack: ['f'], values: [3] }],
  });
  const ns = makeProfile({ sampleTypes: [{ type: 'cpu', unit: 'nanoseconds' }], samples: [{ stack: ['f'], values: [1000] }] });
  const d = combineProfiles(us, ns, 'base');
  assert.deepEqual(d.sampleTypes, [{ type: 'cpu', unit: 'nanoseconds' }]);
  assert.deepEqual(readStacks(d), [{ stack: ['f'], values: [2000] }]);
  const heap = makeProfile({ sampleTypes: [{ type: 'inuse_space', unit: 'bytes' }], samples: [] });
  assert.throws(
    () => combineProfiles(us, heap, 'diff_base'),
    (e: unknown) => e instanceof GopprofError && e.code === 'PROFILE_MISMATCH',
  );
  assert.throws(
    () => combineProfiles(makeProfile({ sampleTypes: types, samples: [] }), us, 'base'),
    (e: unknown) => e instanceof GopprofError && e.code === 'PROFILE_MISMATCH',
  );
});
