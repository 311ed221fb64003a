/**
 * Runs a real Prometheus (Debian's 2.42) for tests: loopback only, a temp dir
 * for its TSDB and config, scraping the given targets every
 * `scrapeIntervalMs`. Prometheus cannot take port 0 and report it, so a free
 * port is picked first (and the start retried if it was taken meanwhile).
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, retryOnPortClash, spawnServer, waitForHttp } from './influxdb-server.ts';

/** Knobs for startPrometheus; `targets` is required. */
export interface PrometheusOptions {
  /** `host:port` of each /metrics endpoint to scrape. */
  readonly targets: readonly string[];
  readonly binary?: string;
  readonly scrapeIntervalMs?: number;
  /** Deadline for `/-/ready`. */
  readonly timeoutMs?: number;
}

/** A running Prometheus. */
export interface PrometheusServer {
  /** Base URL, e.g. `http://127.0.0.1:41234`. */
  readonly url: string;
  /** Kills it, waits for it to exit and removes its files. Idempotent. */
  stop(): Promise<void>;
}

/** Starts Prometheus and resolves once it is ready. Always call stop(), e.g. with `t.after`. */
export function startPrometheus(options: PrometheusOptions): Promise<PrometheusServer> {
  return retryOnPortClash(() => startOnce(options));
}

async function startOnce(options: PrometheusOptions): Promise<PrometheusServer> {
  const { targets, binary = 'prometheus', scrapeIntervalMs = 1000, timeoutMs = 20_000 } = options;
  const dir = await mkdtemp(join(tmpdir(), 'gopprof-prometheus-'));
  const port = await freePort();
  const interval = `${scrapeIntervalMs}ms`;
  const config = `global:
  scrape_interval: ${interval}
  scrape_timeout: ${interval}
  evaluation_interval: ${interval}
scrape_configs:
  - job_name: usage
    static_configs:
      - targets: [${targets.map((t) => JSON.stringify(t)).join(', ')}]
`;
  const configPath = join(dir, 'prometheus.yml');
  await writeFile(configPath, config);
  const server = spawnServer(
    binary,
    [
      `--config.file=${configPath}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--storage.tsdb.retention.time=1h',
      '--log.level=warn',
    ],
    dir,
  );
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitForHttp(`${url}/-/ready`, timeoutMs, server.child, server.stderr);
  } catch (err) {
    await server.stop();
    throw err;
  }
  return { url, stop: server.stop };
}
