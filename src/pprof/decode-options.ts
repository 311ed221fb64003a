/**
 * Options of the profile decoder, with their defaults in one place.
 */
import { constants } from 'node:buffer';
import { GopprofError } from '../errors.ts';

/** How the decoder treats untrusted profile bytes. */
export interface DecodeOptions {
  /**
   * The most bytes a gzip-compressed profile may inflate to. Profiles come from
   * pods we do not control; a few KB of gzip can inflate to gigabytes.
   */
  readonly maxDecompressedBytes: number;
}

/** 512 MiB: ten times the largest real profile we have seen (40 MB raw), far below a pod's memory. */
export const DEFAULT_MAX_DECOMPRESSED_BYTES = 512 * 1024 * 1024;

/** The defaults every decode call starts from. */
export const DEFAULT_DECODE_OPTIONS: DecodeOptions = Object.freeze({
  maxDecompressedBytes: DEFAULT_MAX_DECOMPRESSED_BYTES,
});

/**
 * Merges `options` over the defaults and validates them once, so that a bad
 * cap fails with OPTION_INVALID instead of a zlib RangeError later.
 */
export function resolveDecodeOptions(options: Partial<DecodeOptions> = {}): DecodeOptions {
  const merged = { ...DEFAULT_DECODE_OPTIONS, ...stripUndefined(options) };
  const cap = merged.maxDecompressedBytes;
  if (!Number.isSafeInteger(cap) || cap < 1 || cap > constants.MAX_LENGTH) {
    throw new GopprofError(
      'OPTION_INVALID',
      `maxDecompressedBytes must be an integer between 1 and ${constants.MAX_LENGTH}, got ${cap}`,
      { details: { option: 'maxDecompressedBytes' } },
    );
  }
  return Object.freeze(merged);
}

function stripUndefined(options: Partial<DecodeOptions>): Partial<DecodeOptions> {
  return options.maxDecompressedBytes === undefined ? {} : { maxDecompressedBytes: options.maxDecompressedBytes };
}
