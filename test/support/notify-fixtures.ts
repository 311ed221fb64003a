/**
 * What the notify tests share: a local HTTP receiver (node:http on 127.0.0.1)
 * that records every request and answers as a test scripts it, a way to
 * reserve a port that is closed now and served later, and capture records
 * shaped like the capture service's.
 */
import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Capture } from '../../src/capture/index.ts';

/** One request the receiver got. */
export interface RecordedRequest {
  readonly method: string;
  /** Path and query, as sent. */
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  /** performance.now() when the body had arrived. */
  readonly at: number;
}

/** How the receiver answers request number `n` (0-based). */
export type Answer = { readonly status?: number; readonly headers?: Record<string, string>; readonly body?: string };
export type Responder = (req: RecordedRequest, n: number) => Answer | Promise<Answer>;

export interface RecordingServer {
  readonly port: number;
  /** `http://127.0.0.1:<port>`. */
  readonly origin: string;
  readonly requests: RecordedRequest[];
  /** Resolves once `count` requests have arrived (rejects after `timeoutMs`). */
  waitFor(count: number, timeoutMs?: number): Promise<RecordedRequest[]>;
  close(): Promise<void>;
}

export { CLOSED_PORT } from './closed-port.ts';

/**
 * A port free now (bound and released), for a receiver that is down first and
 * comes up on it later. Another server may take it meanwhile: use CLOSED_PORT
 * for one that stays down.
 */
export async function freePort(): Promise<number> {
  const s = createServer();
  s.listen(0, '127.0.0.1');
  await once(s, 'listening');
  const { port } = s.address() as AddressInfo;
  s.close();
  await once(s, 'close');
  return port;
}

/** Starts a recording receiver on 127.0.0.1 (`port` 0 for any). Answers 200 `ok` unless `respond` says otherwise. */
export async function startRecordingServer(respond: Responder = () => ({}), port = 0): Promise<RecordingServer> {
  const requests: RecordedRequest[] = [];
  let waiters: Array<() => void> = [];
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const rec: RecordedRequest = {
      method: req.method ?? '',
      url: req.url ?? '',
      headers: req.headers,
      body: Buffer.concat(chunks).toString('utf8'),
      at: performance.now(),
    };
    const n = requests.length;
    requests.push(rec);
    for (const w of waiters) w();
    try {
      const a = await respond(rec, n);
      res.writeHead(a.status ?? 200, { 'content-type': 'text/plain', ...a.headers });
      res.end(a.body ?? 'ok');
    } catch {
      res.destroy();
    }
  });
  server.listen(port, '127.0.0.1');
  await once(server, 'listening');
  const actual = (server.address() as AddressInfo).port;
  return {
    port: actual,
    origin: `http://127.0.0.1:${actual}`,
    requests,
    waitFor(count, timeoutMs = 5000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (requests.length < count) return;
          clearTimeout(timer);
          waiters = waiters.filter((w) => w !== check);
          resolve(requests.slice(0, count));
        };
        const timer = setTimeout(() => {
          waiters = waiters.filter((w) => w !== check);
          reject(new Error(`expected ${count} requests within ${timeoutMs} ms, got ${requests.length}`));
        }, timeoutMs);
        waiters.push(check);
        check();
      });
    },
    async close() {
      server.closeAllConnections();
      server.close();
      await once(server, 'close').catch(() => {});
    },
  };
}

/** An auto-triggered, successful cpu capture of a pod, with a summary and artifact links. */
export function sampleCapture(overrides: Partial<Capture> = {}): Capture {
  const base = 'http://gopprof.example.com:8078/artifacts/captures/shop/checkout-7d9f8-abcde/2026-11-03T10-00-00Z-cpu';
  return {
    id: 'c-0001',
    targetId: 'pod/shop/checkout-7d9f8-abcde/uid-1',
    targetName: 'shop/checkout-7d9f8-abcde',
    target: {
      labels: { app: 'checkout', 'gopprof.io/owner': 'team-payments' },
      owner: 'team-payments',
      pod: { namespace: 'shop', name: 'checkout-7d9f8-abcde', uid: 'uid-1', workload: 'checkout' },
    },
    type: 'cpu',
    seconds: 30,
    trigger: 'auto',
    auto: {
      rule: 'cpu-high',
      metric: 'cpu',
      threshold: 0.9,
      values: [0.934, 0.951],
      windows: ['2026-11-03T09:58:00Z', '2026-11-03T09:59:00Z'],
    },
    options: {},
    startedAt: '2026-11-03T10:00:00.000Z',
    finishedAt: '2026-11-03T10:00:31.000Z',
    status: 'ok',
    artifacts: {
      profile: { key: 'k/profile.pb.gz', url: `${base}/profile.pb.gz?X-Amz-Signature=abc&X-Amz-Expires=604800`, contentType: 'application/octet-stream', size: 1234 },
      svg: { key: 'k/graph.svg', url: `${base}/graph.svg`, contentType: 'image/svg+xml', size: 56789 },
    },
    summary: {
      sampleType: 'cpu',
      unit: 'nanoseconds',
      total: 10.5e9,
      totalLabel: '10.50s',
      top: [
        { name: 'main.(*Cart).total', flat: 3.19e9, cum: 4e9, flatLabel: '3.19s', flatPercent: '30.38%', cumLabel: '4s', cumPercent: '38.10%' },
        { name: 'encoding/json.(*encodeState).marshal', flat: 2e9, cum: 2.5e9, flatLabel: '2s', flatPercent: '19.05%', cumLabel: '2.50s', cumPercent: '23.81%' },
        { name: 'runtime.mallocgc', flat: 1e9, cum: 1e9, flatLabel: '1s', flatPercent: '9.52%', cumLabel: '1s', cumPercent: '9.52%' },
        { name: 'main.fmt<T>&escape_me', flat: 0.5e9, cum: 0.5e9, flatLabel: '0.50s', flatPercent: '4.76%', cumLabel: '0.50s', cumPercent: '4.76%' },
      ],
    },
    storedIn: 'primary',
    ...overrides,
  };
}

/** A failed manual heap capture of a static target. */
export function failedCapture(): Capture {
  return sampleCapture({
    id: 'c-0002',
    targetId: 'static/billing',
    targetName: 'billing',
    target: { labels: {}, owner: 'team-billing' },
    type: 'heap',
    seconds: 0,
    trigger: 'manual',
    auto: undefined,
    status: 'failed',
    error: { code: 'FETCH_REFUSED', message: 'the target refused the connection: 10.0.0.7:6060' },
    artifacts: {},
    summary: undefined,
  });
}
