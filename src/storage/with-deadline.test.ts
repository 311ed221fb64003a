import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GopprofError, isGopprofError } from '../errors.ts';
import { withDeadline } from './with-deadline.ts';

const never = () => new Promise<never>(() => {});

test('returns the result and passes a live signal', async () => {
  assert.equal(
    await withDeadline('op', 1000, undefined, async (signal) => (signal.aborted ? 'aborted' : 'ok')),
    'ok',
  );
});

test('an operation that ignores its signal still ends at the deadline, as STORAGE_UNAVAILABLE', async () => {
  let seen: AbortSignal | undefined;
  const started = Date.now();
  await assert.rejects(
    withDeadline('s3 put k', 50, undefined, (signal) => {
      seen = signal;
      return never();
    }),
    (err) => isGopprofError(err, 'STORAGE_UNAVAILABLE') && err.message === 's3 put k: no answer within 50 ms',
  );
  assert.ok(Date.now() - started < 1000);
  assert.equal(seen?.aborted, true);
});

test("the caller's signal wins as ABORTED, or as its own GopprofError reason", async () => {
  await assert.rejects(withDeadline('op', 10_000, AbortSignal.timeout(20), never), (err) => isGopprofError(err, 'ABORTED'));
  await assert.rejects(withDeadline('op', 10_000, AbortSignal.abort(), never), (err) => isGopprofError(err, 'ABORTED'));
  const controller = new AbortController();
  setTimeout(() => controller.abort(new GopprofError('TARGET_GONE', 'pod deleted')), 10);
  await assert.rejects(withDeadline('op', 10_000, controller.signal, never), (err) => isGopprofError(err, 'TARGET_GONE'));
});

test('errors of the operation pass through unchanged', async () => {
  const boom = new Error('boom');
  await assert.rejects(
    withDeadline('op', 1000, undefined, async () => {
      throw boom;
    }),
    (err) => err === boom,
  );
});
