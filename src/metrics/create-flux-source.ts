/**
 * Pod usage from InfluxDB 2.x (or 1.8+ with flux-enabled) over Flux, through
 * the official @influxdata/influxdb-client. One query per evaluation (see
 * build-flux-query); its annotated-CSV tables are read row by row as they
 * stream, never collected, and mapped into the same accumulator the InfluxQL
 * source uses, so both give identical PodUsage for identical data.
 *
 * The client's own `timeout` is an idle-socket timeout; the deadline here
 * covers the whole answer, and the caller's AbortSignal cancels the request.
 */
import { type FluxTableMetaData, HttpError, InfluxDB } from '@influxdata/influxdb-client';
import { abortError, GopprofError, isGopprofError } from '../errors.ts';
import { buildFluxQuery } from './build-flux-query.ts';
import type { InfluxSeriesSpec } from './influx-schema.ts';
import { type InfluxSchemaOptions, resolveInfluxSchema } from './influx-schema.ts';
import { metricsEndpoint } from './metrics-endpoint.ts';
import { backendMessage } from './metrics-request.ts';
import { type PodRow, seriesSlot, type UsageAccumulator, createUsageAccumulator } from './usage-accumulator.ts';
import type { UsageSource } from './usage-source.ts';
import { windowGrid } from './window-grid.ts';

/** Options of createFluxSource; `url` and `org` are required. */
export interface FluxSourceOptions {
  /** Base URL, e.g. `http://influxdb.monitoring:8086`. */
  readonly url: string;
  /** Organization name or ID (InfluxDB 1.8 ignores it). */
  readonly org: string;
  /** API token, sent as `Authorization: Token …`; for 1.8 `username:password`. */
  readonly token?: string;
  /** Default `<database>/<retentionPolicy>` of the schema: `k8s/default` for heapster. */
  readonly bucket?: string;
  readonly schema?: InfluxSchemaOptions;
  /** Deadline for one evaluation, the whole answer included. */
  readonly timeoutMs?: number;
  /** Extra headers for every request; values may be secret. */
  readonly headers?: Readonly<Record<string, string>>;
}

/** Defaults of FluxSourceOptions. */
export const FLUX_DEFAULTS = { timeoutMs: 10_000 } as const;

/**
 * A UsageSource over Flux. Options are checked here (OPTION_INVALID); query()
 * rejects with METRICS_UNAVAILABLE (unreachable, HTTP error with InfluxDB's
 * message, an error table in the answer, deadline) or ABORTED.
 */
export function createFluxSource(options: FluxSourceOptions): UsageSource {
  const schema = resolveInfluxSchema(options.schema);
  // Validates the URL and header values; the client gets the token itself.
  const endpoint = metricsEndpoint(options.url, { headers: options.headers }, 'Token');
  if (typeof options.org !== 'string') {
    throw new GopprofError('OPTION_INVALID', 'org must be a string', { details: { option: 'org' } });
  }
  const bucket = options.bucket ?? (schema.retentionPolicy ? `${schema.database}/${schema.retentionPolicy}` : schema.database);
  const timeoutMs = options.timeoutMs ?? FLUX_DEFAULTS.timeoutMs;
  if (!Number.isInteger(timeoutMs) || timeoutMs < 1 || timeoutMs > 2 ** 31 - 1) {
    throw new GopprofError('OPTION_INVALID', `timeoutMs must be a positive integer, got ${String(timeoutMs)}`, {
      details: { option: 'timeoutMs' },
    });
  }
  const client = new InfluxDB({ url: endpoint.base, token: options.token, timeout: timeoutMs, headers: { ...endpoint.headers } });
  const queryApi = client.getQueryApi({ org: options.org, gzip: false });
  const description = `flux ${endpoint.shown} org=${options.org} bucket=${bucket}`;

  return {
    describe: () => description,
    async query(q, signal) {
      const grid = windowGrid(q);
      if (signal?.aborted) throw abortError(signal, description);
      const { text, series } = buildFluxQuery(schema, bucket, grid, q.namespaces);
      const acc = createUsageAccumulator(grid);
      const reader = createRowReader(series, acc, schema.namespaceTag, schema.podTag, description);
      await new Promise<void>((resolve, reject) => {
        let cancel: (() => void) | undefined;
        let settled = false;
        const finish = (err?: unknown): void => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          signal?.removeEventListener('abort', onAbort);
          if (err === undefined) resolve();
          else {
            cancel?.();
            reject(err);
          }
        };
        const onAbort = (): void => finish(abortError(signal as AbortSignal, description));
        const timer = setTimeout(
          () => finish(new GopprofError('METRICS_UNAVAILABLE', `${description}: no complete answer within ${timeoutMs} ms`)),
          timeoutMs,
        );
        signal?.addEventListener('abort', onAbort, { once: true });
        queryApi.queryRows(text, {
          next(values, meta) {
            if (settled) return;
            try {
              reader(values, meta);
            } catch (err) {
              finish(err);
            }
          },
          error: (err) => finish(fluxError(err, description)),
          complete: () => finish(),
          useCancellable: (c) => {
            cancel = () => c.cancel();
          },
        });
      });
      return acc.finish();
    },
  };
}

