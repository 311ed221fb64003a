/**
 * The one error class of gopprof and the catalogue of its codes.
 *
 * Every failure a caller can act on is a GopprofError with a stable code from
 * ERROR_CODES, a message that names what was wrong, and the underlying cause.
 * Codes are mapped to gRPC statuses only in src/server/, to exit codes only in
 * src/cli/.
 */

/** The catalogue: code → what it means. Codes are stable API; add, never rename. */
export const ERROR_CODES = {
  // Profile bytes (src/pprof/)
  PROFILE_EMPTY: 'the profile body is empty',
  PROFILE_NOT_PROFILE: 'the body is not a pprof protobuf profile (text, HTML or another format)',
  PROFILE_GZIP_CORRUPT: 'the gzip stream is truncated or corrupt',
  PROFILE_TOO_LARGE: 'the decompressed profile exceeds the configured size cap',
  PROFILE_PROTOBUF_CORRUPT: 'the protobuf encoding is truncated or malformed',
  PROFILE_INVALID: 'the profile is well-formed protobuf but inconsistent (bad index, missing reference)',
  PROFILE_VALUE_RANGE: 'a sample value does not fit a float64 exactly (|v| > 2^53)',
  PROFILE_MISMATCH: 'two profiles cannot be combined (different sample types)',

  // Report options (src/graph/, src/report/, src/cli/)
  OPTION_INVALID: 'an option has an invalid value',
  SAMPLE_INDEX_INVALID: 'the requested sample index or type does not exist in the profile',
  REGEXP_INVALID: 'a focus/ignore/hide/show pattern is not a valid regular expression',

  // Rendering (src/render/)
  RENDER_FAILED: 'graphviz could not lay out the graph',
  RENDER_TIMEOUT: 'laying out the graph took longer than the deadline',
  RENDER_CLOSED: 'the renderer was stopped',

  // Analysis (src/capture/)
  ANALYSIS_TIMEOUT: 'analysing the profile (decoding, filtering, building the graph) took longer than the deadline',

  // Configuration (src/config/)
  CONFIG_INVALID: 'the configuration is invalid',

  // Fetching (src/fetch/)
  FETCH_REFUSED: 'the target refused the connection',
  FETCH_TIMEOUT: 'the target did not answer within the deadline',
  FETCH_RESET: 'the connection to the target was reset or closed mid-response',
  FETCH_HTTP_STATUS: 'the target answered with a non-success HTTP status',
  FETCH_TOO_LARGE: 'the response exceeds the size cap',
  FETCH_NOT_PROFILE: 'the target answered with something that is not a profile',
  FETCH_BUSY: 'the target is already serving a CPU profile',
  FETCH_FAILED: 'the fetch failed',

  // Targets and captures
  TARGET_UNKNOWN: 'no such target is known to the service',
  TARGET_GONE: 'the target disappeared during the capture',
  PROFILE_TYPE_INVALID: 'unknown profile type',
  CAPTURE_NOT_FOUND: 'no capture with that id',
  OVERLOADED: 'too many captures in flight',

  // Storage and notifications
  STORAGE_UNAVAILABLE: 'the object store is unreachable',
  STORAGE_FAILED: 'the object store rejected the operation',
  STORAGE_NOT_FOUND: 'no object with that key in the store',
  STORAGE_KEY_INVALID: 'an object key is empty, too long, or has characters or segments the store does not allow',
  NOTIFY_FAILED: 'a notification could not be delivered',
  METRICS_UNAVAILABLE: 'the metrics source is unreachable or answered an error',

  ABORTED: 'the operation was cancelled',
  INTERNAL: 'an internal error',
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

/** Details a caller may attach: plain data that is safe to log and to return. */
export type ErrorDetails = Readonly<Record<string, string | number | boolean | undefined>>;

/** The error every gopprof module throws for failures a caller can act on. */
export class GopprofError extends Error {
  readonly code: ErrorCode;
  readonly details: ErrorDetails;

  constructor(code: ErrorCode, message: string, options: { cause?: unknown; details?: ErrorDetails } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'GopprofError';
    this.code = code;
    this.details = options.details ?? {};
  }
}

/** True when `err` is a GopprofError, optionally with one of the given codes. */
export function isGopprofError(err: unknown, ...codes: ErrorCode[]): err is GopprofError {
  return err instanceof GopprofError && (codes.length === 0 || codes.includes(err.code));
}

/** Turns an AbortSignal's reason into a GopprofError (ABORTED, or the reason itself if typed). */
export function abortError(signal: AbortSignal, what: string): GopprofError {
  const reason: unknown = signal.reason;
  if (reason instanceof GopprofError) return reason;
  return new GopprofError('ABORTED', `${what}: cancelled`, { cause: reason });
}
