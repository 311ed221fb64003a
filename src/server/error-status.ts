/**
 * The one table from gopprof error codes to gRPC status codes, and the
 * function that turns anything a handler throws into the status a caller sees.
 *
 * Callers get the error's own message (it names what was wrong) and, in the
 * trailing metadata key `gopprof-error-code`, the precise gopprof code. For
 * INTERNAL (our bugs, unexpected errors) they get a fixed message instead, so
 * stack traces, paths and store details never leave the server; the server
 * logs the full error.
 */
import { Metadata, status } from '@grpc/grpc-js';
import { ERROR_CODES, type ErrorCode, isGopprofError } from '../errors.ts';

/** Trailing metadata key carrying the gopprof error code of a failed call. */
export const ERROR_CODE_METADATA_KEY = 'gopprof-error-code';

/**
 * gopprof code → gRPC status. A Record over every code, so adding a code to
 * src/errors.ts without deciding its status here fails the type-check.
 */
export const ERROR_STATUS: Readonly<Record<ErrorCode, status>> = Object.freeze({
  // The target served bytes we cannot use: its state, not the request, is at fault.
  PROFILE_EMPTY: status.FAILED_PRECONDITION,
  PROFILE_NOT_PROFILE: status.FAILED_PRECONDITION,
  PROFILE_GZIP_CORRUPT: status.DATA_LOSS,
  PROFILE_TOO_LARGE: status.RESOURCE_EXHAUSTED,
  PROFILE_PROTOBUF_CORRUPT: status.DATA_LOSS,
  PROFILE_INVALID: status.FAILED_PRECONDITION,
  PROFILE_VALUE_RANGE: status.FAILED_PRECONDITION,
  PROFILE_MISMATCH: status.FAILED_PRECONDITION,

  OPTION_INVALID: status.INVALID_ARGUMENT,
  SAMPLE_INDEX_INVALID: status.INVALID_ARGUMENT,
  REGEXP_INVALID: status.INVALID_ARGUMENT,

  RENDER_FAILED: status.INTERNAL,
  RENDER_TIMEOUT: status.DEADLINE_EXCEEDED,
  // The renderer is stopped only while the service shuts down: retry elsewhere.
  RENDER_CLOSED: status.UNAVAILABLE,
  ANALYSIS_TIMEOUT: status.DEADLINE_EXCEEDED,

  CONFIG_INVALID: status.INTERNAL,

  // Transient trouble reaching the target: UNAVAILABLE, which clients retry.
  FETCH_REFUSED: status.UNAVAILABLE,
  FETCH_TIMEOUT: status.DEADLINE_EXCEEDED,
  FETCH_RESET: status.UNAVAILABLE,
  // The target answers, but not with a profile: retrying will not help.
  FETCH_HTTP_STATUS: status.FAILED_PRECONDITION,
  FETCH_TOO_LARGE: status.RESOURCE_EXHAUSTED,
  FETCH_NOT_PROFILE: status.FAILED_PRECONDITION,
  // Go serves one cpu profile at a time; retry once the other one is done.
  FETCH_BUSY: status.UNAVAILABLE,
  FETCH_FAILED: status.UNAVAILABLE,

  TARGET_UNKNOWN: status.NOT_FOUND,
  TARGET_GONE: status.NOT_FOUND,
  PROFILE_TYPE_INVALID: status.INVALID_ARGUMENT,
  CAPTURE_NOT_FOUND: status.NOT_FOUND,
  OVERLOADED: status.RESOURCE_EXHAUSTED,

  STORAGE_UNAVAILABLE: status.UNAVAILABLE,
  STORAGE_FAILED: status.INTERNAL,
  STORAGE_NOT_FOUND: status.NOT_FOUND,
  // Keys derive from caller-supplied ids (e.g. a malformed capture id).
  STORAGE_KEY_INVALID: status.INVALID_ARGUMENT,
  NOTIFY_FAILED: status.INTERNAL,
  METRICS_UNAVAILABLE: status.UNAVAILABLE,

  ABORTED: status.CANCELLED,
  INTERNAL: status.INTERNAL,
});

/** What a failed call sends: the status, its message, and trailing metadata. */
export interface CallStatus {
  readonly code: status;
  readonly details: string;
  readonly metadata: Metadata;
  /** The gopprof code behind it (INTERNAL for anything that was not a GopprofError). */
  readonly errorCode: ErrorCode;
}

/** Why a call's AbortSignal fired, when it did: the caller went away, its deadline passed, or the server is stopping. */
export type AbortCause = 'cancelled' | 'deadline' | 'stopping';

/**
 * Maps a thrown value to the status to send. `abortCause` is set when the
 * call's own signal fired: then the failure is the cancellation, whatever the
 * service threw while unwinding.
 */
export function errorStatus(err: unknown, abortCause?: AbortCause): CallStatus {
  if (abortCause === 'deadline') return make(status.DEADLINE_EXCEEDED, 'ABORTED', 'the call deadline passed');
  if (abortCause === 'stopping') return make(status.UNAVAILABLE, 'ABORTED', 'the server is stopping; retry');
  if (abortCause === 'cancelled') return make(status.CANCELLED, 'ABORTED', 'the call was cancelled');
  if (!isGopprofError(err)) return make(status.INTERNAL, 'INTERNAL', ERROR_CODES.INTERNAL);
  // A code added to the catalogue at run time (never via the type-checked table) is INTERNAL.
  const code = Object.hasOwn(ERROR_STATUS, err.code) ? ERROR_STATUS[err.code] : status.INTERNAL;
  const details = code === status.INTERNAL ? ERROR_CODES.INTERNAL : err.message;
  return make(code, err.code, details);
}

function make(code: status, errorCode: ErrorCode, details: string): CallStatus {
  const metadata = new Metadata();
  metadata.set(ERROR_CODE_METADATA_KEY, errorCode);
  return { code, details, metadata, errorCode };
}
