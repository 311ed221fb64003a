/**
 * GET one raw profile from a target's net/http/pprof endpoint.
 *
 * Built on node:http rather than fetch() because a profiler that talks to
 * thousands of pods must control, per request: the connect timeout, a total
 * deadline of the profile's duration plus a margin, cancellation, a size cap
 * enforced while streaming (a runaway pod cannot make us buffer gigabytes), and
 * refusing redirects (a pod must not be able to point us elsewhere in the
 * cluster). Bytes are returned exactly as received: Go sends gzip-compressed
 * protobuf as application/octet-stream, and src/pprof/ does the gunzip.
 *
 * Content-Encoding: we ask for `identity`, and a response that still declares
 * an encoding is rejected (FETCH_NOT_PROFILE) rather than decoded, because
 * nothing in Go's pprof handlers sets one and decoding would mean a second,
 * uncapped decompression of attacker-controlled bytes.
 */
import http from 'node:http';
import https from 'node:https';
import { abortError, GopprofError } from '../errors.ts';
import type { ProfileType, Target } from '../targets/target.ts';
import { bodyExcerpt } from './body-excerpt.ts';
import { classifyNetworkError, statusError } from './fetch-errors.ts';
import { looksLikeProfile } from './looks-like-profile.ts';
import { profileUrl } from './profile-url.ts';
import { redactUrl } from './redact-url.ts';

/** How to fetch; only `seconds` is required. */
export interface FetchOptions {
  /** Profile duration (cpu: ≥ 1; others: 0 = snapshot, N > 0 = delta over N seconds). */
  readonly seconds: number;
  readonly signal?: AbortSignal;
  /** Largest body accepted, in bytes; checked against Content-Length and while streaming. */
  readonly maxBytes?: number;
  /** Total deadline from the request to the last body byte; default `seconds * 1000 + marginMs`. */
  readonly timeoutMs?: number;
  /** Added to the profile duration for the default deadline: time to build and send the profile. */
  readonly marginMs?: number;
  /** Deadline for DNS + TCP (+ TLS) connect. */
  readonly connectTimeoutMs?: number;
  readonly userAgent?: string;
  /**
   * The agent to connect with, e.g. an https.Agent trusting the cluster's CA.
   * Default: a fresh connection per fetch, so a pooled socket the target has
   * already closed can never surface as a spurious FETCH_RESET.
   */
  readonly agent?: http.Agent;
}

/** The defaults of FetchOptions, in one place. */
export const FETCH_DEFAULTS = {
  maxBytes: 256 * 1024 * 1024,
  marginMs: 15_000,
  connectTimeoutMs: 10_000,
  userAgent: 'gopprof/0.1',
} as const;

/** What an error response contributes to the message: enough for Go's one-line errors. */
const ERROR_BODY_BYTES = 4096;
/** setTimeout's limit; beyond it Node fires the timer at once. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** One fetched profile, bytes exactly as the target sent them. */
export interface FetchResult {
  readonly bytes: Uint8Array;
  /** The URL fetched, without credentials. */
  readonly url: string;
  readonly contentType: string;
  readonly status: number;
  readonly startedAt: Date;
  readonly elapsedMs: number;
}

/**
 * Fetches one profile of `type` from `target`. Rejects with a GopprofError:
 * FETCH_REFUSED, FETCH_TIMEOUT, FETCH_RESET, FETCH_BUSY (Go is already serving
 * a CPU profile), FETCH_HTTP_STATUS (including any redirect), FETCH_TOO_LARGE,
 * FETCH_NOT_PROFILE, ABORTED, FETCH_FAILED; or, before any I/O, the errors of
 * profileUrl() and OPTION_INVALID for bad options. `details.url` never carries
 * credentials.
 */
export function fetchProfile(
  target: Pick<Target, 'id' | 'pprofBaseUrl'>,
  type: ProfileType,
  options: FetchOptions,
): Promise<FetchResult> {
  try {
    const url = profileUrl(target, type, options.seconds);
    const resolved = resolveOptions(options);
    return get(url, resolved, options.signal);
  } catch (err) {
    return Promise.reject(err);
  }
}

interface ResolvedOptions {
  readonly maxBytes: number;
  readonly timeoutMs: number;
  readonly connectTimeoutMs: number;
  readonly userAgent: string;
  readonly agent: http.Agent | undefined;
}

