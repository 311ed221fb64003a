import assert from 'node:assert/strict';
import { test } from 'node:test';
import { status } from '@grpc/grpc-js';
import { ERROR_CODES, type ErrorCode, GopprofError } from '../errors.ts';
import { ERROR_CODE_METADATA_KEY, ERROR_STATUS, errorStatus } from './error-status.ts';

test('every catalogue code has a status, and the table has no stray codes', () => {
  assert.deepEqual(Object.keys(ERROR_STATUS).sort(), Object.keys(ERROR_CODES).sort());
  for (const [code, s] of Object.entries(ERROR_STATUS)) {
    assert.ok(s !== status.OK && s !== status.UNKNOWN, `${code} must map to a specific failure status`);
  }
});

test('the statuses callers act on', () => {
  const expected: Partial<Record<ErrorCode, status>> = {
    TARGET_UNKNOWN: status.NOT_FOUND,
    CAPTURE_NOT_FOUND: status.NOT_FOUND,
    OPTION_INVALID: status.INVALID_ARGUMENT,
    PROFILE_TYPE_INVALID: status.INVALID_ARGUMENT,
    REGEXP_INVALID: status.INVALID_ARGUMENT,
    SAMPLE_INDEX_INVALID: status.INVALID_ARGUMENT,
    OVERLOADED: status.RESOURCE_EXHAUSTED,
    FETCH_REFUSED: status.UNAVAILABLE,
    FETCH_BUSY: status.UNAVAILABLE,
    FETCH_TIMEOUT: status.DEADLINE_EXCEEDED,
    FETCH_HTTP_STATUS: status.FAILED_PRECONDITION,
    FETCH_NOT_PROFILE: status.FAILED_PRECONDITION,
    STORAGE_UNAVAILABLE: status.UNAVAILABLE,
    ABORTED: status.CANCELLED,
  };
  for (const [code, s] of Object.entries(expected)) {
    const got = errorStatus(new GopprofError(code as ErrorCode, `boom ${code}`));
    assert.equal(got.code, s, code);
    assert.equal(got.details, `boom ${code}`, `${code} keeps its message`);
    assert.deepEqual(got.metadata.get(ERROR_CODE_METADATA_KEY), [code]);
    assert.equal(got.errorCode, code);
  }
});

test('INTERNAL hides the message; anything that is not a GopprofError is INTERNAL', () => {
  const secret = new GopprofError('STORAGE_FAILED', 'PUT s3://bucket/k failed: AccessDenied for key AKIA123');
  const s = errorStatus(secret);
  assert.equal(s.code, status.INTERNAL);
  assert.doesNotMatch(s.details, /AKIA|s3:/);
  assert.deepEqual(s.metadata.get(ERROR_CODE_METADATA_KEY), ['STORAGE_FAILED']);

  const bug = errorStatus(new TypeError("Cannot read properties of undefined (reading 'x') at /srv/app.ts:12"));
  assert.equal(bug.code, status.INTERNAL);
  assert.equal(bug.details, ERROR_CODES.INTERNAL);
  assert.equal(bug.errorCode, 'INTERNAL');
});

test('a fired call signal decides the status, whatever the service threw', () => {
  const thrown = new GopprofError('FETCH_RESET', 'connection reset');
  assert.equal(errorStatus(thrown, 'cancelled').code, status.CANCELLED);
  assert.equal(errorStatus(thrown, 'deadline').code, status.DEADLINE_EXCEEDED);
  assert.equal(errorStatus(thrown, 'stopping').code, status.UNAVAILABLE);
  assert.equal(errorStatus(thrown, 'stopping').errorCode, 'ABORTED');
});
