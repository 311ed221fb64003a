/**
 * Pod usage from Prometheus (cAdvisor + kube-state-metrics) over its HTTP
 * API: one `/api/v1/query_range` request per evaluation (see
 * build-promql-query for the expression and how windows map to steps).
 */
import { GopprofError } from '../errors.ts';
import {
  buildPromQlQuery,
  type PrometheusSchemaOptions,
  resolvePrometheusSchema,
  SERIES_LABEL,
} from './build-promql-query.ts';
import { type EndpointAuth, metricsEndpoint } from './metrics-endpoint.ts';
import { metricsRequest } from './metrics-request.ts';
import { createUsageAccumulator, USAGE_SERIES, type UsageSeries, seriesSlot } from './usage-accumulator.ts';
import type { UsageSource } from './usage-source.ts';
import { windowGrid } from './window-grid.ts';

/** Options of createPrometheusSource; only `url` is required. */
export interface PrometheusSourceOptions extends EndpointAuth {
  /** Base URL, e.g. `http://prometheus.monitoring:9090` (or a path prefix behind a proxy). */
  readonly url: string;
  readonly schema?: PrometheusSchemaOptions;
  /** Deadline for one evaluation's request, body included; also sent as the query's `timeout`. */
  readonly timeoutMs?: number;
  /** POST (default) keeps long expressions out of URLs and access logs. */
  readonly method?: 'GET' | 'POST';
  /** The fetch to use; default the global one. */
  readonly fetch?: typeof fetch;
}

/** Defaults of PrometheusSourceOptions. */
export const PROMETHEUS_DEFAULTS = { timeoutMs: 10_000, method: 'POST', tokenScheme: 'Bearer' } as const;

/**
 * A UsageSource reading Prometheus. Options are checked here
 * (OPTION_INVALID); query() rejects with METRICS_UNAVAILABLE (with
 * Prometheus' own error message) or ABORTED.
 */
export function createPrometheusSource(options: PrometheusSourceOptions): UsageSource {
  const schema = resolvePrometheusSchema(options.schema);
  const endpoint = metricsEndpoint(options.url, options, PROMETHEUS_DEFAULTS.tokenScheme);
  const timeoutMs = options.timeoutMs ?? PROMETHEUS_DEFAULTS.timeoutMs;
  const method = options.method ?? PROMETHEUS_DEFAULTS.method;
  if (!Number.isInteger(timeoutMs) || timeoutMs < 1 || timeoutMs > 2 ** 31 - 1) {
    throw new GopprofError('OPTION_INVALID', `timeoutMs must be a positive integer, got ${String(timeoutMs)}`, {
      details: { option: 'timeoutMs' },
    });
  }
  if (method !== 'GET' && method !== 'POST') {
    throw new GopprofError('OPTION_INVALID', `method must be GET or POST, got ${String(method)}`, { details: { option: 'method' } });
  }
  const fetchFn = options.fetch ?? globalThis.fetch;
  const description = `prometheus ${endpoint.shown}`;
  const { namespace: namespaceLabel, pod: podLabel } = schema.labels;

  return {
    describe: () => description,
    async query(q, signal) {
      const grid = windowGrid(q);
      const promQl = buildPromQlQuery(schema, grid, q.namespaces);
      const params = new URLSearchParams({
        query: promQl.expression,
        start: String(promQl.start),
        end: String(promQl.end),
        step: String(promQl.step),
        timeout: `${timeoutMs}ms`,
      });
      const answer = await metricsRequest(
        { what: 'prometheus', endpoint, path: '/api/v1/query_range', method, params, accept: 'application/json', timeoutMs, signal, fetch: fetchFn },
        async (res) => {
          const text = await res.text();
          try {
            return JSON.parse(text) as unknown;
          } catch (cause) {
            throw new GopprofError('METRICS_UNAVAILABLE', `${description}: the answer is not JSON`, { cause });
          }
        },
      );
      const result = matrixOf(answer, description);
      const acc = createUsageAccumulator(grid);
      for (const series of result) {
        if (!isObject(series) || !isObject(series.metric) || !Array.isArray(series.values)) continue;
        const name = series.metric[SERIES_LABEL];
        const namespace = series.metric[namespaceLabel];
        const pod = series.metric[podLabel];
        if (typeof pod !== 'string' || pod === '' || typeof namespace !== 'string') continue;
        if (!USAGE_SERIES.includes(name as UsageSeries)) continue;
        const slot = seriesSlot(name as UsageSeries);
        const row = acc.row(namespace, pod);
        for (const point of series.values as unknown[]) {
          if (!Array.isArray(point)) continue;
          const [t, v] = point as unknown[];
          if (typeof t !== 'number' || typeof v !== 'string') continue;
          // Evaluated at the window's end: the window starts one step earlier.
          acc.add(row, slot, Math.round(t * 1000) - grid.windowMs, Number(v));
        }
      }
      return acc.finish();
    },
  };
}

function matrixOf(answer: unknown, label: string): unknown[] {
  if (!isObject(answer)) throw new GopprofError('METRICS_UNAVAILABLE', `${label}: the answer is not a JSON object`);
  if (answer.status !== 'success') {
    const message = typeof answer.error === 'string' ? answer.error : 'status is not success';
    throw new GopprofError('METRICS_UNAVAILABLE', `${label}: prometheus answered an error: ${message}`, {
      details: { errorType: typeof answer.errorType === 'string' ? answer.errorType : undefined },
    });
  }
  const data = answer.data;
  if (!isObject(data) || data.resultType !== 'matrix' || !Array.isArray(data.result)) {
    throw new GopprofError('METRICS_UNAVAILABLE', `${label}: the answer holds no matrix`);
  }
  return data.result;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
