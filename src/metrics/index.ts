/**
 * Pod resource usage for the auto-profiler, from InfluxDB (InfluxQL or Flux,
 * heapster's schema by default) or Prometheus (cAdvisor + kube-state-metrics),
 * one query per evaluation for all pods, in the plain types of usage-source.
 */
export type { PodUsage, Resource, UsageQuery, UsageSource, UsageWindow } from './usage-source.ts';
export { MAX_WINDOW_SECONDS, MAX_WINDOWS, type WindowGrid, windowGrid } from './window-grid.ts';
export { USAGE_SERIES, type UsageField, type UsageSeries } from './usage-accumulator.ts';
export type { EndpointAuth } from './metrics-endpoint.ts';
export {
  HEAPSTER_INFLUX_SCHEMA,
  type InfluxSchema,
  type InfluxSchemaOptions,
  resolveInfluxSchema,
} from './influx-schema.ts';
export { buildInfluxQlQuery, type InfluxQlAggregation, type InfluxQlQuery } from './build-influxql-query.ts';
export { createInfluxQlSource, INFLUXQL_DEFAULTS, type InfluxQlSourceOptions } from './create-influxql-source.ts';
export { buildFluxQuery, type FluxQuery, fluxString } from './build-flux-query.ts';
export { createFluxSource, FLUX_DEFAULTS, type FluxSourceOptions } from './create-flux-source.ts';
export {
  buildPromQlQuery,
  DEFAULT_PROMETHEUS_SCHEMA,
  type PrometheusLabelNames,
  type PrometheusMetricNames,
  type PrometheusSchema,
  type PrometheusSchemaOptions,
  type PromQlQuery,
  resolvePrometheusSchema,
} from './build-promql-query.ts';
export { createPrometheusSource, PROMETHEUS_DEFAULTS, type PrometheusSourceOptions } from './create-prometheus-source.ts';
