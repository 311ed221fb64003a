/**
 * The structured logger: pino, with secrets redacted wherever they may appear
 * (auth headers, S3 and receiver credentials). Components get children with
 * `log.child({ component })`.
 */
import { type DestinationStream, type Logger, pino } from 'pino';

export type { Logger } from 'pino';

/** Paths pino blanks out before a line is written. */
export const REDACT_PATHS: readonly string[] = [
  'authorization',
  '*.authorization',
  'headers.authorization',
  '*.headers.authorization',
  'secretKey',
  '*.secretKey',
  '*.*.secretKey',
  'accessKey',
  '*.accessKey',
  '*.*.accessKey',
  'secret',
  '*.secret',
  '*.*.secret',
  'token',
  '*.token',
  'password',
  '*.password',
];

/** A logger at `level` writing JSON lines to `destination` (stdout by default). */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino({ level, base: { service: 'gopprof' }, redact: { paths: [...REDACT_PATHS], censor: '[redacted]' } }, destination);
}
