export { createLogger, type Logger, REDACT_PATHS } from './logger.ts';
export { type Counter, DEFAULT_BUCKETS, type Gauge, type Histogram, MetricsRegistry } from './metrics-registry.ts';
