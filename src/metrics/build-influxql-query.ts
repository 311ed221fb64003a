/**
 * The InfluxQL of one evaluation: one SELECT per series, joined with `;` so a
 * single HTTP request answers all of them, each
 *
 *   SELECT mean("value") FROM "default"."cpu/usage_rate"
 *   WHERE "type" = 'pod' AND ("namespace_name" = 'a' OR …)
 *     AND time >= 1700000000000ms AND time < 1700000180000ms
 *   GROUP BY time(60s), "namespace_name", "pod_name" fill(none)
 *
 * The statement's index says which series its rows are. Namespaces are an OR
 * of equalities (exact match, no regex escaping to get wrong); `fill(none)`
 * leaves windows without data out, which the accumulator turns into
 * undefined.
 */
import { type InfluxSchema, type InfluxSeriesSpec, influxSeriesSpecs } from './influx-schema.ts';
import { quoteIdentifier, quoteString } from './influxql-quote.ts';
import type { WindowGrid } from './window-grid.ts';

/** The query text and, per statement index, the series it answers. */
export interface InfluxQlQuery {
  readonly text: string;
  readonly statements: readonly InfluxSeriesSpec[];
}

/** Builds the statements for `grid` restricted to `namespaces` (empty = all). */
export function buildInfluxQlQuery(schema: InfluxSchema, grid: WindowGrid, namespaces: readonly string[]): InfluxQlQuery {
  const statements = influxSeriesSpecs(schema);
  const conditions: string[] = [];
  if (schema.typeTag !== '') conditions.push(`${quoteIdentifier(schema.typeTag)} = ${quoteString(schema.typeValue)}`);
  if (namespaces.length > 0) {
    const tag = quoteIdentifier(schema.namespaceTag);
    const ors = [...new Set(namespaces)].map((ns) => `${tag} = ${quoteString(ns)}`);
    conditions.push(ors.length === 1 ? ors[0] : `(${ors.join(' OR ')})`);
  }
  conditions.push(`time >= ${grid.start}ms AND time < ${grid.end}ms`);
  const where = conditions.join(' AND ');
  const offset = grid.offsetMs === 0 ? '' : `, ${grid.offsetMs}ms`;
  const groupBy = `time(${grid.windowMs}ms${offset}), ${quoteIdentifier(schema.namespaceTag)}, ${quoteIdentifier(schema.podTag)}`;
  const rp = schema.retentionPolicy === '' ? '' : `${quoteIdentifier(schema.retentionPolicy)}.`;
  const text = statements
    .map(
      (s) =>
        `SELECT mean(${quoteIdentifier(s.field)}) FROM ${rp}${quoteIdentifier(s.measurement)} WHERE ${where} GROUP BY ${groupBy} fill(none)`,
    )
    .join('; ');
  return { text, statements };
}
