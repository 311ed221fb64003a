/**
 * Turns whatever the minio client throws into a GopprofError whose code says
 * what a caller should do: STORAGE_UNAVAILABLE (unreachable, timed out, 5xx:
 * spool and retry later), STORAGE_NOT_FOUND, or STORAGE_FAILED (rejected:
 * credentials, permissions, bad request; retrying will not help). Messages
 * carry the operation, key and S3 error code, never credentials.
 */
import { GopprofError } from '../errors.ts';

/** Socket-level failures: the store is not there (or not answering) right now. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'ENETUNREACH',
  'ENETDOWN',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ERR_SOCKET_CONNECTION_TIMEOUT',
  'UND_ERR_SOCKET',
]);

/** S3 error codes meaning "no such object". */
const NOT_FOUND_CODES = new Set(['NoSuchKey', 'NotFound']);

/** S3 error codes meaning the service is overloaded or down (when minio passes them through). */
const UNAVAILABLE_CODES = new Set(['SlowDown', 'ServiceUnavailable', 'InternalError', 'RequestTimeout']);

/** Maps `err` from S3 operation `op` on `key` to a GopprofError. */
export function s3Error(op: string, key: string, where: string, err: unknown): GopprofError {
  if (err instanceof GopprofError) return err;
  const subject = key === '' ? `s3 ${op} on ${where}` : `s3 ${op} '${key}' on ${where}`;
  const code = errorCode(err);
  const message = (err as Error | null)?.message ?? String(err);

  if (code !== undefined && NETWORK_CODES.has(code)) {
    return new GopprofError('STORAGE_UNAVAILABLE', `${subject}: unreachable (${code})`, {
      cause: err,
      details: { key, errno: code },
    });
  }
  // minio turns retryable statuses (408, 429, 5xx) into a plain Error with this text.
  const status = /Retryable HTTP status: (\d{3})/.exec(message)?.[1];
  if (status !== undefined || (code !== undefined && UNAVAILABLE_CODES.has(code))) {
    return new GopprofError('STORAGE_UNAVAILABLE', `${subject}: the store answered ${status ?? code}`, {
      cause: err,
      details: { key, status: status === undefined ? undefined : Number(status), s3Code: code },
    });
  }
  if (code !== undefined && NOT_FOUND_CODES.has(code)) {
    return new GopprofError('STORAGE_NOT_FOUND', `${subject}: no such object`, { cause: err, details: { key } });
  }
  return new GopprofError('STORAGE_FAILED', `${subject} failed${code ? ` (${code})` : ''}: ${message}`, {
    cause: err,
    details: { key, s3Code: code },
  });
}

/** The S3 or system error code; for an AggregateError (several addresses tried) the first inner code. */
function errorCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code === 'string') return code;
  if (err instanceof AggregateError) {
    for (const inner of err.errors) {
      const innerCode = errorCode(inner);
      if (innerCode !== undefined) return innerCode;
    }
  }
  return undefined;
}