function resolveOptions(options: FetchOptions): ResolvedOptions {
  const marginMs = options.marginMs ?? FETCH_DEFAULTS.marginMs;
  checkNumber('marginMs', marginMs, 0);
  const resolved: ResolvedOptions = {
    maxBytes: options.maxBytes ?? FETCH_DEFAULTS.maxBytes,
    timeoutMs: options.timeoutMs ?? options.seconds * 1000 + marginMs,
    connectTimeoutMs: options.connectTimeoutMs ?? FETCH_DEFAULTS.connectTimeoutMs,
    userAgent: options.userAgent ?? FETCH_DEFAULTS.userAgent,
    agent: options.agent,
  };
  checkNumber('maxBytes', resolved.maxBytes, 1, Number.MAX_SAFE_INTEGER);
  checkNumber('timeoutMs', resolved.timeoutMs, 1);
  checkNumber('connectTimeoutMs', resolved.connectTimeoutMs, 1);
  if (/[\r\n\0]/.test(resolved.userAgent)) {
    throw new GopprofError('OPTION_INVALID', 'userAgent must not contain CR, LF or NUL');
  }
  return resolved;
}

function checkNumber(name: string, value: number, min: number, max: number = MAX_TIMER_MS): void {
  if (!Number.isFinite(value) || value < min || value > max) {
    throw new GopprofError('OPTION_INVALID', `${name} must be a number from ${min} to ${max}, got ${String(value)}`, {
      details: { option: name },
    });
  }
}

type Phase = 'connect' | 'response' | 'body';

function get(url: URL, o: ResolvedOptions, signal: AbortSignal | undefined): Promise<FetchResult> {
  const shown = redactUrl(url);
  if (signal?.aborted) return Promise.reject(abortError(signal, `fetch ${shown}`));
  const startedAt = new Date();
  const t0 = performance.now();

  return new Promise<FetchResult>((resolve, reject) => {
    let settled = false;
    let phase: Phase = 'connect';
    let req: http.ClientRequest | undefined;

    const finish = (err: GopprofError | undefined, result?: FetchResult): void => {
      if (settled) return;
      settled = true;
      clearTimeout(connectTimer);
      clearTimeout(deadline);
      signal?.removeEventListener('abort', onAbort);
      if (err) {
        // Destroying the request also destroys the socket and any response stream.
        req?.destroy();
        reject(err);
      } else if (result) {
        resolve(result);
      }
    };
    const timeout = (what: string, ms: number): void =>
      finish(
        new GopprofError('FETCH_TIMEOUT', `${shown}: ${what} after ${ms} ms (${phase})`, {
          details: { url: shown, phase, timeoutMs: ms },
        }),
      );
    const onAbort = (): void => finish(abortError(signal as AbortSignal, `fetch ${shown}`));

    const connectTimer = setTimeout(() => timeout('no connection', o.connectTimeoutMs), o.connectTimeoutMs);
    const deadline = setTimeout(() => timeout('no complete response', o.timeoutMs), o.timeoutMs);
    signal?.addEventListener('abort', onAbort, { once: true });

    try {
      req = (url.protocol === 'https:' ? https : http).request(url, {
        method: 'GET',
        agent: o.agent ?? false,
        headers: {
          'user-agent': o.userAgent,
          accept: 'application/octet-stream',
          'accept-encoding': 'identity',
        },
      });
    } catch (cause) {
      finish(new GopprofError('FETCH_FAILED', `${shown}: cannot start the request`, { cause, details: { url: shown } }));
      return;
    }

    req.on('socket', (socket) => {
      const connected = (): void => {
        clearTimeout(connectTimer);
        if (phase === 'connect') phase = 'response';
      };
      if (!socket.connecting) connected();
      else socket.once(url.protocol === 'https:' ? 'secureConnect' : 'connect', connected);
    });
    req.on('error', (err) => finish(classifyNetworkError(err, shown, phase)));
    req.on('response', (res) => {
      phase = 'body';
      const status = res.statusCode ?? 0;
      const contentType = String(res.headers['content-type'] ?? '');
      const details = { url: shown, status, contentType };
      // Errors after settling (our own destroy) must not go unhandled.
      res.on('error', () => {});

      if (status >= 300 && status < 400) {
        const location = res.headers.location;
        finish(
          new GopprofError('FETCH_HTTP_STATUS', `${shown}: HTTP ${status} redirect, not followed`, {
            details: { ...details, redirect: true, location: location === undefined ? undefined : redactUrl(location) },
          }),
        );
        return;
      }
      if (status < 200 || status >= 300) {
        readErrorBody(res, (bytes) => finish(statusError(shown, status, contentType, bytes)));
        return;
      }
      const encoding = res.headers['content-encoding'];
      if (encoding !== undefined && encoding.trim().toLowerCase() !== 'identity') {
        finish(
          new GopprofError('FETCH_NOT_PROFILE', `${shown}: unexpected Content-Encoding ${JSON.stringify(encoding)}`, {
            details: { ...details, contentEncoding: encoding },
          }),
        );
        return;
      }
      const declared = parseContentLength(res.headers['content-length']);
      if (declared !== undefined && declared > o.maxBytes) {
        finish(tooLarge(shown, o.maxBytes, details, declared));
        return;
      }

      const chunks: Buffer[] = [];
      let received = 0;
      res.on('error', (cause) => finish(reset(shown, details, received, declared, cause)));
      res.on('data', (chunk: Buffer) => {
        if (settled) return;
        received += chunk.length;
        if (received > o.maxBytes) {
          chunks.length = 0;
          finish(tooLarge(shown, o.maxBytes, details));
          return;
        }
        chunks.push(chunk);
      });
      res.on('close', () => {
        // 'end' settles first on success; a close without it is a cut connection.
        finish(reset(shown, details, received, declared));
      });
      res.on('end', () => {
        if (!res.complete || (declared !== undefined && received !== declared)) {
          finish(reset(shown, details, received, declared));
          return;
        }
        const bytes = new Uint8Array(received);
        let offset = 0;
        for (const chunk of chunks) {
          bytes.set(chunk, offset);
          offset += chunk.length;
        }
        chunks.length = 0;
        if (!looksLikeProfile(bytes, contentType)) {
          const excerpt = bodyExcerpt(bytes);
          finish(
            new GopprofError(
              'FETCH_NOT_PROFILE',
              `${shown}: the body is not a pprof profile (${bytes.length} bytes, Content-Type ${JSON.stringify(contentType)}): ${JSON.stringify(excerpt)}`,
              { details: { ...details, bytes: bytes.length, excerpt } },
            ),
          );
          return;
        }
        finish(undefined, {
          bytes,
          url: shown,
          contentType,
          status,
          startedAt,
          elapsedMs: performance.now() - t0,
        });
      });
    });
    req.end();
  });
}

