import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isGopprofError } from '../errors.ts';
import { validateKeyPrefix, validateObjectKey } from './object-key.ts';

test('accepts the keys the capture layer builds', () => {
  for (const key of [
    'captures/2026/11/03/c-01HF3Z.pb.gz',
    'captures/ns=default/pod_a-1/profile.svg',
    'a',
    '_x/y.json',
    'x'.repeat(1024),
  ]) {
    assert.equal(validateObjectKey(key), key);
  }
});

test('rejects keys that could escape a directory or confuse S3 with STORAGE_KEY_INVALID', () => {
  const bad = [
    '',
    '/abs/path',
    'a/../b',
    '..',
    './a',
    'a/./b',
    'a//b',
    'a/',
    '.hidden',
    'a\\b',
    'a b',
    'a+b',
    'a\nb',
    'é',
    'a:b',
    '-flag',
    'x'.repeat(1025),
  ];
  for (const key of bad) {
    assert.throws(
      () => validateObjectKey(key),
      (err) => isGopprofError(err, 'STORAGE_KEY_INVALID') && err.message.includes('invalid object key'),
      JSON.stringify(key),
    );
  }
});

test('a bad key is quoted safely in the message (no raw control characters)', () => {
  assert.throws(
    () => validateObjectKey('a\u001b[31m/b'),
    (err) => isGopprofError(err) && !err.message.includes('\u001b'),
  );
});

test('prefixes may end mid-segment or at a slash, but not escape', () => {
  for (const prefix of ['', 'captures/', 'captures/2026-', 'cap', 'a/b/c.']) {
    assert.equal(validateKeyPrefix(prefix), prefix);
  }
  for (const prefix of ['/', '../', 'a/../', 'a//', '/a', 'a b']) {
    assert.throws(() => validateKeyPrefix(prefix), (err) => isGopprofError(err, 'STORAGE_KEY_INVALID'), prefix);
  }
});
