/**
 * The service's HTTP side: liveness (/healthz), readiness (/readyz),
 * Prometheus metrics (/metrics), and the stored artifacts of the local store
 * (/artifacts/<key>), so an SVG link in a capture record opens in a browser.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pipeline } from 'node:stream/promises';
import { isGopprofError } from '../errors.ts';
import { readLocalArtifact } from '../storage/index.ts';
import type { Logger, MetricsRegistry } from '../telemetry/index.ts';

export interface HttpServerOptions {
  readonly metrics: MetricsRegistry;
  /** Resolves when the service can take work (store reachable, servers up); rejects with the reason. */
  readonly ready: (signal: AbortSignal) => Promise<void>;
  /** Local store roots whose objects /artifacts/ serves, searched in order (store, then spool). */
  readonly artifactRoots: readonly string[];
  readonly logger: Logger;
}

export interface HttpServer {
  /** Listens; resolves with the bound port. */
  start(host: string, port: number): Promise<number>;
  /** Stops accepting, closes idle connections, waits for the rest (idempotent). */
  stop(): Promise<void>;
}

const ARTIFACT_PREFIX = '/artifacts/';
const READY_TIMEOUT_MS = 5000;

function send(res: ServerResponse, status: number, body: string, type = 'text/plain; charset=utf-8'): void {
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body), 'cache-control': 'no-store' });
  res.end(body);
}

/** Creates the HTTP server (not yet listening). */
export function createHttpServer(options: HttpServerOptions): HttpServer {
  const log = options.logger.child({ component: 'http' });
  let server: Server | undefined;
  let stopping: Promise<void> | undefined;

  async function artifact(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    let key: string;
    try {
      key = decodeURIComponent(path.slice(ARTIFACT_PREFIX.length));
    } catch {
      return send(res, 400, 'bad artifact key\n');
    }
    if (!key.startsWith('captures/')) return send(res, 404, 'not found\n');
    for (const root of options.artifactRoots) {
      try {
        const a = await readLocalArtifact(root, key);
        res.writeHead(200, {
          'content-type': a.contentType,
          'content-length': a.size,
          'last-modified': a.lastModified.toUTCString(),
          'x-content-type-options': 'nosniff',
          // An SVG from a profile carries our pan/zoom script and nothing else may run.
          'content-security-policy': "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'",
        });
        if (req.method === 'HEAD') {
          a.body.destroy();
          res.end();
          return;
        }
        await pipeline(a.body, res);
        return;
      } catch (err) {
        if (isGopprofError(err, 'STORAGE_NOT_FOUND')) continue;
        if (isGopprofError(err, 'STORAGE_KEY_INVALID')) return send(res, 400, 'bad artifact key\n');
        if (res.headersSent) {
          res.destroy();
          return;
        }
        log.error({ err, key }, 'artifact read failed');
        return send(res, 500, 'artifact read failed\n');
      }
    }
    send(res, 404, 'not found\n');
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'method not allowed\n');
    if (path === '/healthz') return send(res, 200, 'ok\n');
    if (path === '/readyz') {
      try {
        await options.ready(AbortSignal.timeout(READY_TIMEOUT_MS));
        return send(res, 200, 'ready\n');
      } catch (err) {
        return send(res, 503, `not ready: ${(err as Error).message}\n`);
      }
    }
    if (path === '/metrics') return send(res, 200, options.metrics.render(), 'text/plain; version=0.0.4; charset=utf-8');
    if (path.startsWith(ARTIFACT_PREFIX)) return artifact(req, res, path);
    send(res, 404, 'not found\n');
  }

  return {
    start(host, port) {
      return new Promise((resolve, reject) => {
        const s = createServer((req, res) => {
          handle(req, res).catch((err: unknown) => {
            log.error({ err }, 'http handler failed');
            if (!res.headersSent) send(res, 500, 'internal error\n');
            else res.destroy();
          });
        });
        s.requestTimeout = 60_000;
        s.headersTimeout = 10_000;
        s.once('error', reject);
        s.listen(port, host, () => {
          server = s;
          resolve((s.address() as AddressInfo).port);
        });
      });
    },
    stop() {
      stopping ??= new Promise<void>((resolve) => {
        if (!server) return resolve();
        server.close(() => resolve());
        server.closeIdleConnections();
        setTimeout(() => server?.closeAllConnections(), 5000).unref();
      });
      return stopping;
    },
  };
}
