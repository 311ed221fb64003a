import assert from 'node:assert/strict';
import { test } from 'node:test';
import { makeProfile, readStacks } from '../../test/support/make-profile.ts';
import { filterSamplesByName } from './filter-samples-by-name.ts';
import { showFrom } from './show-from.ts';

const p = makeProfile({
  samples: [
    { stack: ['main', 'handle', 'encode'], values: [1] },
    { stack: ['main', ['handle', 'parse'], 'alloc'], values: [2] },
    { stack: ['main', 'gc'], values: [4] },
    { stack: [], values: [8] },
  ],
});

test('focus keeps samples through a match, ignore drops samples through one', () => {
  const f = filterSamplesByName(p, { focus: /handle/ });
  assert.deepEqual(readStacks(f.profile).map((s) => s.values[0]), [1, 2]);
  assert.equal(f.focusMatched, true);
  const i = filterSamplesByName(p, { ignore: /parse/ });
  assert.deepEqual(readStacks(i.profile).map((s) => s.values[0]), [1, 4], 'also drops the sample without locations');
  const both = filterSamplesByName(p, { focus: /main/, ignore: /gc/ });
  assert.deepEqual(readStacks(both.profile).map((s) => s.values[0]), [1, 2]);
  assert.equal(filterSamplesByName(p, { focus: /nothing/ }).focusMatched, false);
});

test('hide removes matching lines (also inlined ones), show keeps only matching lines', () => {
  const h = filterSamplesByName(p, { hide: /parse|gc/ });
  assert.deepEqual(readStacks(h.profile), [
    { stack: ['main', 'handle', 'encode'], values: [1] },
    { stack: ['main', 'handle', 'alloc'], values: [2] },
    { stack: ['main'], values: [4] },
  ]);
  const s = filterSamplesByName(p, { show: /handle|parse/ });
  assert.deepEqual(readStacks(s.profile), [
    { stack: ['handle'], values: [1] },
    { stack: ['handle+parse'], values: [2] },
  ]);
  assert.equal(s.showMatched, true);
  // Focus looks at locations as they were before hide edited them.
  const fh = filterSamplesByName(p, { focus: /parse/, hide: /parse/ });
  assert.deepEqual(readStacks(fh.profile), [{ stack: ['main', 'handle', 'alloc'], values: [2] }]);
});

test('show_from cuts everything above the highest match', () => {
  const r = showFrom(p, /handle|alloc/);
  assert.deepEqual(readStacks(r.profile), [
    { stack: ['handle', 'encode'], values: [1] },
    { stack: ['handle+parse', 'alloc'], values: [2] },
  ]);
});
