/**
 * A stand-in for what Prometheus scrapes in a cluster, on one node:http
 * `/metrics`: cAdvisor-shaped series (`container_cpu_usage_seconds_total`
 * counters growing at a set rate, `container_memory_working_set_bytes`,
 * including the pod-level `container=""` and pause-container `POD` series a
 * real kubelet also exposes) and kube-state-metrics-shaped limits and requests
 * (`kube_pod_container_resource_limits{resource="cpu",unit="core"}` …).
 *
 * Counters are computed from the clock at each scrape, so the rate Prometheus
 * sees is exactly the configured one (up to the few ms between Prometheus'
 * timestamp and our answer).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One container of a simulated pod. */
export interface ExportedContainer {
  readonly name: string;
  /** CPU used, in cores (the counter's growth per second). */
  readonly cpuCores: number;
  readonly memoryBytes: number;
  readonly limits?: { readonly cpuCores?: number; readonly memoryBytes?: number };
  readonly requests?: { readonly cpuCores?: number; readonly memoryBytes?: number };
}

/** One simulated pod. */
export interface ExportedPod {
  readonly namespace: string;
  readonly pod: string;
  readonly containers: readonly ExportedContainer[];
}

/** A running exporter. */
export interface UsageExporter {
  /** `host:port` for a scrape config. */
  readonly target: string;
  /** How many times /metrics was served. */
  readonly scrapes: number;
  /** When /metrics was first served (ms since the epoch), or undefined. */
  readonly firstScrapeAt: number | undefined;
  close(): Promise<void>;
}

/**
 * How the series are named: the default is cAdvisor's and kube-state-metrics
 * v2's; another style serves the same numbers under other names, to test a
 * source configured for a non-default setup.
 */
export interface ExpositionStyle {
  readonly metricPrefix: string;
  readonly namespaceLabel: string;
  readonly podLabel: string;
  readonly containerLabel: string;
}

/** cAdvisor + kube-state-metrics v2 names. */
export const DEFAULT_STYLE: ExpositionStyle = {
  metricPrefix: '',
  namespaceLabel: 'namespace',
  podLabel: 'pod',
  containerLabel: 'container',
};

/** The exposition text at `now` (ms) for pods whose counters started at `startedAt`. */
export function usageExposition(
  pods: readonly ExportedPod[],
  startedAt: number,
  now: number,
  style: ExpositionStyle = DEFAULT_STYLE,
): string {
  const m = (name: string): string => style.metricPrefix + name;
  const ids = (p: ExportedPod, container: string): string =>
    `${style.namespaceLabel}="${p.namespace}",${style.podLabel}="${p.pod}",${style.containerLabel}="${container}"`;
  const seconds = (now - startedAt) / 1000;
  const cpu: string[] = [];
  const memory: string[] = [];
  const limits: string[] = [];
  const requests: string[] = [];
  const labels = (p: ExportedPod, container: string): string =>
    `${ids(p, container)},id="/kubepods/${p.pod}/${container}",image="registry.local/${container}:1"`;
  for (const p of pods) {
    const total = p.containers.reduce((sum, c) => sum + c.cpuCores, 0);
    // The pod cgroup (container="") and the pause container: a query that counts them would be off.
    cpu.push(`${m('container_cpu_usage_seconds_total')}{${labels(p, '')},cpu="total"} ${(1000 + total * seconds).toFixed(6)}`);
    cpu.push(`${m('container_cpu_usage_seconds_total')}{${labels(p, 'POD')},cpu="total"} ${(5 + 0.5 * seconds).toFixed(6)}`);
    memory.push(`${m('container_memory_working_set_bytes')}{${labels(p, '')}} ${p.containers.reduce((s, c) => s + c.memoryBytes, 0) * 3}`);
    memory.push(`${m('container_memory_working_set_bytes')}{${labels(p, 'POD')}} 700000`);
    for (const c of p.containers) {
      cpu.push(`${m('container_cpu_usage_seconds_total')}{${labels(p, c.name)},cpu="total"} ${(100 + c.cpuCores * seconds).toFixed(6)}`);
      memory.push(`${m('container_memory_working_set_bytes')}{${labels(p, c.name)}} ${c.memoryBytes}`);
      const ksm = `${ids(p, c.name)},node="node-1",uid="uid-${p.pod}"`;
      for (const [list, values] of [
        [limits, c.limits],
        [requests, c.requests],
      ] as const) {
        if (values?.cpuCores !== undefined) list.push(`{${ksm},resource="cpu",unit="core"} ${values.cpuCores}`);
        if (values?.memoryBytes !== undefined) list.push(`{${ksm},resource="memory",unit="byte"} ${values.memoryBytes}`);
      }
    }
  }
  return [
    `# HELP ${m('container_cpu_usage_seconds_total')} Cumulative cpu time consumed in seconds.`,
    `# TYPE ${m('container_cpu_usage_seconds_total')} counter`,
    ...cpu,
    `# HELP ${m('container_memory_working_set_bytes')} Current working set in bytes.`,
    `# TYPE ${m('container_memory_working_set_bytes')} gauge`,
    ...memory,
    `# HELP ${m('kube_pod_container_resource_limits')} The number of requested limit resource by a container.`,
    `# TYPE ${m('kube_pod_container_resource_limits')} gauge`,
    ...limits.map((l) => `${m('kube_pod_container_resource_limits')}${l}`),
    `# HELP ${m('kube_pod_container_resource_requests')} The number of requested request resource by a container.`,
    `# TYPE ${m('kube_pod_container_resource_requests')} gauge`,
    ...requests.map((l) => `${m('kube_pod_container_resource_requests')}${l}`),
    '',
  ].join('\n');
}

/** Serves `pods` on 127.0.0.1 (a free port) in each of `styles`; counters start now. */
export async function startUsageExporter(
  pods: readonly ExportedPod[],
  styles: readonly ExpositionStyle[] = [DEFAULT_STYLE],
): Promise<UsageExporter> {
  const startedAt = Date.now();
  let scrapes = 0;
  let firstScrapeAt: number | undefined;
  const server = createServer((req, res) => {
    if (req.url !== '/metrics') {
      res.writeHead(404).end();
      return;
    }
    scrapes++;
    firstScrapeAt ??= Date.now();
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' });
    const now = Date.now();
    res.end(styles.map((style) => usageExposition(pods, startedAt, now, style)).join(''));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    target: `127.0.0.1:${port}`,
    get scrapes() {
      return scrapes;
    },
    get firstScrapeAt() {
      return firstScrapeAt;
    },
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
