// Detection benchmark, the query part: a real InfluxDB (influxd on loopback,
// temp dir) holding heapster's points for N pods (cpu/usage_rate, cpu/limit,
// memory/working_set, memory/limit; 3 one-minute windows), then one
// evaluation's query + parse through createInfluxQlSource, several times.
// Prints the median and spread and the heap an evaluation takes, for the
// default (client-side averaging) and the server-side GROUP BY form.
// Target: under 1 s per evaluation for 10,000 pods.
//
//   node test/bench/detection.bench.ts                   (10,000 pods, 7 runs)
//   GOPPROF_DETECTION_PODS=50000 GOPPROF_DETECTION_RUNS=5 node test/bench/detection.bench.ts
//
// The rule engine's share: `evaluate` (default: the auto-profiler's
// evaluateRules over every pod as a target, ~10 pods per workload, the
// default policy over the fixture's windows) gets each evaluation's
// PodUsage[] and is timed, with the heap it allocates, on its own; query +
// rules is what one evaluation of the auto-profiler costs.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { fileURLToPath } from 'node:url';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  buildInfluxQlQuery,
  createFluxSource,
  createInfluxQlSource,
  createPrometheusSource,
  type PodUsage,
  resolveInfluxSchema,
  type UsageQuery,
  type UsageSource,
  windowGrid,
} from '../../src/metrics/index.ts';
import { DEFAULT_TRIGGER_POLICY, emptyTriggerState, evaluateRules, type PodTarget } from '../../src/trigger/index.ts';
import { createHeapsterDatabase, type InfluxDbServer, startInfluxDb } from '../support/influxdb-server.ts';
import { findBinary } from '../support/require-binary.ts';

const MIN = 60_000;

// A gc() for clean heap figures without needing --expose-gc on the command line.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** What main() can be told; every field optional. */
export interface DetectionBenchOptions {
  readonly pods: number;
  readonly runs: number;
  /** The rule engine's step, timed separately from the query; its result is ignored. */
  readonly evaluate?: (usage: readonly PodUsage[]) => unknown;
}

/** A loaded InfluxDB and a source and query for it; stop() when done. */
export interface DetectionFixture {
  readonly server: InfluxDbServer;
  readonly source: UsageSource;
  readonly query: UsageQuery;
  /** How long writing the points took, ms. */
  readonly loadMs: number;
  stop(): Promise<void>;
}

/**
 * Starts influxd and writes heapster points for `pods` pods over 3 windows
 * ending two hours ago (one point per metric per window, as heapster writes
 * at its default 60 s resolution); pods use 20–99 % of their CPU limit.
 */
export async function loadDetectionFixture(pods: number): Promise<DetectionFixture> {
  const binary = findBinary('influxd');
  if (!binary) throw new Error('influxd is not on PATH (apt-get install influxdb)');
  const server = await startInfluxDb({ binary });
  try {
    await createHeapsterDatabase(server);
    const end = Math.floor(Date.now() / MIN) * MIN - 120 * MIN;
    const t0 = performance.now();
    const batch: string[] = [];
    const flush = async (): Promise<void> => {
      if (batch.length === 0) return;
      await server.write(batch.join('\n'), { db: 'k8s', rp: 'default' });
      batch.length = 0;
    };
    for (let i = 0; i < pods; i++) {
      const tags = `namespace_name=ns-${i % 100},pod_name=pod-${i},type=pod,nodename=node-${i % 500}`;
      for (let w = 0; w < 3; w++) {
        const time = end - (3 - w) * MIN + 30_000;
        const limit = 1000;
        const usage = ((20 + ((i * 7 + w * 13) % 80)) * limit) / 100;
        batch.push(
          `cpu/usage_rate,${tags} value=${usage} ${time}`,
          `cpu/limit,${tags} value=${limit} ${time}`,
          `memory/working_set,${tags} value=${(100 + (i % 400)) * 1048576} ${time}`,
          `memory/limit,${tags} value=${512 * 1048576} ${time}`,
        );
      }
      if (batch.length >= 20_000) await flush();
    }
    await flush();
    const loadMs = performance.now() - t0;
    const source = createInfluxQlSource({ url: server.url, timeoutMs: 60_000 });
    return { server, source, query: { end, windowSeconds: 60, count: 3, namespaces: [] }, loadMs, stop: () => server.stop() };
  } catch (err) {
    await server.stop();
    throw err;
  }
}

