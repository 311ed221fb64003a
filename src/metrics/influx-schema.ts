/**
 * Where pod usage lives in InfluxDB: database, retention policy, one
 * measurement per metric, the value field and the tags. Defaults are
 * heapster's InfluxDB sink (the schema most clusters that still write pod
 * metrics to InfluxDB have); every name can be changed for other writers, and
 * a per-metric scale converts units (e.g. nanocores → millicores).
 */
import { GopprofError } from '../errors.ts';
import { USAGE_SERIES, type UsageSeries } from './usage-accumulator.ts';

/** The schema both InfluxDB sources read. */
export interface InfluxSchema {
  readonly database: string;
  /** '' = the database's default retention policy. */
  readonly retentionPolicy: string;
  /**
   * Measurement per series; '' = not queried. `memoryUsageFallback` is read
   * only for windows where `memoryUsage` has no value.
   */
  readonly measurements: Readonly<Record<UsageSeries, string>>;
  /** The value field of every measurement unless `fields` names another. */
  readonly field: string;
  readonly fields: Readonly<Partial<Record<UsageSeries, string>>>;
  /** Multiplier per series to reach millicores (CPU) and bytes (memory); default 1. */
  readonly scales: Readonly<Partial<Record<UsageSeries, number>>>;
  readonly namespaceTag: string;
  readonly podTag: string;
  /** Tag restricting rows to pod-level aggregates; '' = no such filter. */
  readonly typeTag: string;
  readonly typeValue: string;
}

/** What callers may pass: any part of the schema, measurements merged per series. */
export type InfluxSchemaOptions = Partial<Omit<InfluxSchema, 'measurements'>> & {
  readonly measurements?: Readonly<Partial<Record<UsageSeries, string>>>;
};

/** Heapster's InfluxDB sink: database k8s, policy default, `cpu/usage_rate` in millicores… */
export const HEAPSTER_INFLUX_SCHEMA: InfluxSchema = Object.freeze({
  database: 'k8s',
  retentionPolicy: 'default',
  measurements: Object.freeze({
    cpuUsage: 'cpu/usage_rate',
    cpuLimit: 'cpu/limit',
    cpuRequest: 'cpu/request',
    memoryUsage: 'memory/working_set',
    memoryLimit: 'memory/limit',
    memoryRequest: 'memory/request',
    memoryUsageFallback: 'memory/usage',
  }),
  field: 'value',
  fields: Object.freeze({}),
  scales: Object.freeze({}),
  namespaceTag: 'namespace_name',
  podTag: 'pod_name',
  typeTag: 'type',
  typeValue: 'pod',
});

/** One series to query: its measurement, field and scale. */
export interface InfluxSeriesSpec {
  readonly series: UsageSeries;
  readonly measurement: string;
  readonly field: string;
  readonly scale: number;
}

/** Merges `options` over heapster's schema and checks it; OPTION_INVALID lists every problem. */
export function resolveInfluxSchema(options: InfluxSchemaOptions = {}): InfluxSchema {
  const d = HEAPSTER_INFLUX_SCHEMA;
  const schema: InfluxSchema = {
    ...d,
    ...options,
    measurements: Object.freeze({ ...d.measurements, ...options.measurements }),
    fields: Object.freeze({ ...options.fields }),
    scales: Object.freeze({ ...options.scales }),
  };
  const problems: string[] = [];
  for (const name of ['database', 'field', 'namespaceTag', 'podTag'] as const) {
    if (typeof schema[name] !== 'string' || schema[name] === '') problems.push(`${name} must be a non-empty string`);
  }
  for (const name of ['retentionPolicy', 'typeTag', 'typeValue'] as const) {
    if (typeof schema[name] !== 'string') problems.push(`${name} must be a string`);
  }
  for (const [series, m] of Object.entries(schema.measurements)) {
    if (!USAGE_SERIES.includes(series as UsageSeries)) problems.push(`measurements.${series} is not a usage series`);
    else if (typeof m !== 'string') problems.push(`measurements.${series} must be a string`);
  }
  for (const [series, f] of Object.entries(schema.fields)) {
    if (typeof f !== 'string' || f === '') problems.push(`fields.${series} must be a non-empty string`);
  }
  for (const [series, s] of Object.entries(schema.scales)) {
    if (typeof s !== 'number' || !Number.isFinite(s) || s <= 0) problems.push(`scales.${series} must be a positive number`);
  }
  if (influxSeriesSpecs(schema).length === 0) problems.push('no measurement to query');
  if (problems.length > 0) {
    throw new GopprofError('OPTION_INVALID', `influx schema: ${problems.join('; ')}`, { details: { option: 'schema' } });
  }
  return Object.freeze(schema);
}

/** The series a schema queries, in slot order, skipping those without a measurement. */
export function influxSeriesSpecs(schema: InfluxSchema): InfluxSeriesSpec[] {
  const specs: InfluxSeriesSpec[] = [];
  for (const series of USAGE_SERIES) {
    const measurement = schema.measurements[series];
    if (!measurement) continue;
    specs.push({ series, measurement, field: schema.fields[series] ?? schema.field, scale: schema.scales[series] ?? 1 });
  }
  return specs;
}
