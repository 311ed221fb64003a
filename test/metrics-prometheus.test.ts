/**
 * The Prometheus usage source against a real Prometheus (2.42 on 127.0.0.1,
 * temp dir) scraping, every second, a local exporter that serves cAdvisor-
 * and kube-state-metrics-shaped series: CPU counters growing at known rates,
 * working sets, limits and requests, plus the pod-cgroup and pause-container
 * series a real kubelet exposes and the query must not count.
 *
 * Prometheus only ingests samples as it scrapes them, so windows here are 3 s
 * long and the test waits (with a deadline) until two whole windows lie after
 * the first scrape; Prometheus applies its scrape targets about 5 s after
 * start-up, so this takes 15–20 s.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isGopprofError } from '../src/errors.ts';
import { createPrometheusSource, type PodUsage, type UsageSource } from '../src/metrics/index.ts';
import { startPrometheus } from './support/prometheus-server.ts';
import { requireBinary } from './support/require-binary.ts';
import { DEFAULT_STYLE, type ExportedPod, startUsageExporter } from './support/usage-exporter.ts';

const MiB = 1024 * 1024;
const WINDOW_S = 3;
const COUNT = 2;
/** rate() over a 3 s window of 1 s scrapes: exact up to the ms between Prometheus' timestamp and our answer. */
const RATE_TOLERANCE = 0.03;

const PODS: readonly ExportedPod[] = [
  {
    namespace: 'team-a',
    pod: 'api-1',
    containers: [
      {
        name: 'app',
        cpuCores: 0.25,
        memoryBytes: 100 * MiB,
        limits: { cpuCores: 0.5, memoryBytes: 256 * MiB },
        requests: { cpuCores: 0.25, memoryBytes: 128 * MiB },
      },
      {
        name: 'sidecar',
        cpuCores: 0.05,
        memoryBytes: 20 * MiB,
        limits: { cpuCores: 0.25, memoryBytes: 64 * MiB },
        requests: { cpuCores: 0.125, memoryBytes: 32 * MiB },
      },
    ],
  },
  { namespace: 'team-a', pod: 'batch-0', containers: [{ name: 'job', cpuCores: 1.5, memoryBytes: 1024 * MiB }] },
  {
    namespace: 'team-b',
    pod: 'db-0',
    containers: [{ name: 'pg', cpuCores: 0.8, memoryBytes: 2048 * MiB, limits: { cpuCores: 1, memoryBytes: 4096 * MiB } }],
  },
];

/** What every window of each pod must hold; cpuUsage within RATE_TOLERANCE, the rest exactly. */
const EXPECTED: Record<string, Omit<PodUsage['windows'][number], 'start'>> = {
  'team-a/api-1': {
    cpuUsage: 300,
    cpuLimit: 750,
    cpuRequest: 375,
    memoryUsage: 120 * MiB,
    memoryLimit: 320 * MiB,
    memoryRequest: 160 * MiB,
  },
  'team-a/batch-0': { cpuUsage: 1500, memoryUsage: 1024 * MiB },
  'team-b/db-0': { cpuUsage: 800, cpuLimit: 1000, memoryUsage: 2048 * MiB, memoryLimit: 4096 * MiB },
};

/** The end of the latest window whose last scrape Prometheus has surely stored. */
function latestEnd(): number {
  return Math.floor((Date.now() - 1500) / (WINDOW_S * 1000)) * WINDOW_S * 1000;
}

/**
 * Waits until COUNT windows lie entirely after the first scrape (a window
 * only partly covered by samples has a lower rate(): Prometheus extrapolates
 * half an interval, not to the boundary), then queries them.
 */
