/**
 * What the spooling store reports: events as they happen (for logs, metrics
 * and tests) and counters as plain data (for a metrics endpoint).
 */

/** Something the spooling store did or saw. */
export type SpoolEvent =
  | { readonly type: 'spooled'; readonly key: string; readonly size: number }
  | { readonly type: 'uploaded'; readonly key: string; readonly size: number }
  | { readonly type: 'upload-failed'; readonly key: string; readonly code: string; readonly message: string }
  | { readonly type: 'primary-down'; readonly code: string; readonly message: string }
  | { readonly type: 'primary-up' }
  | { readonly type: 'list-degraded'; readonly prefix: string; readonly code: string; readonly message: string };

/** Counters since start-up, and the current state. */
export interface SpoolStats {
  /** Objects written to the spool because the primary was unavailable. */
  readonly spooled: number;
  /** Spooled objects later uploaded to the primary (and removed from the spool). */
  readonly uploaded: number;
  /** Failed upload attempts of spooled objects (each retry counts). */
  readonly failures: number;
  /** Objects waiting in the spool, as far as this process knows. */
  readonly pending: number;
  /** 'down' after an unavailable primary, until an upload or a check succeeds. */
  readonly primary: 'up' | 'down';
  readonly lastError?: { readonly code: string; readonly message: string; readonly at: string };
}

/** The part of a pino logger the spooling store uses (pass `log.child({ component: 'storage' })`). */
export interface SpoolLogger {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

/** Timer functions, injectable so tests can drive the background loop. */
export interface SpoolTimers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}
