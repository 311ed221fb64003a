/**
 * The one rule for object keys, shared by every store so an object can move
 * from the local spool to S3 unchanged and no key can escape the local root.
 *
 * A key is 1–1024 characters of '/'-separated segments; each segment starts
 * with a letter, digit or '_' and continues with letters, digits, '.', '_',
 * '-' or '='. That rules out absolute paths, '.', '..', hidden files, empty
 * segments, backslashes and characters S3 clients encode differently.
 */
import { GopprofError } from '../errors.ts';

/** S3's limit on key length (bytes; our keys are ASCII, so characters). */
export const MAX_KEY_LENGTH = 1024;

const SEGMENT = /^[A-Za-z0-9_][A-Za-z0-9._=-]*$/;
const PARTIAL_SEGMENT = /^[A-Za-z0-9._=-]*$/;

/** Throws STORAGE_KEY_INVALID naming what is wrong with `key`; returns it otherwise. */
export function validateObjectKey(key: string): string {
  if (typeof key !== 'string' || key.length === 0) {
    throw invalid(key, 'the key is empty');
  }
  if (key.length > MAX_KEY_LENGTH) {
    throw invalid(key, `the key is longer than ${MAX_KEY_LENGTH} characters`);
  }
  checkSegments(key, key.split('/'));
  return key;
}

/**
 * Throws STORAGE_KEY_INVALID unless `prefix` is '' or the start of a valid key:
 * whole valid segments, then optionally the beginning of one ('captures/2026-').
 */
export function validateKeyPrefix(prefix: string): string {
  if (typeof prefix !== 'string') throw invalid(String(prefix), 'the prefix is not a string');
  if (prefix.length === 0) return prefix;
  if (prefix.length > MAX_KEY_LENGTH) {
    throw invalid(prefix, `the prefix is longer than ${MAX_KEY_LENGTH} characters`);
  }
  const segments = prefix.split('/');
  const partial = segments.pop() as string;
  checkSegments(prefix, segments);
  if (!PARTIAL_SEGMENT.test(partial)) {
    throw invalid(prefix, `the last segment '${printable(partial)}' has characters outside [A-Za-z0-9._=-]`);
  }
  return prefix;
}

/** True when `name` may be one segment of a key (used to skip stray files when walking a local tree). */
export function isValidKeySegment(name: string): boolean {
  return SEGMENT.test(name);
}

function checkSegments(whole: string, segments: readonly string[]): void {
  for (const segment of segments) {
    if (segment.length === 0) {
      throw invalid(whole, 'it has an empty segment (leading, trailing or doubled "/")');
    }
    if (!SEGMENT.test(segment)) {
      throw invalid(
        whole,
        `segment '${printable(segment)}' must start with [A-Za-z0-9_] and contain only [A-Za-z0-9._=-]`,
      );
    }
  }
}

function invalid(key: string, why: string): GopprofError {
  return new GopprofError('STORAGE_KEY_INVALID', `invalid object key '${printable(key)}': ${why}`, {
    details: { key: printable(key) },
  });
}

/** Keys come from our code, but a bad one must not inject control characters into logs. */
function printable(text: string): string {
  const clipped = text.length > 120 ? `${text.slice(0, 120)}…` : text;
  return JSON.stringify(clipped).slice(1, -1);
}
