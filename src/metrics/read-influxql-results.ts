/**
 * Reads InfluxDB's `/query` JSON into the accumulator: one object for a plain
 * answer, or a stream of them (one per line) for a chunked one. Each result's
 * `statement_id` names the series. Rows are `[time ms, mean]` under a series
 * whose tags name the pod (server aggregation), or `[time ms, value,
 * namespace, pod]` (client aggregation, see build-influxql-query). Errors anywhere in the answer (top level or per
 * statement) fail the whole evaluation with InfluxDB's own message, because a
 * half-answered evaluation would look like pods without usage.
 */
import { GopprofError } from '../errors.ts';
import type { InfluxSeriesSpec } from './influx-schema.ts';
import type { InfluxQlAggregation } from './build-influxql-query.ts';
import { type PodRow, seriesSlot, type UsageAccumulator } from './usage-accumulator.ts';

/** Consumes answer objects as they arrive. */
export interface InfluxQlResultReader {
  /** One parsed JSON object: the whole answer, or one chunk. */
  add(answer: unknown): void;
  /** Throws METRICS_UNAVAILABLE if the answer carried an error or was truncated. */
  finish(): void;
  /** Values kept so far. */
  readonly values: number;
}

interface Context {
  readonly label: string;
  readonly chunked: boolean;
  readonly aggregation: InfluxQlAggregation;
  readonly namespaceTag: string;
  readonly podTag: string;
}

/** InfluxDB's placeholder for statements after a failed one; the real error is elsewhere. */
const NOT_EXECUTED = 'not executed';

/** A reader for the statements of one query. */
export function createInfluxQlResultReader(
  statements: readonly InfluxSeriesSpec[],
  acc: UsageAccumulator,
  ctx: Context,
): InfluxQlResultReader {
  const slots = statements.map((s) => seriesSlot(s.series));
  let error: string | undefined;
  let truncated = false;
  let nonNumeric: string | undefined;
  let values = 0;
  const fail = (message: string): void => {
    if (error === undefined || (error === NOT_EXECUTED && message !== NOT_EXECUTED)) error = message;
  };

  return {
    get values() {
      return values;
    },
    add(answer) {
      if (!isObject(answer)) return fail('the answer is not a JSON object');
      if (typeof answer.error === 'string') return fail(answer.error);
      if (!Array.isArray(answer.results)) return fail('the answer has no results');
      for (const result of answer.results as unknown[]) {
        if (!isObject(result)) return fail('a result is not an object');
        if (typeof result.error === 'string') {
          fail(result.error);
          continue;
        }
        if (!ctx.chunked && result.partial === true) truncated = true;
        const id = result.statement_id;
        if (typeof id !== 'number' || id < 0 || id >= statements.length || !Number.isInteger(id)) {
          return fail(`unexpected statement_id ${String(id)}`);
        }
        if (result.series === undefined) continue;
        if (!Array.isArray(result.series)) return fail('series is not a list');
        for (const series of result.series as unknown[]) values += readSeries(series, id);
      }
    },
    finish() {
      if (error !== undefined) {
        // InfluxDB 1.x's plain (non-chunked) answer to several statements keeps
        // only the placeholder of the statements after the failed one.
        const hint = error === NOT_EXECUTED && !ctx.chunked ? ' (plain answers hide the failing statement; chunked ones name it)' : '';
        throw new GopprofError('METRICS_UNAVAILABLE', `${ctx.label}: influxdb answered an error: ${error}${hint}`, {
          details: { influxError: error },
        });
      }
      if (nonNumeric !== undefined) {
        throw new GopprofError('METRICS_UNAVAILABLE', `${ctx.label}: a value is not a number: ${nonNumeric}`);
      }
      if (truncated) {
        throw new GopprofError(
          'METRICS_UNAVAILABLE',
          `${ctx.label}: influxdb truncated the answer (its max-row-limit); query with chunked answers instead`,
        );
      }
    },
  };

  function readSeries(series: unknown, id: number): number {
    const slot = slots[id];
    const scale = statements[id].scale;
    if (!isObject(series) || !Array.isArray(series.values)) return 0;
    if (!ctx.chunked && series.partial === true) truncated = true;
    const columns = Array.isArray(series.columns) ? (series.columns as unknown[]) : [];
    if (columns[0] !== 'time') return 0;
    let kept = 0;
    if (ctx.aggregation === 'server') {
      const tags = isObject(series.tags) ? series.tags : {};
      const pod = tags[ctx.podTag];
      const namespace = tags[ctx.namespaceTag];
      if (typeof pod !== 'string' || pod === '' || typeof namespace !== 'string') return 0;
      const row = acc.row(namespace, pod);
      for (const point of series.values as unknown[]) {
        if (!Array.isArray(point)) continue;
        const [time, value] = point as unknown[];
        if (typeof time === 'number' && typeof value === 'number' && acc.add(row, slot, time, value * scale)) kept++;
      }
      return kept;
    }
    // Rows arrive ordered by time, then series: remember the last pod's row.
    let lastNamespace: unknown;
    let lastPod: unknown;
    let row: PodRow | undefined;
    for (const point of series.values as unknown[]) {
      if (!Array.isArray(point)) continue;
      const [time, value, namespace, pod] = point as unknown[];
      if (typeof value !== 'number') {
        // mean() would have refused it: a string or boolean field is a schema mistake, not "no data".
        if (value !== null) nonNumeric ??= `${statements[id].measurement}.${statements[id].field} = ${JSON.stringify(value)}`;
        continue;
      }
      if (typeof time !== 'number') continue;
      if (namespace !== lastNamespace || pod !== lastPod) {
        lastNamespace = namespace;
        lastPod = pod;
        row = typeof pod === 'string' && pod !== '' && typeof namespace === 'string' ? acc.row(namespace, pod) : undefined;
      }
      if (row !== undefined && acc.add(row, slot, time, value * scale)) kept++;
    }
    return kept;
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
