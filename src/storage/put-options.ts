/**
 * Checks of what callers pass beside a key: the content type and metadata of
 * a put, the lifetime of a link. Both stores use them so a put the spool
 * accepts is one S3 accepts too (headers cannot carry CR/LF or non-ASCII).
 */
import { GopprofError } from '../errors.ts';
import type { PutOptions, UrlOptions } from './object-store.ts';

/** S3 caps user metadata at 2 KB (names plus values). */
export const MAX_METADATA_BYTES = 2048;
/** S3's longest presigned-URL lifetime: 7 days. */
export const MAX_EXPIRES_SECONDS = 7 * 24 * 3600;

const HEADER_VALUE = /^[\x20-\x7e]*$/;
const METADATA_NAME = /^[a-z0-9][a-z0-9-]{0,63}$/;
const CONTENT_TYPE = /^[\x21-\x7e][\x20-\x7e]{0,254}$/;

/** Throws OPTION_INVALID naming the bad field; returns the options otherwise. */
export function validatePutOptions(options: PutOptions): PutOptions {
  if (options === null || typeof options !== 'object') {
    throw new GopprofError('OPTION_INVALID', 'put options are missing (need at least contentType)');
  }
  if (typeof options.contentType !== 'string' || !CONTENT_TYPE.test(options.contentType)) {
    throw new GopprofError(
      'OPTION_INVALID',
      `contentType ${JSON.stringify(options.contentType)} must be 1–255 printable ASCII characters`,
    );
  }
  let bytes = 0;
  for (const [name, value] of Object.entries(options.metadata ?? {})) {
    if (!METADATA_NAME.test(name)) {
      throw new GopprofError('OPTION_INVALID', `metadata name ${JSON.stringify(name)} must match [a-z0-9][a-z0-9-]{0,63}`);
    }
    if (typeof value !== 'string' || !HEADER_VALUE.test(value)) {
      throw new GopprofError('OPTION_INVALID', `metadata '${name}' must be a string of printable ASCII characters`);
    }
    bytes += name.length + value.length;
  }
  if (bytes > MAX_METADATA_BYTES) {
    throw new GopprofError('OPTION_INVALID', `metadata takes ${bytes} bytes; the limit is ${MAX_METADATA_BYTES}`);
  }
  return options;
}

/** Throws OPTION_INVALID unless expiresSeconds is a whole number of seconds in 1 … 7 days. */
export function validateUrlOptions(options: UrlOptions): UrlOptions {
  const seconds = options?.expiresSeconds;
  if (!Number.isInteger(seconds) || seconds < 1 || seconds > MAX_EXPIRES_SECONDS) {
    throw new GopprofError(
      'OPTION_INVALID',
      `expiresSeconds ${String(seconds)} must be a whole number from 1 to ${MAX_EXPIRES_SECONDS}`,
    );
  }
  return options;
}
