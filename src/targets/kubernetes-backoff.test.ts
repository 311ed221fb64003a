import assert from 'node:assert/strict';
import { test } from 'node:test';
import { backoffDelay } from './kubernetes-backoff.ts';

test('restart delays double from the base, are capped, and jitter within the upper half', () => {
  const opts = { baseMs: 500, maxMs: 30_000 };
  assert.deepEqual(
    [1, 2, 3, 4, 5, 6, 7, 8, 50].map((n) => backoffDelay(n, opts, () => 1)),
    [500, 1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000],
  );
  assert.deepEqual(
    [1, 2, 7].map((n) => backoffDelay(n, opts, () => 0)),
    [250, 500, 15000],
  );
  for (let i = 0; i < 100; i++) {
    const d = backoffDelay(3, opts);
    assert.ok(d >= 1000 && d <= 2000, String(d));
  }
});