/** Reads at most ERROR_BODY_BYTES of an error response, then calls `done` once. */
function readErrorBody(res: http.IncomingMessage, done: (bytes: Uint8Array) => void): void {
  const chunks: Buffer[] = [];
  let size = 0;
  let called = false;
  const finish = (): void => {
    if (called) return;
    called = true;
    done(Buffer.concat(chunks).subarray(0, ERROR_BODY_BYTES));
  };
  res.on('data', (chunk: Buffer) => {
    chunks.push(chunk);
    size += chunk.length;
    if (size >= ERROR_BODY_BYTES) finish();
  });
  res.on('end', finish);
  // A cut connection still leaves the status, the most useful part.
  res.on('close', finish);
}

function parseContentLength(value: string | undefined): number | undefined {
  if (value === undefined || !/^\d+$/.test(value.trim())) return undefined;
  return Number(value.trim());
}

function tooLarge(
  shown: string,
  maxBytes: number,
  details: Record<string, string | number>,
  declared?: number,
): GopprofError {
  const what = declared === undefined ? `more than ${maxBytes} bytes` : `Content-Length ${declared}`;
  return new GopprofError('FETCH_TOO_LARGE', `${shown}: ${what} exceeds the cap of ${maxBytes} bytes`, {
    details: { ...details, maxBytes, contentLength: declared },
  });
}

function reset(
  shown: string,
  details: Record<string, string | number>,
  received: number,
  declared: number | undefined,
  cause?: unknown,
): GopprofError {
  const of = declared === undefined ? '' : ` of ${declared}`;
  return new GopprofError('FETCH_RESET', `${shown}: connection closed after ${received}${of} body bytes`, {
    cause,
    details: { ...details, received, contentLength: declared },
  });
}
