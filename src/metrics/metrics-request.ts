/**
 * One HTTP request to a metrics backend with a deadline covering the whole
 * exchange (connect, answer, body) and the caller's AbortSignal. Every
 * failure becomes METRICS_UNAVAILABLE naming the backend and what went wrong
 * (unreachable, timeout, HTTP status with the backend's own error message),
 * or ABORTED when the caller cancelled. Uses the injected fetch so tests and
 * proxies can replace it.
 */
import { abortError, GopprofError, isGopprofError } from '../errors.ts';
import type { MetricsEndpoint } from './metrics-endpoint.ts';

/** What to send. */
export interface MetricsRequest {
  /** Backend kind for messages, e.g. `influxql`. */
  readonly what: string;
  readonly endpoint: MetricsEndpoint;
  /** Path below the endpoint's base, e.g. `/query`. */
  readonly path: string;
  readonly method: 'GET' | 'POST';
  /** Query parameters (GET) or the form body (POST). */
  readonly params: URLSearchParams;
  readonly accept: string;
  readonly timeoutMs: number;
  readonly signal?: AbortSignal;
  readonly fetch: typeof fetch;
}

/** How much of an error body goes into a message. */
const ERROR_EXCERPT = 2048;

/**
 * Sends `req` and hands a 2xx response to `read`, which must consume the body;
 * the deadline and the signal still apply while it does.
 */
export async function metricsRequest<T>(req: MetricsRequest, read: (res: Response, signal: AbortSignal) => Promise<T>): Promise<T> {
  const label = `${req.what} ${req.endpoint.shown}`;
  if (req.signal?.aborted) throw abortError(req.signal, label);
  const deadline = AbortSignal.timeout(req.timeoutMs);
  const signal = req.signal ? AbortSignal.any([req.signal, deadline]) : deadline;
  const url = req.endpoint.base + req.path + (req.method === 'GET' ? `?${req.params}` : '');
  try {
    const res = await req.fetch(url, {
      method: req.method,
      headers: {
        ...req.endpoint.headers,
        accept: req.accept,
        ...(req.method === 'POST' ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
      },
      body: req.method === 'POST' ? req.params.toString() : undefined,
      signal,
    });
    if (!res.ok) {
      const text = await res.text();
      throw new GopprofError('METRICS_UNAVAILABLE', `${label}: HTTP ${res.status}: ${backendMessage(text)}`, {
        details: { source: req.what, url: req.endpoint.shown, status: res.status },
      });
    }
    return await read(res, signal);
  } catch (err) {
    if (req.signal?.aborted) throw abortError(req.signal, label);
    if (deadline.aborted) {
      throw new GopprofError('METRICS_UNAVAILABLE', `${label}: no complete answer within ${req.timeoutMs} ms`, {
        cause: err,
        details: { source: req.what, url: req.endpoint.shown, timeoutMs: req.timeoutMs },
      });
    }
    if (isGopprofError(err)) throw err;
    throw new GopprofError('METRICS_UNAVAILABLE', `${label}: unreachable (${networkReason(err)})`, {
      cause: err,
      details: { source: req.what, url: req.endpoint.shown },
    });
  }
}

/** The message inside a backend's error body: `error` (InfluxDB 1.x, Prometheus), `message` (InfluxDB 2.x), or the text. */
export function backendMessage(text: string): string {
  const trimmed = text.trim();
  try {
    const json = JSON.parse(trimmed) as { error?: unknown; message?: unknown };
    const message = typeof json.error === 'string' ? json.error : typeof json.message === 'string' ? json.message : undefined;
    if (message !== undefined) return excerpt(message);
  } catch {}
  return trimmed === '' ? '(empty body)' : excerpt(trimmed);
}

function excerpt(s: string): string {
  return s.length > ERROR_EXCERPT ? `${s.slice(0, ERROR_EXCERPT)}…` : s;
}

function networkReason(err: unknown): string {
  let e: unknown = err;
  for (let i = 0; i < 4 && e instanceof Error; i++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    if (e.cause === undefined) return e.message;
    e = e.cause;
  }
  return String(e);
}
