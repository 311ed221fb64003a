import assert from 'node:assert/strict';
import { test } from 'node:test';
import { backoffDelayMs, parseRetryAfter } from './retry-policy.ts';

test('backoff doubles from the initial delay up to the cap, jittered into [50%, 100%]', () => {
  const policy = { initialMs: 1000, maxMs: 60_000 };
  assert.deepEqual([1, 2, 3, 4, 7, 8, 30].map((n) => backoffDelayMs(n, policy, () => 1)), [1000, 2000, 4000, 8000, 60_000, 60_000, 60_000]);
  assert.deepEqual([1, 2, 3].map((n) => backoffDelayMs(n, policy, () => 0)), [500, 1000, 2000]);
  assert.equal(backoffDelayMs(2, policy, () => 0.5), 1500);
  // A broken random source cannot produce a zero or a huge wait.
  assert.equal(backoffDelayMs(1, policy, () => -3), 500);
  assert.equal(backoffDelayMs(1, policy, () => 7), 1000);
});

test('Retry-After as seconds or an HTTP date; absent or unreadable is undefined', () => {
  const now = Date.parse('2026-11-03T10:00:00Z');
  assert.equal(parseRetryAfter('120', now), 120_000);
  assert.equal(parseRetryAfter(' 0 ', now), 0);
  assert.equal(parseRetryAfter('1.5', now), 1500);
  assert.equal(parseRetryAfter('Tue, 03 Nov 2026 10:00:30 GMT', now), 30_000);
  assert.equal(parseRetryAfter('Tue, 03 Nov 2026 09:00:00 GMT', now), 0, 'a date in the past means now');
  assert.equal(parseRetryAfter(null, now), undefined);
  assert.equal(parseRetryAfter('soon', now), undefined);
  assert.equal(parseRetryAfter('-5', now), undefined);
});
