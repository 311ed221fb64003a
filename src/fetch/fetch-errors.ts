/**
 * Turning what node:http reports into the fetch error codes, so that callers
 * (capture, the auto-profiler, the gRPC mapping) can tell a pod that is gone
 * (refused) from one that is slow (timeout), busy, broken or misconfigured.
 */
import { GopprofError } from '../errors.ts';
import { bodyExcerpt } from './body-excerpt.ts';

/**
 * What Go's runtime/pprof says when a second CPU profile is requested while one
 * runs; net/http/pprof wraps it as "Could not enable CPU profiling: cpu
 * profiling already in use" with status 500.
 */
const CPU_PROFILE_BUSY = /cpu profiling already in use/i;

/** Maps a socket/request error to FETCH_REFUSED, FETCH_RESET, FETCH_TIMEOUT or FETCH_FAILED. */
export function classifyNetworkError(err: unknown, shown: string, phase: string): GopprofError {
  const code = errorCode(err);
  const details = { url: shown, phase, errno: code };
  switch (code) {
    case 'ECONNREFUSED':
      return new GopprofError('FETCH_REFUSED', `${shown}: connection refused`, { cause: err, details });
    case 'ECONNRESET':
    case 'EPIPE':
    case 'ECONNABORTED':
    case 'ERR_STREAM_PREMATURE_CLOSE':
      return new GopprofError('FETCH_RESET', `${shown}: connection reset (${phase})`, { cause: err, details });
    case 'ETIMEDOUT':
      return new GopprofError('FETCH_TIMEOUT', `${shown}: connection timed out (${phase})`, { cause: err, details });
    default:
      return new GopprofError('FETCH_FAILED', `${shown}: ${code ?? 'request failed'} (${phase})`, {
        cause: err,
        details,
      });
  }
}

/** FETCH_BUSY for Go's CPU-profile-in-use 500, otherwise FETCH_HTTP_STATUS, with a body excerpt. */
export function statusError(shown: string, status: number, contentType: string, body: Uint8Array): GopprofError {
  const excerpt = bodyExcerpt(body);
  const details = { url: shown, status, contentType, excerpt };
  if (status === 500 && CPU_PROFILE_BUSY.test(new TextDecoder().decode(body))) {
    return new GopprofError('FETCH_BUSY', `${shown}: the target is already serving a CPU profile`, { details });
  }
  const suffix = excerpt === '' ? '' : `: ${JSON.stringify(excerpt)}`;
  return new GopprofError('FETCH_HTTP_STATUS', `${shown}: HTTP ${status}${suffix}`, { details });
}

/**
 * The errno-style code of `err`. Connecting to a name with several addresses
 * (happy eyeballs) fails with an AggregateError; when every attempt failed the
 * same way that code stands for all of them.
 */
function errorCode(err: unknown): string | undefined {
  const own = (err as { code?: unknown } | null)?.code;
  if (typeof own === 'string') return own;
  if (err instanceof AggregateError) {
    const codes = new Set(err.errors.map(errorCode));
    if (codes.size === 1) return [...codes][0];
  }
  return undefined;
}
