/**
 * The PromQL of one evaluation: every series of every pod in ONE expression
 * for `/api/v1/query_range`, so one request and one consistent evaluation
 * answer all of it. Each part is summed per pod and tagged with the series it
 * is, and the parts are joined with `or` (their label sets never collide):
 *
 *   label_replace(sum by (namespace, pod) (rate(container_cpu_usage_seconds_total{container!="",container!="POD"}[60s])) * 1000,
 *                 "gopprof_series", "cpuUsage", "", "")
 *   or label_replace(sum by (namespace, pod) (avg_over_time(container_memory_working_set_bytes{…}[60s])), …"memoryUsage"…)
 *   or label_replace(sum by (namespace, pod) (avg_over_time(kube_pod_container_resource_limits{resource="cpu"}[60s])) * 1000, …)
 *   …
 *
 * Windows: query_range with `step` = the window, evaluated at each window's
 * END, with range vectors exactly one window long. So `rate(…[W])` is the mean
 * CPU usage over (end − W, end], and `avg_over_time(…[W])` the mean of the
 * samples in it — the same windows InfluxDB's GROUP BY time() gives, without
 * a subquery. (Prometheus' ranges are left-open, so a sample exactly on a
 * boundary counts for the window it ends.) The window must hold at least two
 * scrapes for rate(): 60 s windows need a scrape interval ≤ 30 s.
 *
 * `container!=""` drops cAdvisor's pod-level cgroup series and
 * `container!="POD"` the pause container, so a pod's usage is the sum of its
 * containers', counted once. Limits and requests come from kube-state-metrics
 * (v2 names: one metric per kind, a `resource` label, CPU in cores).
 */
import { GopprofError } from '../errors.ts';
import type { UsageField } from './usage-accumulator.ts';
import type { WindowGrid } from './window-grid.ts';

/** Metric names; defaults are cAdvisor's (kubelet) and kube-state-metrics v2's. */
export interface PrometheusMetricNames {
  readonly cpuUsage: string;
  readonly memoryUsage: string;
  readonly limits: string;
  readonly requests: string;
}

/** Label names on those metrics. */
export interface PrometheusLabelNames {
  readonly namespace: string;
  readonly pod: string;
  readonly container: string;
  /** kube-state-metrics' label telling cpu from memory on limits/requests. */
  readonly resource: string;
}

/** What the query reads; every name can be changed. */
export interface PrometheusSchema {
  readonly metrics: PrometheusMetricNames;
  readonly labels: PrometheusLabelNames;
  /** Values of the resource label. */
  readonly resources: { readonly cpu: string; readonly memory: string };
  /** Matchers added to every selector, e.g. `cluster="prod"` (PromQL, trusted configuration). */
  readonly extraMatchers: string;
}

/** What callers may pass: any part, merged per group. */
export interface PrometheusSchemaOptions {
  readonly metrics?: Partial<PrometheusMetricNames>;
  readonly labels?: Partial<PrometheusLabelNames>;
  readonly resources?: Partial<PrometheusSchema['resources']>;
  readonly extraMatchers?: string;
}

/** cAdvisor + kube-state-metrics v2, as most clusters' Prometheus has them. */
export const DEFAULT_PROMETHEUS_SCHEMA: PrometheusSchema = Object.freeze({
  metrics: Object.freeze({
    cpuUsage: 'container_cpu_usage_seconds_total',
    memoryUsage: 'container_memory_working_set_bytes',
    limits: 'kube_pod_container_resource_limits',
    requests: 'kube_pod_container_resource_requests',
  }),
  labels: Object.freeze({ namespace: 'namespace', pod: 'pod', container: 'container', resource: 'resource' }),
  resources: Object.freeze({ cpu: 'cpu', memory: 'memory' }),
  extraMatchers: '',
});

