/**
 * The capture use case: what the gRPC server and the auto-profiler call.
 */
export type * from './capture.ts';
export { createWorkerAnalyzer, type WorkerAnalyzer, type WorkerAnalyzerOptions } from './analyze-in-worker.ts';
export { createAnalyzer, reportOptionsOf, SUMMARY_TOP_N } from './analyze-profile.ts';
export { CAPTURES_PREFIX, captureKeys, isCaptureId, newCaptureId } from './capture-keys.ts';
export { type CaptureRepository, type CaptureRepositoryOptions, createCaptureRepository } from './capture-repository.ts';
export {
  type Analysis,
  type CaptureDeps,
  type CaptureLimits,
  type CaptureServiceHandle,
  createCaptureService,
} from './capture-service.ts';
export { type ConcurrencyLimit, createConcurrencyLimit } from './concurrency-limit.ts';
export {
  CAPTURE_PRUNER_DEFAULTS,
  type CapturePruner,
  type CapturePrunerOptions,
  type CapturePrunerTiming,
  createCapturePruner,
} from './capture-pruner.ts';
export { type PrunedCapture, type PruneResult, pruneCaptures, type RetentionPolicy } from './prune-captures.ts';
export { createSingleFlight, type SingleFlight } from './single-flight.ts';
