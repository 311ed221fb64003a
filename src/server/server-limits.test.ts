import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isGopprofError } from '../errors.ts';
import { DEFAULT_SERVER_LIMITS, resolveServerLimits } from './server-limits.ts';

test('defaults merge with overrides and come back frozen', () => {
  const limits = resolveServerLimits({ maxSeconds: 60 });
  assert.equal(limits.maxSeconds, 60);
  assert.equal(limits.defaultSeconds, DEFAULT_SERVER_LIMITS.defaultSeconds);
  assert.ok(Object.isFrozen(limits));
});

test('bad limits are CONFIG_INVALID listing every problem', () => {
  assert.throws(
    () => resolveServerLimits({ maxSeconds: 10, defaultSeconds: 30, maxPageSize: 0, stopGraceMs: -1 }),
    (err) =>
      isGopprofError(err, 'CONFIG_INVALID') &&
      /defaultSeconds must not exceed maxSeconds/.test(err.message) &&
      /maxPageSize must be an integer >= 1/.test(err.message) &&
      /stopGraceMs must be an integer >= 0/.test(err.message),
  );
});
