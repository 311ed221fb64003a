/**
 * The analysis step in worker threads with a deadline. Decoding, filtering
 * and building the graph are synchronous: in the service's thread a big
 * profile would stall every call and probe for seconds, and a pathological
 * pattern or profile could stall it much longer. A small pool of long-lived
 * workers does the work (starting a worker costs ~150 ms of module loading,
 * more than analysing a typical profile); a worker past the deadline, or whose
 * caller cancels, is terminated and replaced (see createWorkerPool).
 */
import { availableParallelism } from 'node:os';
import { createWorkerPool, type WorkerPoolStats } from '../workers/index.ts';
import type { EngineOptions } from './capture.ts';
import type { Analysis } from './capture-service.ts';

/** What a worker is given per job. */
export interface AnalyzeRequest {
  readonly bytes: Uint8Array;
  readonly options: EngineOptions;
}

/** Options of createWorkerAnalyzer. */
export interface WorkerAnalyzerOptions {
  /** Cap on the decompressed profile (PROFILE_TOO_LARGE beyond it). */
  readonly maxDecompressedBytes: number;
  /**
   * The longest one analysis may run on its worker, a fresh worker's start-up
   * included (queueing not); past it ANALYSIS_TIMEOUT.
   */
  readonly timeoutMs: number;
  /** Worker threads; default min(2, cores). Idle workers do not keep the process alive. */
  readonly poolSize?: number;
}

/** An analyse step (createAnalyzer's signature) with the pool's stop() and counters. */
export interface WorkerAnalyzer {
  (bytes: Uint8Array, options: EngineOptions, signal?: AbortSignal): Promise<Analysis>;
  /** Fails queued analyses (ABORTED), waits for running ones, ends the workers; idempotent. */
  stop(): Promise<void>;
  stats(): WorkerPoolStats;
}

/**
 * An analyse step that runs each analysis on a pooled worker thread: rejects
 * with ANALYSIS_TIMEOUT after `timeoutMs`, ABORTED when `signal` fires (queued
 * or running), INTERNAL when the worker dies, the engine's own GopprofError
 * otherwise. Options are validated here (OPTION_INVALID).
 */
export function createWorkerAnalyzer(options: WorkerAnalyzerOptions): WorkerAnalyzer {
  const pool = createWorkerPool<AnalyzeRequest, Analysis>({
    workerUrl: new URL('./analyze-worker.ts', import.meta.url),
    workerData: { maxDecompressedBytes: options.maxDecompressedBytes },
    name: 'analysis',
    label: 'analysing the profile',
    poolSize: options.poolSize ?? Math.min(2, availableParallelism()),
    timeoutMs: options.timeoutMs,
    codes: { timeout: 'ANALYSIS_TIMEOUT', failed: 'INTERNAL', closed: 'ABORTED' },
  });
  // The bytes are copied, not transferred: joined captures share one fetched body.
  const analyze = (bytes: Uint8Array, engineOptions: EngineOptions, signal?: AbortSignal) =>
    pool.run({ bytes, options: engineOptions }, signal);
  return Object.assign(analyze, { stop: pool.stop, stats: pool.stats });
}
