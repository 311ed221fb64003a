import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isGopprofError } from '../errors.ts';
import { label } from '../../test/support/pprof-proto-writer.ts';
import { LabelInterner } from './label-interner.ts';
import { EMPTY_LABEL_SET } from './profile.ts';
import { ProtobufReader } from './protobuf-reader.ts';

const STRINGS = ['', 'k', 'v', 'w', 'bytes'];

/** Feeds samples (each a list of Label bodies) through an interner; returns their label set indices. */
function intern(interner: LabelInterner, samples: Uint8Array[][]): number[] {
  return samples.map((labels, i) => {
    interner.begin();
    for (const body of labels) {
      const r = new ProtobufReader(body);
      interner.addLabel(r, body.length);
    }
    return interner.end(i);
  });
}

const samples: Uint8Array[][] = [
  [],
  [label(1, { str: 2 })],
  [label(1, { str: 3 })],
  [label(1, { str: 2 })],
  [label(4, { num: 10 })],
  [label(4, { num: 10 + 2 ** 32 })],
  [label(4, { num: 10 })],
  [label(1, {})],
  [label(1, { str: 2 }), label(4, { num: -1, unit: 4 })],
  [label(1, { str: 2 }), label(4, { num: -1, unit: 4 })],
];

describe('LabelInterner', () => {
  it('gives equal label lists one index and keeps labelSets[0] empty', () => {
    const interner = new LabelInterner(STRINGS, 100, 100);
    assert.deepEqual(intern(interner, samples), [0, 1, 2, 1, 3, 4, 3, 0, 5, 5]);
    assert.equal(interner.labelSets[0], EMPTY_LABEL_SET);
    assert.deepEqual(interner.labelSets[4], { labels: {}, numLabels: { bytes: [10 + 2 ** 32] }, numUnits: { bytes: [''] } });
  });

  it('gives the same answers through the string-keyed path that bounds colliding hash chains', () => {
    const fast = new LabelInterner(STRINGS, 100, 100);
    const slow = new LabelInterner(STRINGS, 100, 100, 0);
    assert.deepEqual(intern(slow, samples), intern(fast, samples));
    assert.deepEqual(slow.labelSets, fast.labelSets);
  });

  it('stops at the entry cap on either path, counting every kept label', () => {
    for (const maxChain of [8, 0]) {
      // The fourth new list would make 4 kept labels + 4 label sets, past the cap of 6.
      assert.throws(
        () => intern(new LabelInterner(STRINGS, 6, 123, maxChain), samples),
        (err: unknown) => isGopprofError(err, 'PROFILE_TOO_LARGE') && /more than 123 table entries/.test(err.message),
      );
      const many = [[label(1, { str: 2 }), label(1, { str: 3 }), label(1, { str: 2 }), label(4, { num: 1 })]];
      assert.throws(
        () => intern(new LabelInterner(STRINGS, 4, 123, maxChain), many),
        (err: unknown) => isGopprofError(err, 'PROFILE_TOO_LARGE') && /more than 123 table entries/.test(err.message),
      );
    }
  });
});
