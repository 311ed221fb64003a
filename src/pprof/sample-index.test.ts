import assert from 'node:assert/strict';
import { test } from 'node:test';
import { makeProfile } from '../../test/support/make-profile.ts';
import { GopprofError } from '../errors.ts';
import { sampleIndexByName } from './sample-index.ts';

const heap = makeProfile({
  sampleTypes: [
    { type: 'alloc_objects', unit: 'count' },
    { type: 'alloc_space', unit: 'bytes' },
    { type: 'space', unit: 'bytes' },
  ],
  samples: [],
});

test('default: the default sample type, else the last one', () => {
  assert.equal(sampleIndexByName(heap, ''), 2);
  assert.equal(sampleIndexByName({ ...heap, defaultSampleType: 'alloc_space' }, ''), 1);
  assert.equal(sampleIndexByName({ ...heap, defaultSampleType: 'missing' }, ''), 2);
});

test('numbers and names, with the legacy inuse_ prefix', () => {
  assert.equal(sampleIndexByName(heap, 0), 0);
  assert.equal(sampleIndexByName(heap, '1'), 1);
  assert.equal(sampleIndexByName(heap, '+1'), 1);
  assert.equal(sampleIndexByName(heap, 'alloc_objects'), 0);
  assert.equal(sampleIndexByName(heap, 'inuse_space'), 2);
});

test('bad values name the valid choices', () => {
  const check = (v: string | number, re: RegExp) =>
    assert.throws(
      () => sampleIndexByName(heap, v),
      (e: unknown) => e instanceof GopprofError && e.code === 'SAMPLE_INDEX_INVALID' && re.test(e.message),
    );
  check(3, /outside the range \[0\.\.2\]/);
  check('-1', /outside the range/);
  check('cpu', /"cpu" must be one of: \[alloc_objects alloc_space space\]/);
});
