/**
 * Gunzip for profile bodies, capped against decompression bombs.
 *
 * Go's net/http/pprof sends gzip without Content-Encoding, so the decoder
 * inflates the body itself. zlib's `maxOutputLength` stops inflating as soon
 * as the output would pass the cap, so a bomb never allocates past it. Like
 * Go's gzip.Reader, several concatenated gzip members are read as one stream,
 * and bytes after the last member that are not another member are an error.
 */
import { gunzip, gunzipSync } from 'node:zlib';
import { abortError, GopprofError } from '../errors.ts';

/** True when `bytes` starts with the gzip magic 1f 8b. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/**
 * Inflates a gzip profile on the calling thread. Throws PROFILE_TOO_LARGE when
 * the output would exceed `maxBytes`, PROFILE_GZIP_CORRUPT when the stream is
 * truncated, has a bad CRC or trailing garbage.
 */
export function gunzipProfile(bytes: Uint8Array, maxBytes: number): Uint8Array {
  try {
    return gunzipSync(bytes, { maxOutputLength: maxBytes });
  } catch (err) {
    throw gunzipError(err, bytes.length, maxBytes);
  }
}

/**
 * Inflates a gzip profile on libuv's thread pool, so that the ~0.5 s a 16 MB
 * profile takes does not block the event loop. The inflation itself cannot be
 * interrupted; an abort rejects at once and the result is dropped.
 */
export function gunzipProfileAsync(bytes: Uint8Array, maxBytes: number, signal?: AbortSignal): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(abortError(signal, 'gunzip of the profile'));
      return;
    }
    const onAbort = (): void => reject(abortError(signal!, 'gunzip of the profile'));
    signal?.addEventListener('abort', onAbort, { once: true });
    gunzip(bytes, { maxOutputLength: maxBytes }, (err, result) => {
      signal?.removeEventListener('abort', onAbort);
      if (err) reject(gunzipError(err, bytes.length, maxBytes));
      else resolve(result);
    });
  });
}

/** Maps a zlib error to the matching GopprofError. */
function gunzipError(err: unknown, compressedBytes: number, maxBytes: number): GopprofError {
  const code = (err as { code?: unknown }).code;
  if (code === 'ERR_BUFFER_TOO_LARGE') {
    return new GopprofError(
      'PROFILE_TOO_LARGE',
      `the gzip profile (${compressedBytes} bytes) inflates to more than the cap of ${maxBytes} bytes (maxDecompressedBytes)`,
      { cause: err, details: { maxDecompressedBytes: maxBytes, compressedBytes } },
    );
  }
  const reason = err instanceof Error ? err.message : String(err);
  const what =
    code === 'Z_BUF_ERROR' ? 'is truncated' : reason === 'incorrect data check' ? 'fails its CRC check' : 'is corrupt';
  return new GopprofError('PROFILE_GZIP_CORRUPT', `the gzip stream (${compressedBytes} bytes) ${what}: ${reason}`, {
    cause: err,
    details: { compressedBytes, zlibCode: typeof code === 'string' ? code : undefined },
  });
}