/**
 * The auto-profiler's rule step over the fixture: every pod is a target
 * (workload `wl-<i mod pods/10>`, so caps apply), state starts empty each
 * time so every run does the same work. Returns how many captures it decided.
 */
export function ruleStep(pods: number, query: UsageQuery): (usage: readonly PodUsage[]) => number {
  const targets: PodTarget[] = Array.from({ length: pods }, (_, i) => ({
    targetId: `pod/ns-${i % 100}/pod-${i}/uid-${i}`,
    namespace: `ns-${i % 100}`,
    pod: `pod-${i}`,
    workload: `wl-${i % Math.max(1, Math.floor(pods / 10))}`,
  }));
  const policy = { ...DEFAULT_TRIGGER_POLICY, windowSeconds: query.windowSeconds, windows: query.count };
  return (usage) => evaluateRules(policy, emptyTriggerState(), { usage, targets, windowEnd: query.end, now: query.end + 10_000 }).decisions.length;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

const ms = (v: number): string => `${v.toFixed(1)} ms`;
const mb = (v: number): string => `${(v / 1048576).toFixed(1)} MB`;

/**
 * The same 10,000-pod evaluation as Flux (annotated CSV) and Prometheus
 * (query_range JSON) answers, built here and served from loopback: measures
 * the client side (request, parse, accumulate), not the backends' query time,
 * since neither InfluxDB 2.x nor a 10,000-pod Prometheus can run here.
 */
async function parseOnly(pods: number, runs: number, query: UsageQuery): Promise<void> {
  const W = 60_000;
  const start = query.end - 3 * W;
  const iso = (t: number): string => new Date(t).toISOString().replace('.000Z', 'Z');
  const csv: string[] = [
    '#datatype,string,long,dateTime:RFC3339,dateTime:RFC3339,dateTime:RFC3339,double,string,string,string,string,string',
    '#group,false,false,true,true,false,false,true,true,true,true,true',
    '#default,_result,,,,,,,,,,',
    ',result,table,_start,_stop,_time,_value,_field,_measurement,namespace_name,pod_name,type',
  ];
  const matrix: unknown[] = [];
  const series = [
    ['cpu/usage_rate', 'cpuUsage', 500],
    ['cpu/limit', 'cpuLimit', 1000],
    ['memory/working_set', 'memoryUsage', 104857600],
    ['memory/limit', 'memoryLimit', 536870912],
  ] as const;
  let table = 0;
  for (const [measurement, name, value] of series) {
    for (let i = 0; i < pods; i++) {
      const ns = `ns-${i % 100}`;
      const values: [number, string][] = [];
      for (let w = 0; w < 3; w++) {
        csv.push(`,,${table},${iso(start)},${iso(query.end)},${iso(start + w * W)},${value + w},value,${measurement},${ns},pod-${i},pod`);
        values.push([(start + (w + 1) * W) / 1000, String(value + w)]);
      }
      table++;
      matrix.push({ metric: { namespace: ns, pod: `pod-${i}`, gopprof_series: name }, values });
    }
  }
  const csvBody = Buffer.from(`${csv.join('\r\n')}\r\n\r\n`);
  const jsonBody = Buffer.from(JSON.stringify({ status: 'success', data: { resultType: 'matrix', result: matrix } }));
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const flux = req.url?.startsWith('/api/v2/query');
      res.writeHead(200, { 'content-type': flux ? 'text/csv; charset=utf-8' : 'application/json' });
      res.end(flux ? csvBody : jsonBody);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    const sources: [string, UsageSource, number][] = [
      ['flux (annotated CSV through @influxdata/influxdb-client)', createFluxSource({ url, org: 'bench', token: 't', timeoutMs: 60_000 }), csvBody.length],
      ['prometheus (query_range JSON)', createPrometheusSource({ url, timeoutMs: 60_000 }), jsonBody.length],
    ];
    for (const [label, source, bytes] of sources) {
      const times: number[] = [];
      for (let r = 0; r < runs; r++) {
        const t0 = performance.now();
        const usage = await source.query(query);
        times.push(performance.now() - t0);
        if (usage.length !== pods || usage[0].windows[2].memoryLimit === undefined) throw new Error(`${label}: wrong answer`);
      }
      console.log(`${label}, client side only, ${mb(bytes)} answer from loopback: median ${ms(median(times))}`);
    }
  } finally {
    await new Promise<void>((r) => server.close(() => r()));
  }
}

