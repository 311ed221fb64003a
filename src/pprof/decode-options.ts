/**
 * Options of the profile decoder, with their defaults in one place.
 */
import { constants } from 'node:buffer';
import { GopprofError } from '../errors.ts';

/** How the decoder treats untrusted profile bytes. */
export interface DecodeOptions {
  /**
   * The most bytes a gzip-compressed profile may inflate to. Profiles come from
   * pods we do not control; a few KB of gzip can inflate to gigabytes. Also the
   * most bytes the decoded sample columns may take (they can be 8 times the
   * input; real profiles need about twice their size).
   */
  readonly maxDecompressedBytes: number;
  /**
   * The most table entries (strings, mappings, locations, lines, functions,
   * sample types, comments, distinct label sets) a profile may have. Each
   * costs tens of bytes of input but hundreds of bytes as objects, so without
   * this a few hundred KB of gzip could exhaust the heap within the byte cap.
   */
  readonly maxTableEntries: number;
}

/** 512 MiB: ten times the largest real profile we have seen (40 MB raw), far below a pod's memory. */
export const DEFAULT_MAX_DECOMPRESSED_BYTES = 512 * 1024 * 1024;

/**
 * 1 million: about a hundred times what real Go profiles hold (a 40 MB heap
 * profile has ~4k locations, ~15k entries in all), and ~200 MB of objects at
 * worst (measured: ~170 bytes per empty location while decoding).
 */
export const DEFAULT_MAX_TABLE_ENTRIES = 1_000_000;

/** The defaults every decode call starts from. */
export const DEFAULT_DECODE_OPTIONS: DecodeOptions = Object.freeze({
  maxDecompressedBytes: DEFAULT_MAX_DECOMPRESSED_BYTES,
  maxTableEntries: DEFAULT_MAX_TABLE_ENTRIES,
});

/**
 * Merges `options` over the defaults and validates them once, so that a bad
 * cap fails with OPTION_INVALID instead of a zlib RangeError later.
 */
export function resolveDecodeOptions(options: Partial<DecodeOptions> = {}): DecodeOptions {
  const merged: DecodeOptions = {
    maxDecompressedBytes: options.maxDecompressedBytes ?? DEFAULT_DECODE_OPTIONS.maxDecompressedBytes,
    maxTableEntries: options.maxTableEntries ?? DEFAULT_DECODE_OPTIONS.maxTableEntries,
  };
  checkCount('maxDecompressedBytes', merged.maxDecompressedBytes, constants.MAX_LENGTH);
  checkCount('maxTableEntries', merged.maxTableEntries, 2 ** 32);
  return Object.freeze(merged);
}

function checkCount(option: string, value: number, max: number): void {
  if (!Number.isSafeInteger(value) || value < 1 || value > max) {
    throw new GopprofError('OPTION_INVALID', `${option} must be an integer between 1 and ${max}, got ${value}`, {
      details: { option },
    });
  }
}
