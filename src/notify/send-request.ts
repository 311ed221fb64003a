/**
 * One delivery attempt: POST the request with a deadline, read a bounded
 * answer, and classify the outcome — delivered, worth retrying (network
 * errors, timeouts, 408, 429, 5xx, throttling codes) or not (other 4xx, 3xx,
 * a robot's refusal). Messages name what happened but never the URL.
 */
import type { ReceiverProtocol, OutgoingRequest } from './receiver-protocol.ts';
import { parseRetryAfter } from './retry-policy.ts';

/** The outcome of one attempt. */
export type AttemptResult =
  | { readonly ok: true; readonly status: number }
  | {
      readonly ok: false;
      readonly retryable: boolean;
      readonly message: string;
      readonly status?: number;
      /** From a 429's (or 503's) Retry-After. */
      readonly retryAfterMs?: number;
    };

/** Timers the notifier uses (injected so tests and shutdown control them). */
export interface NotifyTimers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface SendOptions {
  readonly fetchImpl: typeof fetch;
  readonly timeoutMs: number;
  readonly timers: NotifyTimers;
  readonly now: () => number;
  /** Aborts the request (the notifier is stopping past its deadline). */
  readonly signal: AbortSignal;
}

/** The most of an answer read: enough for any robot's JSON, not a hostile stream. */
export const MAX_ANSWER_BYTES = 64 * 1024;

async function readBounded(res: Response): Promise<string> {
  if (!res.body) return '';
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < MAX_ANSWER_BYTES) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.byteLength;
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
  return Buffer.concat(chunks).subarray(0, MAX_ANSWER_BYTES).toString('utf8');
}

/** A network error as a short phrase with its code: `connection refused (ECONNREFUSED)`. */
function networkMessage(err: unknown): string {
  const cause = (err as { cause?: { code?: unknown; message?: unknown } })?.cause;
  const code = typeof cause?.code === 'string' ? cause.code : '';
  const phrases: Record<string, string> = {
    ECONNREFUSED: 'connection refused',
    ECONNRESET: 'connection reset',
    ENOTFOUND: 'host not found',
    EAI_AGAIN: 'DNS lookup failed',
    ETIMEDOUT: 'connection timed out',
    EHOSTUNREACH: 'host unreachable',
    UND_ERR_CONNECT_TIMEOUT: 'connection timed out',
    UND_ERR_SOCKET: 'connection closed',
  };
  if (code) return `${phrases[code] ?? 'request failed'} (${code})`;
  return `request failed: ${err instanceof Error ? err.name : 'error'}`;
}

/** Sends `request` once and classifies the answer with `protocol`. Never throws. */
export async function sendRequest(request: OutgoingRequest, protocol: ReceiverProtocol, options: SendOptions): Promise<AttemptResult> {
  if (options.signal.aborted) return { ok: false, retryable: false, message: 'stopped before sending' };
  const deadline = new AbortController();
  const timer = options.timers.setTimeout(() => deadline.abort(), options.timeoutMs);
  const signal = AbortSignal.any([deadline.signal, options.signal]);
  try {
    const res = await options.fetchImpl(request.url, {
      method: 'POST',
      headers: request.headers,
      body: request.body,
      // A redirect could carry a signed body (and DingTalk's signed query) somewhere unconfigured.
      redirect: 'manual',
      signal,
    });
    const text = await readBounded(res);
    const status = res.status;
    if (status >= 200 && status < 300) {
      const rejection = protocol.rejects?.(text);
      return rejection ? { ok: false, retryable: rejection.retryable, message: rejection.message, status } : { ok: true, status };
    }
    const excerpt = text.replace(/\s+/g, ' ').trim().slice(0, 200);
    const message = `HTTP ${status}${excerpt ? `: ${excerpt}` : ''}`;
    if (status === 429 || status === 503) {
      const retryAfterMs = parseRetryAfter(res.headers.get('retry-after'), options.now());
      return { ok: false, retryable: true, message, status, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) };
    }
    return { ok: false, retryable: status >= 500 || status === 408, message, status };
  } catch (err) {
    if (options.signal.aborted) return { ok: false, retryable: false, message: 'aborted: the notifier stopped' };
    if (deadline.signal.aborted) return { ok: false, retryable: true, message: `no answer within ${options.timeoutMs / 1000}s` };
    return { ok: false, retryable: true, message: networkMessage(err) };
  } finally {
    options.timers.clearTimeout(timer);
  }
}
