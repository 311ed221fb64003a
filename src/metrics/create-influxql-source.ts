/**
 * Pod usage from InfluxDB over InfluxQL (`/query`), the API InfluxDB 1.x
 * speaks natively and 2.x (v1 compatibility) and 3.x also answer. One HTTP
 * request per evaluation carries one SELECT per series (the points, averaged
 * per window here, or InfluxDB's per-window means); the answer is read
 * as chunked JSON by default, as it streams, so tens of thousands of pods
 * neither hit the server's max-row-limit nor need the whole body in memory.
 */
import { GopprofError } from '../errors.ts';
import { buildInfluxQlQuery, type InfluxQlAggregation } from './build-influxql-query.ts';
import { type InfluxSchemaOptions, resolveInfluxSchema } from './influx-schema.ts';
import { type EndpointAuth, metricsEndpoint } from './metrics-endpoint.ts';
import { metricsRequest } from './metrics-request.ts';
import { createInfluxQlResultReader } from './read-influxql-results.ts';
import { createUsageAccumulator } from './usage-accumulator.ts';
import type { UsageSource } from './usage-source.ts';
import { windowGrid } from './window-grid.ts';

/** Options of createInfluxQlSource; only `url` is required. */
export interface InfluxQlSourceOptions extends EndpointAuth {
  /** Base URL, e.g. `http://influxdb.monitoring:8086` (credentials in it become basic auth). */
  readonly url: string;
  readonly schema?: InfluxSchemaOptions;
  /** Deadline for one evaluation's request, body included. */
  readonly timeoutMs?: number;
  /** POST (default) keeps long namespace lists out of URLs and access logs. */
  readonly method?: 'GET' | 'POST';
  /** Who averages a window's points; see build-influxql-query for the trade-off. */
  readonly aggregation?: InfluxQlAggregation;
  /** Rows per chunk of a chunked answer; 0 = ask for one plain JSON answer. */
  readonly chunkSize?: number;
  /** The fetch to use; default the global one. */
  readonly fetch?: typeof fetch;
}

/** Defaults of InfluxQlSourceOptions. */
export const INFLUXQL_DEFAULTS = {
  timeoutMs: 10_000,
  method: 'POST',
  aggregation: 'client',
  chunkSize: 10_000,
  tokenScheme: 'Token',
} as const;

/**
 * A UsageSource reading heapster-shaped (or configured) measurements over
 * InfluxQL. Options are checked here (OPTION_INVALID); query() rejects with
 * METRICS_UNAVAILABLE or ABORTED.
 */
export function createInfluxQlSource(options: InfluxQlSourceOptions): UsageSource {
  const schema = resolveInfluxSchema(options.schema);
  const endpoint = metricsEndpoint(options.url, options, INFLUXQL_DEFAULTS.tokenScheme);
  const timeoutMs = options.timeoutMs ?? INFLUXQL_DEFAULTS.timeoutMs;
  const method = options.method ?? INFLUXQL_DEFAULTS.method;
  const chunkSize = options.chunkSize ?? INFLUXQL_DEFAULTS.chunkSize;
  checkInteger('timeoutMs', timeoutMs, 1, 2 ** 31 - 1);
  checkInteger('chunkSize', chunkSize, 0, 1_000_000);
  const aggregation = options.aggregation ?? INFLUXQL_DEFAULTS.aggregation;
  if (aggregation !== 'client' && aggregation !== 'server') {
    throw new GopprofError('OPTION_INVALID', `aggregation must be client or server, got ${String(aggregation)}`, {
      details: { option: 'aggregation' },
    });
  }
  if (method !== 'GET' && method !== 'POST') {
    throw new GopprofError('OPTION_INVALID', `method must be GET or POST, got ${String(method)}`, { details: { option: 'method' } });
  }
  const fetchFn = options.fetch ?? globalThis.fetch;
  const description = `influxql ${endpoint.shown} db=${schema.database}${schema.retentionPolicy ? ` rp=${schema.retentionPolicy}` : ''}`;

  return {
    describe: () => description,
    async query(q, signal) {
      const grid = windowGrid(q);
      const { text, statements } = buildInfluxQlQuery(schema, grid, q.namespaces, aggregation);
      const params = new URLSearchParams({ db: schema.database, epoch: 'ms', q: text });
      if (chunkSize > 0) {
        params.set('chunked', 'true');
        params.set('chunk_size', String(chunkSize));
      }
      const acc = createUsageAccumulator(grid);
      const reader = createInfluxQlResultReader(statements, acc, {
        label: description,
        chunked: chunkSize > 0,
        aggregation,
        namespaceTag: schema.namespaceTag,
        podTag: schema.podTag,
      });
      await metricsRequest(
        { what: 'influxql', endpoint, path: '/query', method, params, accept: 'application/json', timeoutMs, signal, fetch: fetchFn },
        async (res) => {
          if (chunkSize > 0) await readLines(res, (line) => reader.add(parseJson(line, description)));
          else reader.add(parseJson(await res.text(), description));
        },
      );
      reader.finish();
      return acc.finish();
    },
  };
}

/** Calls `onLine` for every non-empty line of the body as it arrives. */
async function readLines(res: Response, onLine: (line: string) => void): Promise<void> {
  if (res.body === null) return;
  let pending = '';
  for await (const text of res.body.pipeThrough(new TextDecoderStream())) {
    pending += text;
    let from = 0;
    for (let nl = pending.indexOf('\n'); nl >= 0; nl = pending.indexOf('\n', from)) {
      if (nl > from) onLine(pending.slice(from, nl));
      from = nl + 1;
    }
    pending = pending.slice(from);
  }
  if (pending.trim() !== '') onLine(pending);
}

function parseJson(text: string, label: string): unknown {
  try {
    return JSON.parse(text);
  } catch (cause) {
    throw new GopprofError('METRICS_UNAVAILABLE', `${label}: the answer is not JSON`, { cause });
  }
}

function checkInteger(name: string, value: number, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new GopprofError('OPTION_INVALID', `${name} must be an integer from ${min} to ${max}, got ${String(value)}`, {
      details: { option: name },
    });
  }
}
