/**
 * The analysis step in a worker thread with a deadline. Decoding, filtering
 * and building the graph are synchronous: in the service's thread a big
 * profile would stall every call and probe for seconds, and a caller's
 * focus/ignore/hide/show pattern that backtracks catastrophically (JavaScript
 * regexps, unlike Go's RE2, are not linear-time) would stall it for good.
 * A worker can be terminated: past the deadline, or when the caller cancels.
 */
import { Worker } from 'node:worker_threads';
import { abortError, type ErrorCode, type ErrorDetails, GopprofError } from '../errors.ts';
import type { EngineOptions } from './capture.ts';
import type { Analysis } from './capture-service.ts';

/** What a worker is given. */
export interface AnalyzeRequest {
  readonly bytes: Uint8Array;
  readonly options: EngineOptions;
  readonly maxDecompressedBytes: number;
}

/** What a worker answers. */
export type AnalyzeReply =
  | { readonly ok: true; readonly analysis: Analysis }
  | { readonly ok: false; readonly code: ErrorCode; readonly message: string; readonly details: ErrorDetails };

/** Options of createWorkerAnalyzer. */
export interface WorkerAnalyzerOptions {
  /** Cap on the decompressed profile (PROFILE_TOO_LARGE beyond it). */
  readonly maxDecompressedBytes: number;
  /** The longest one analysis may run, worker start included; past it ANALYSIS_TIMEOUT. */
  readonly timeoutMs: number;
}

const WORKER_URL = new URL('./analyze-worker.ts', import.meta.url);

/**
 * Workers inherit the parent's Node flags, except under `node
 * --input-type=module -e …`, whose inherited --input-type kills a worker at
 * start (as in src/render/).
 */
function workerExecArgv(): string[] | undefined {
  return process.execArgv.some((arg) => arg.startsWith('--input-type')) ? [] : undefined;
}

/**
 * An analyse step (createAnalyzer's signature) that runs each analysis in its
 * own worker thread: rejects with ANALYSIS_TIMEOUT after `timeoutMs`, ABORTED
 * when `signal` fires, the engine's own GopprofError otherwise.
 */
export function createWorkerAnalyzer(
  options: WorkerAnalyzerOptions,
): (bytes: Uint8Array, engineOptions: EngineOptions, signal?: AbortSignal) => Promise<Analysis> {
  const { maxDecompressedBytes, timeoutMs } = options;
  if (!Number.isSafeInteger(timeoutMs) || timeoutMs < 1 || timeoutMs > 2 ** 31 - 1) {
    throw new GopprofError('OPTION_INVALID', `analysis timeoutMs must be a positive integer, got ${String(timeoutMs)}`);
  }
  return (bytes, engineOptions, signal) =>
    new Promise<Analysis>((resolve, reject) => {
      if (signal?.aborted) return reject(abortError(signal, 'analysing the profile'));
      const request: AnalyzeRequest = { bytes, options: engineOptions, maxDecompressedBytes };
      let worker: Worker;
      try {
        // The bytes are copied, not transferred: joined captures share one fetched body.
        worker = new Worker(WORKER_URL, { workerData: request, name: 'gopprof-analyze', execArgv: workerExecArgv() });
      } catch (cause) {
        return reject(new GopprofError('INTERNAL', 'cannot start an analysis worker', { cause }));
      }
      let settled = false;
      const finish = (err: GopprofError | undefined, analysis?: Analysis): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        void worker.terminate();
        if (err) reject(err);
        else resolve(analysis as Analysis);
      };
      const timer = setTimeout(
        () => finish(new GopprofError('ANALYSIS_TIMEOUT', `analysing the profile took longer than ${timeoutMs} ms`, { details: { timeoutMs } })),
        timeoutMs,
      );
      const onAbort = (): void => finish(abortError(signal as AbortSignal, 'analysing the profile'));
      signal?.addEventListener('abort', onAbort, { once: true });
      worker.once('message', (reply: AnalyzeReply) => {
        if (reply.ok) finish(undefined, reply.analysis);
        else finish(new GopprofError(reply.code, reply.message, { details: reply.details }));
      });
      worker.once('error', (cause) => finish(new GopprofError('INTERNAL', `the analysis worker failed: ${cause.message}`, { cause })));
      worker.once('exit', (code) => finish(new GopprofError('INTERNAL', `the analysis worker exited (code ${code}) without an answer`)));
    });
}
