/**
 * decodeProfile: the bytes a pprof endpoint sends (gzip or raw profile.proto)
 * → the Profile model. Untrusted input: every failure is a GopprofError whose
 * code says which layer was wrong (empty, not a profile, gzip, protobuf,
 * inconsistent references, value range).
 */
import { abortError, GopprofError } from '../errors.ts';
import { type DecodeOptions, resolveDecodeOptions } from './decode-options.ts';
import { gunzipProfile, gunzipProfileAsync } from './gunzip.ts';
import { parseProfileProto } from './parse-profile-proto.ts';
import type { Profile } from './profile.ts';
import { mostlyText, notProfileError, sniffProfileBytes } from './sniff-profile-bytes.ts';

/**
 * Decodes a gzip-compressed or raw pprof protobuf profile, synchronously.
 * Gunzip of a big profile blocks the event loop (~0.15 s for 16 MB of gzip):
 * servers should prefer decodeProfileAsync.
 */
export function decodeProfile(bytes: Uint8Array, options?: Partial<DecodeOptions>): Profile {
  const { maxDecompressedBytes, maxTableEntries } = resolveDecodeOptions(options);
  checkNotEmpty(bytes, 'the profile body is empty (0 bytes)');
  const kind = sniffProfileBytes(bytes);
  if (kind === 'gzip') return decodeRaw(gunzipProfile(bytes, maxDecompressedBytes), true, maxTableEntries, maxDecompressedBytes);
  if (kind !== 'binary') throw notProfileError(bytes, kind);
  return decodeRaw(bytes, false, maxTableEntries, maxDecompressedBytes);
}

/** Options of decodeProfileAsync: DecodeOptions plus a signal to give up waiting. */
export interface DecodeAsyncOptions extends DecodeOptions {
  readonly signal: AbortSignal | undefined;
}

/**
 * Like decodeProfile, but inflates gzip on libuv's thread pool so that the
 * event loop only blocks for the protobuf decoding itself.
 */
export async function decodeProfileAsync(bytes: Uint8Array, options?: Partial<DecodeAsyncOptions>): Promise<Profile> {
  const { maxDecompressedBytes, maxTableEntries } = resolveDecodeOptions(options);
  const signal = options?.signal;
  if (signal?.aborted) throw abortError(signal, 'decoding the profile');
  checkNotEmpty(bytes, 'the profile body is empty (0 bytes)');
  const kind = sniffProfileBytes(bytes);
  if (kind === 'gzip') {
    const raw = await gunzipProfileAsync(bytes, maxDecompressedBytes, signal);
    if (signal?.aborted) throw abortError(signal, 'decoding the profile');
    return decodeRaw(raw, true, maxTableEntries, maxDecompressedBytes);
  }
  if (kind !== 'binary') throw notProfileError(bytes, kind);
  return decodeRaw(bytes, false, maxTableEntries, maxDecompressedBytes);
}

function checkNotEmpty(bytes: Uint8Array, message: string): void {
  if (bytes.length === 0) throw new GopprofError('PROFILE_EMPTY', message);
}

/** Decodes uncompressed profile.proto bytes, after the same checks the compressed body had. */
function decodeRaw(raw: Uint8Array, inflated: boolean, maxTableEntries: number, maxSampleBytes: number): Profile {
  if (inflated) {
    checkNotEmpty(raw, 'the profile is empty after gunzip (a gzip stream of 0 bytes)');
    const kind = sniffProfileBytes(raw);
    if (kind !== 'binary' && kind !== 'gzip') throw notProfileError(raw, kind);
  }
  try {
    return parseProfileProto(raw, maxTableEntries, maxSampleBytes);
  } catch (err) {
    // Text with a few control bytes slips past the sniff; name it for what it is.
    if (err instanceof GopprofError && err.code === 'PROFILE_PROTOBUF_CORRUPT' && mostlyText(raw)) {
      throw notProfileError(raw, 'text', err);
    }
    throw err;
  }
}