/** Runs the benchmark and prints its numbers. */
export async function main(options: Partial<DetectionBenchOptions> = {}): Promise<void> {
  const pods = options.pods ?? Number(process.env.GOPPROF_DETECTION_PODS ?? 10_000);
  const runs = options.runs ?? Number(process.env.GOPPROF_DETECTION_RUNS ?? 7);
  const fixture = await loadDetectionFixture(pods);
  const evaluate = options.evaluate ?? ruleStep(pods, fixture.query);
  try {
    console.log(`influxd ${fixture.server.url}: wrote ${pods * 12} points for ${pods} pods in ${ms(fixture.loadMs)}`);
    // One warm-up: the first query after a write pays for InfluxDB's caches.
    const warm = await fixture.source.query(fixture.query);
    if (warm.length !== pods) throw new Error(`expected ${pods} pods, got ${warm.length}`);
    for (const aggregation of ['client', 'server'] as const) {
      const source = aggregation === 'client' ? fixture.source : createInfluxQlSource({ url: fixture.server.url, aggregation, timeoutMs: 60_000 });
      const queryTimes: number[] = [];
      const evaluateTimes: number[] = [];
      const totalTimes: number[] = [];
      let ruleHeap = 0;
      let decisions = 0;
      let grown = 0;
      let retained = 0;
      for (let r = 0; r < runs; r++) {
        gc();
        const heapBefore = process.memoryUsage().heapUsed;
        const t0 = performance.now();
        const usage = await source.query(fixture.query);
        queryTimes.push(performance.now() - t0);
        grown = Math.max(grown, process.memoryUsage().heapUsed - heapBefore);
        if (aggregation === 'client') {
          const heapBeforeRules = process.memoryUsage().heapUsed;
          const t1 = performance.now();
          const result = evaluate(usage);
          const t2 = performance.now();
          evaluateTimes.push(t2 - t1);
          totalTimes.push(t2 - t0);
          ruleHeap = Math.max(ruleHeap, process.memoryUsage().heapUsed - heapBeforeRules);
          if (typeof result === 'number') decisions = result;
        }
        gc();
        retained = Math.max(retained, process.memoryUsage().heapUsed - heapBefore);
        if (usage.length !== pods) throw new Error(`expected ${pods} pods, got ${usage.length}`);
      }
      const sorted = [...queryTimes].sort((a, b) => a - b);
      console.log(
        `${aggregation === 'client' ? 'default (client) aggregation' : 'server aggregation (GROUP BY time, pod)'}: query+parse ${pods} pods × 3 windows: median ${ms(median(queryTimes))} (min ${ms(sorted[0])}, max ${ms(sorted[sorted.length - 1])}, ${runs} runs)${aggregation === 'client' ? ' — target < 1000 ms' : ''}`,
      );
      if (evaluateTimes.length > 0) {
        const sortedRules = [...evaluateTimes].sort((a, b) => a - b);
        console.log(
          `  rule evaluation: median ${ms(median(evaluateTimes))} (min ${ms(sortedRules[0])}, max ${ms(sortedRules[sortedRules.length - 1])}), heap +${mb(ruleHeap)} (no gc between), ${decisions} captures decided`,
        );
        console.log(`  one evaluation (query + rules): median ${ms(median(totalTimes))} — target < 1000 ms`);
      }
      console.log(`  heap: grows ${mb(grown)} during one evaluation, the result keeps ${mb(retained)}`);
      const { text } = buildInfluxQlQuery(resolveInfluxSchema(), windowGrid(fixture.query), [], aggregation);
      const serverTimes: number[] = [];
      for (let r = 0; r < runs; r++) {
        const t0 = performance.now();
        const params = new URLSearchParams({ db: 'k8s', epoch: 'ms', chunked: 'true', chunk_size: '10000', q: text });
        const res = await fetch(`${fixture.server.url}/query`, { method: 'POST', body: params });
        const bytes = (await res.arrayBuffer()).byteLength;
        serverTimes.push(performance.now() - t0);
        if (r === 0) console.log(`  answer: ${mb(bytes)} of chunked JSON`);
      }
      console.log(`  of which influxd answering (request + body, no parsing): median ${ms(median(serverTimes))}`);
    }
    await parseOnly(pods, runs, fixture.query);
    console.log(`rss ${mb(process.memoryUsage().rss)}`);
  } finally {
    await fixture.stop();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  });
}