async function untilFull(source: UsageSource, firstScrapeAt: () => number | undefined, deadlineMs: number) {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    const end = latestEnd();
    const first = firstScrapeAt();
    if (first !== undefined && end - COUNT * WINDOW_S * 1000 >= first + 500) {
      return { end, usage: await source.query({ end, windowSeconds: WINDOW_S, count: COUNT, namespaces: [] }) };
    }
    if (Date.now() > deadline) assert.fail(`no ${COUNT} full windows of scrapes within ${deadlineMs} ms`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

function checkUsage(usage: readonly PodUsage[], end: number): void {
  assert.deepEqual(
    usage.map((p) => `${p.namespace}/${p.pod}`),
    ['team-a/api-1', 'team-a/batch-0', 'team-b/db-0'],
  );
  for (const p of usage) {
    const expected = EXPECTED[`${p.namespace}/${p.pod}`];
    assert.deepEqual(
      p.windows.map((w) => w.start),
      [end - 2 * WINDOW_S * 1000, end - WINDOW_S * 1000],
    );
    for (const w of p.windows) {
      const { cpuUsage, ...exact } = w;
      const { cpuUsage: rate, ...expectedExact } = expected;
      assert.deepEqual(exact, { start: w.start, ...expectedExact }, `${p.pod} limits, requests and memory`);
      assert.ok(
        cpuUsage !== undefined && rate !== undefined && Math.abs(cpuUsage - rate) <= rate * RATE_TOLERANCE,
        `${p.pod} cpu ${cpuUsage} ≈ ${rate}`,
      );
    }
  }
}

test('Prometheus source against a real prometheus scraping a usage exporter', async (t) => {
  const binary = requireBinary(t, 'prometheus');
  if (!binary) return;
  const legacy = { metricPrefix: 'legacy_', namespaceLabel: 'namespace_name', podLabel: 'pod_name', containerLabel: 'container_name' };
  const exporter = await startUsageExporter(PODS, [DEFAULT_STYLE, legacy]);
  t.after(() => exporter.close());
  const prometheus = await startPrometheus({ binary, targets: [exporter.target], scrapeIntervalMs: 1000 });
  t.after(() => prometheus.stop());
  const source = createPrometheusSource({ url: prometheus.url });

  // While the first scrapes come in: errors that need no data.
  await t.test('a query Prometheus rejects is METRICS_UNAVAILABLE with its message', async () => {
    const bad = createPrometheusSource({ url: prometheus.url, schema: { extraMatchers: 'cluster=~"("' } });
    await assert.rejects(bad.query({ end: latestEnd(), windowSeconds: WINDOW_S, count: COUNT, namespaces: [] }), (err) => {
      assert.ok(isGopprofError(err, 'METRICS_UNAVAILABLE'));
      assert.match(err.message, /^prometheus http:\/\/127\.0\.0\.1:\d+: HTTP 400: .*missing closing \)/);
      return true;
    });
  });

  let end = 0;
  await t.test('cAdvisor + kube-state-metrics: usage ≈ rate, memory, limits and requests exact, per pod', async () => {
    const full = await untilFull(source, () => exporter.firstScrapeAt, 25_000);
    end = full.end;
    checkUsage(full.usage, end);
  });

  await t.test('namespace filter, matched literally', async () => {
    const q = { end, windowSeconds: WINDOW_S, count: COUNT };
    const onlyB = await source.query({ ...q, namespaces: ['team-b'] });
    assert.deepEqual(
      onlyB.map((p) => p.pod),
      ['db-0'],
    );
    // Unescaped, `team.a` would be a regex matching team-a.
    assert.deepEqual(await source.query({ ...q, namespaces: ['team.a'] }), []);
    const both = await source.query({ ...q, namespaces: ['team-b', 'team-a'] });
    assert.equal(both.length, 3);
  });

  await t.test('other metric and label names through configuration', async () => {
    const configured = createPrometheusSource({
      url: prometheus.url,
      method: 'GET',
      schema: {
        metrics: {
          cpuUsage: 'legacy_container_cpu_usage_seconds_total',
          memoryUsage: 'legacy_container_memory_working_set_bytes',
          limits: 'legacy_kube_pod_container_resource_limits',
          requests: 'legacy_kube_pod_container_resource_requests',
        },
        labels: { namespace: 'namespace_name', pod: 'pod_name', container: 'container_name' },
        extraMatchers: 'job="usage"',
      },
    });
    const usage = await configured.query({ end, windowSeconds: WINDOW_S, count: COUNT, namespaces: [] });
    checkUsage(usage, end);
  });

  await t.test('Prometheus down: METRICS_UNAVAILABLE quickly', async () => {
    await prometheus.stop();
    const t0 = performance.now();
    await assert.rejects(source.query({ end, windowSeconds: WINDOW_S, count: COUNT, namespaces: [] }), (err) => {
      assert.ok(isGopprofError(err, 'METRICS_UNAVAILABLE'));
      assert.match(err.message, /unreachable \(ECONNREFUSED\)/);
      return true;
    });
    assert.ok(performance.now() - t0 < 8000, 'refused at once, not at the 10 s deadline');
  });
});
