/**
 * The Flux of one evaluation (InfluxDB 2.x, or 1.8+ with flux-enabled):
 *
 *   from(bucket: "k8s/default")
 *     |> range(start: 2026-11-02T10:00:00.000Z, stop: 2026-11-02T10:03:00.000Z)
 *     |> filter(fn: (r) => (r["_measurement"] == "cpu/usage_rate" and r["_field"] == "value") or …)
 *     |> filter(fn: (r) => r["type"] == "pod")
 *     |> filter(fn: (r) => r["namespace_name"] == "a" or …)
 *     |> group(columns: ["_measurement", "_field", "namespace_name", "pod_name", "type"])
 *     |> aggregateWindow(every: 60000ms, offset: 0ms, fn: mean, createEmpty: false, timeSrc: "_start")
 *
 * Every filter is a plain equality so the storage engine pushes it down. The
 * group() merges whatever other tags a writer adds (node, labels) into one
 * table per pod and series before averaging; `timeSrc: "_start"` stamps each
 * mean with its window's start, which is what UsageWindow.start means.
 */
import { type InfluxSchema, type InfluxSeriesSpec, influxSeriesSpecs } from './influx-schema.ts';
import type { WindowGrid } from './window-grid.ts';

/** The query text and the series each (measurement, field) pair answers. */
export interface FluxQuery {
  readonly text: string;
  /** Key `measurement + "\0" + field` → the series it feeds (usually one). */
  readonly series: ReadonlyMap<string, readonly InfluxSeriesSpec[]>;
}

/** Builds the query over `bucket` for `grid` restricted to `namespaces` (empty = all). */
export function buildFluxQuery(
  schema: InfluxSchema,
  bucket: string,
  grid: WindowGrid,
  namespaces: readonly string[],
): FluxQuery {
  const specs = influxSeriesSpecs(schema);
  const series = new Map<string, InfluxSeriesSpec[]>();
  for (const spec of specs) {
    const key = spec.measurement + '\u0000' + spec.field;
    const list = series.get(key);
    if (list) list.push(spec);
    else series.set(key, [spec]);
  }
  const pairs = [...series.values()].map(
    ([s]) => `(r["_measurement"] == ${fluxString(s.measurement)} and r["_field"] == ${fluxString(s.field)})`,
  );
  const lines = [
    `from(bucket: ${fluxString(bucket)})`,
    `  |> range(start: ${new Date(grid.start).toISOString()}, stop: ${new Date(grid.end).toISOString()})`,
    `  |> filter(fn: (r) => ${pairs.join(' or ')})`,
  ];
  if (schema.typeTag !== '') {
    lines.push(`  |> filter(fn: (r) => r[${fluxString(schema.typeTag)}] == ${fluxString(schema.typeValue)})`);
  }
  if (namespaces.length > 0) {
    const ns = fluxString(schema.namespaceTag);
    lines.push(`  |> filter(fn: (r) => ${[...new Set(namespaces)].map((n) => `r[${ns}] == ${fluxString(n)}`).join(' or ')})`);
  }
  const groupColumns = ['_measurement', '_field', schema.namespaceTag, schema.podTag];
  if (schema.typeTag !== '') groupColumns.push(schema.typeTag);
  lines.push(
    `  |> group(columns: [${groupColumns.map(fluxString).join(', ')}])`,
    `  |> aggregateWindow(every: ${grid.windowMs}ms, offset: ${grid.offsetMs}ms, fn: mean, createEmpty: false, timeSrc: "_start")`,
  );
  return { text: lines.join('\n'), series };
}

/**
 * `s` as a Flux string literal: backslash, quote and `${` (interpolation) are
 * escaped, and so are line breaks and tabs to keep the query one statement
 * per line.
 */
export function fluxString(s: string): string {
  const escaped = s.replace(/[\\"\n\r\t]|\$\{/g, (c) => {
    switch (c) {
      case '\n':
        return '\\n';
      case '\r':
        return '\\r';
      case '\t':
        return '\\t';
      case '${':
        return '\\${';
      default:
        return `\\${c}`;
    }
  });
  return `"${escaped}"`;
}