/** Where the columns a reader needs sit in one table's rows. */
interface Columns {
  /** Index of an error table's message column, or -1. */
  readonly error: number;
  readonly time: number;
  readonly value: number;
  readonly measurement: number;
  readonly field: number;
  readonly namespace: number;
  readonly pod: number;
  readonly defaults: readonly string[];
}

function createRowReader(
  series: ReadonlyMap<string, readonly InfluxSeriesSpec[]>,
  acc: UsageAccumulator,
  namespaceTag: string,
  podTag: string,
  label: string,
): (values: string[], meta: FluxTableMetaData) => void {
  const slots = new Map([...series].map(([key, specs]) => [key, specs.map((s) => ({ slot: seriesSlot(s.series), scale: s.scale }))]));
  let lastMeta: FluxTableMetaData | undefined;
  let columns: Columns | undefined;
  let lastPodKey = '';
  let row: PodRow | undefined;
  return (values, meta) => {
    if (meta !== lastMeta) {
      lastMeta = meta;
      columns = columnsOf(meta, namespaceTag, podTag, label);
    }
    const c = columns as Columns;
    const get = (i: number): string => (values[i] === '' ? c.defaults[i] : values[i]);
    if (c.error >= 0) {
      throw new GopprofError('METRICS_UNAVAILABLE', `${label}: influxdb answered an error: ${get(c.error)}`, {
        details: { source: 'flux' },
      });
    }
    const targets = slots.get(get(c.measurement) + '\u0000' + get(c.field));
    const rawValue = get(c.value);
    if (targets === undefined || rawValue === '') return;
    const namespace = get(c.namespace);
    const pod = get(c.pod);
    if (pod === '') return;
    const podKey = namespace + '\u0000' + pod;
    if (podKey !== lastPodKey || row === undefined) {
      lastPodKey = podKey;
      row = acc.row(namespace, pod);
    }
    const time = Date.parse(get(c.time));
    const value = Number(rawValue);
    for (const t of targets) acc.add(row, t.slot, time, value * t.scale);
  };
}

function columnsOf(meta: FluxTableMetaData, namespaceTag: string, podTag: string, label: string): Columns {
  const index = (label: string): number => meta.columns.findIndex((c) => c.label === label);
  const columns = {
    error: index('error'),
    time: index('_time'),
    value: index('_value'),
    measurement: index('_measurement'),
    field: index('_field'),
    namespace: index(namespaceTag),
    pod: index(podTag),
    defaults: meta.columns.map((c) => c.defaultValue ?? ''),
  };
  // InfluxDB reports failures after the answer started as a table of `error, reference`.
  if (columns.error >= 0) return columns;
  const missing = Object.entries(columns).filter(([k, i]) => i === -1 && k !== 'error');
  if (missing.length > 0) {
    throw new GopprofError(
      'METRICS_UNAVAILABLE',
      `${label}: the answer has no ${missing.map(([k]) => k).join(', ')} column (columns: ${meta.columns.map((c) => c.label).join(', ')})`,
    );
  }
  return columns;
}

function fluxError(err: unknown, label: string): GopprofError {
  if (isGopprofError(err)) return err;
  if (err instanceof HttpError) {
    return new GopprofError('METRICS_UNAVAILABLE', `${label}: HTTP ${err.statusCode}: ${backendMessage(err.body ?? '')}`, {
      cause: err,
      details: { source: 'flux', status: err.statusCode },
    });
  }
  const code = (err as { code?: unknown })?.code;
  const reason = typeof code === 'string' ? code : err instanceof Error ? err.message : String(err);
  return new GopprofError('METRICS_UNAVAILABLE', `${label}: unreachable (${reason})`, { cause: err, details: { source: 'flux' } });
}