/** The label that tells the parts of the `or` apart in the answer. */
export const SERIES_LABEL = 'gopprof_series';

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** Merges `options` over the defaults and checks every name; OPTION_INVALID lists the problems. */
export function resolvePrometheusSchema(options: PrometheusSchemaOptions = {}): PrometheusSchema {
  const d = DEFAULT_PROMETHEUS_SCHEMA;
  const schema: PrometheusSchema = {
    metrics: Object.freeze({ ...d.metrics, ...options.metrics }),
    labels: Object.freeze({ ...d.labels, ...options.labels }),
    resources: Object.freeze({ ...d.resources, ...options.resources }),
    extraMatchers: options.extraMatchers ?? d.extraMatchers,
  };
  const problems: string[] = [];
  for (const [k, v] of Object.entries(schema.metrics)) {
    if (typeof v !== 'string' || !METRIC_NAME.test(v)) problems.push(`metrics.${k} is not a metric name: ${JSON.stringify(v)}`);
  }
  for (const [k, v] of Object.entries(schema.labels)) {
    if (typeof v !== 'string' || !LABEL_NAME.test(v) || v.startsWith('__') || v === SERIES_LABEL) {
      problems.push(`labels.${k} is not a usable label name: ${JSON.stringify(v)}`);
    }
  }
  for (const [k, v] of Object.entries(schema.resources)) {
    if (typeof v !== 'string' || v === '') problems.push(`resources.${k} must be a non-empty string`);
  }
  if (typeof schema.extraMatchers !== 'string' || /[{}\n]/.test(schema.extraMatchers)) {
    problems.push('extraMatchers must be matchers without braces or newlines, e.g. cluster="prod"');
  }
  if (problems.length > 0) {
    throw new GopprofError('OPTION_INVALID', `prometheus schema: ${problems.join('; ')}`, { details: { option: 'schema' } });
  }
  return Object.freeze(schema);
}

/** The expression of one evaluation and the query_range parameters that go with it. */
export interface PromQlQuery {
  readonly expression: string;
  /** Seconds since the epoch: the end of the first window. */
  readonly start: number;
  /** Seconds since the epoch: the end of the last window. */
  readonly end: number;
  /** Seconds: the window length. */
  readonly step: number;
}

/** Builds the expression for `grid` restricted to `namespaces` (empty = all). */
export function buildPromQlQuery(schema: PrometheusSchema, grid: WindowGrid, namespaces: readonly string[]): PromQlQuery {
  const { metrics, labels, resources } = schema;
  const range = `[${grid.windowMs / 1000}s]`;
  const common: string[] = [];
  if (namespaces.length > 0) {
    const alternatives = [...new Set(namespaces)].map(escapeRegex).join('|');
    common.push(`${labels.namespace}=~${promString(alternatives)}`);
  }
  if (schema.extraMatchers.trim() !== '') common.push(schema.extraMatchers.trim());
  const containers = [`${labels.container}!=""`, `${labels.container}!="POD"`];
  const selector = (metric: string, matchers: readonly string[]): string => `${metric}{${[...matchers, ...common].join(',')}}`;
  const resource = (r: string): string => `${labels.resource}=${promString(r)}`;
  const perPod = (inner: string): string => `sum by (${labels.namespace}, ${labels.pod}) (${inner})`;
  const parts: [UsageField, string][] = [
    ['cpuUsage', `${perPod(`rate(${selector(metrics.cpuUsage, containers)}${range})`)} * 1000`],
    ['memoryUsage', perPod(`avg_over_time(${selector(metrics.memoryUsage, containers)}${range})`)],
    ['cpuLimit', `${perPod(`avg_over_time(${selector(metrics.limits, [resource(resources.cpu)])}${range})`)} * 1000`],
    ['memoryLimit', perPod(`avg_over_time(${selector(metrics.limits, [resource(resources.memory)])}${range})`)],
    ['cpuRequest', `${perPod(`avg_over_time(${selector(metrics.requests, [resource(resources.cpu)])}${range})`)} * 1000`],
    ['memoryRequest', perPod(`avg_over_time(${selector(metrics.requests, [resource(resources.memory)])}${range})`)],
  ];
  const expression = parts.map(([series, e]) => `label_replace(${e}, "${SERIES_LABEL}", "${series}", "", "")`).join('\nor ');
  return { expression, start: (grid.start + grid.windowMs) / 1000, end: grid.end / 1000, step: grid.windowMs / 1000 };
}

/** `s` as a PromQL double-quoted string literal. */
export function promString(s: string): string {
  return JSON.stringify(s);
}

/** `s` matched literally inside an RE2 regular expression (PromQL's =~ anchors it). */
export function escapeRegex(s: string): string {
  return s.replace(/[\\^$.|?*+()[\]{}]/g, '\\$&');
}
