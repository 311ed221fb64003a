import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isGopprofError } from '../errors.ts';
import { windowGrid } from './window-grid.ts';

test('windowGrid: windows end at `end`, offset when it is not aligned', () => {
  assert.deepEqual(windowGrid({ end: 600_000, windowSeconds: 60, count: 3, namespaces: [] }), {
    start: 420_000,
    end: 600_000,
    windowMs: 60_000,
    count: 3,
    offsetMs: 0,
  });
  assert.equal(windowGrid({ end: 615_000, windowSeconds: 60, count: 2, namespaces: ['a'] }).offsetMs, 15_000);
});

test('windowGrid: every problem named at once', () => {
  assert.throws(
    () => windowGrid({ end: Number.NaN, windowSeconds: 0.5, count: 0, namespaces: [''] }),
    (err) => {
      assert.ok(isGopprofError(err, 'OPTION_INVALID'));
      for (const word of ['end', 'windowSeconds', 'count', 'namespaces']) assert.match(err.message, new RegExp(word));
      return true;
    },
  );
  assert.throws(() => windowGrid({ end: 60_000, windowSeconds: 60, count: 2, namespaces: [] }), /before the epoch/);
});
