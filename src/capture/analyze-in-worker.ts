/**
 * The analysis step in worker threads with a deadline. Decoding, filtering
 * and building the graph are synchronous: in the service's thread a big
 * profile would stall every call and probe for seconds, and a pathological
 * pattern or profile could stall it much longer. A small pool of long-lived
 * workers does the work (starting a worker costs ~150 ms of module loading,
 * more than analysing a typical profile); a worker past the deadline, or whose
 * caller cancels, is terminated and replaced.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { abortError, type ErrorCode, type ErrorDetails, GopprofError } from '../errors.ts';
import { workerExecArgv } from '../render/index.ts';
import type { EngineOptions } from './capture.ts';
import type { Analysis } from './capture-service.ts';

/** What a worker is given. */
export interface AnalyzeRequest {
  /** Matches the reply to its request. */
  readonly id: number;
  readonly bytes: Uint8Array;
  readonly options: EngineOptions;
  readonly maxDecompressedBytes: number;
}

/** What a worker answers. */
export type AnalyzeReply = { readonly id: number } & (
  | { readonly ok: true; readonly analysis: Analysis }
  | { readonly ok: false; readonly code: ErrorCode; readonly message: string; readonly details: ErrorDetails }
);

/** Options of createWorkerAnalyzer. */
export interface WorkerAnalyzerOptions {
  /** Cap on the decompressed profile (PROFILE_TOO_LARGE beyond it). */
  readonly maxDecompressedBytes: number;
  /** The longest one analysis may run on its worker (queueing not included); past it ANALYSIS_TIMEOUT. */
  readonly timeoutMs: number;
  /** Worker threads; default min(2, cores). Idle workers do not keep the process alive. */
  readonly poolSize?: number;
}

const WORKER_URL = new URL('./analyze-worker.ts', import.meta.url);

interface Job {
  readonly bytes: Uint8Array;
  readonly options: EngineOptions;
  readonly signal: AbortSignal | undefined;
  readonly resolve: (a: Analysis) => void;
  readonly reject: (e: GopprofError) => void;
}

interface Slot {
  readonly worker: Worker;
  /** The job running on this worker, with its id and how to end it. */
  running?: { readonly id: number; readonly finish: (err: GopprofError | undefined, analysis?: Analysis) => void };
}

/**
 * An analyse step (createAnalyzer's signature) that runs each analysis on a
 * pooled worker thread: rejects with ANALYSIS_TIMEOUT after `timeoutMs`,
 * ABORTED when `signal` fires (queued or running), the engine's own
 * GopprofError otherwise.
 */
export function createWorkerAnalyzer(
  options: WorkerAnalyzerOptions,
): (bytes: Uint8Array, engineOptions: EngineOptions, signal?: AbortSignal) => Promise<Analysis> {
  const { maxDecompressedBytes, timeoutMs } = options;
  const poolSize = options.poolSize ?? Math.min(2, availableParallelism());
  if (!Number.isSafeInteger(timeoutMs) || timeoutMs < 1 || timeoutMs > 2 ** 31 - 1) {
    throw new GopprofError('OPTION_INVALID', `analysis timeoutMs must be a positive integer, got ${String(timeoutMs)}`);
  }
  if (!Number.isSafeInteger(poolSize) || poolSize < 1) {
    throw new GopprofError('OPTION_INVALID', `analysis poolSize must be a positive integer, got ${String(poolSize)}`);
  }
  const slots: Slot[] = [];
  const queue: Job[] = [];
  let nextId = 1;

  const retire = (slot: Slot): void => {
    const i = slots.indexOf(slot);
    if (i >= 0) slots.splice(i, 1);
    void slot.worker.terminate();
  };

  const spawn = (): Slot | GopprofError => {
    let worker: Worker;
    try {
      worker = new Worker(WORKER_URL, { name: 'gopprof-analyze', execArgv: workerExecArgv() });
    } catch (cause) {
      return new GopprofError('INTERNAL', 'cannot start an analysis worker', { cause });
    }
    const slot: Slot = { worker };
    worker.unref();
    worker.on('message', (reply: AnalyzeReply) => {
      if (slot.running?.id !== reply.id) return;
      if (reply.ok) slot.running.finish(undefined, reply.analysis);
      else slot.running.finish(new GopprofError(reply.code, reply.message, { details: reply.details }));
    });
    worker.on('error', (cause) => {
      slot.running?.finish(new GopprofError('INTERNAL', `the analysis worker failed: ${cause.message}`, { cause }));
      retire(slot);
      pump();
    });
    worker.on('exit', (code) => {
      slot.running?.finish(new GopprofError('INTERNAL', `the analysis worker exited (code ${code}) without an answer`));
      retire(slot);
      pump();
    });
    slots.push(slot);
    return slot;
  };

  const run = (slot: Slot, job: Job): void => {
    const id = nextId++;
    let settled = false;
    const finish = (err: GopprofError | undefined, analysis?: Analysis): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      job.signal?.removeEventListener('abort', onAbort);
      slot.running = undefined;
      if (err && (err.code === 'ANALYSIS_TIMEOUT' || err.code === 'ABORTED')) retire(slot);
      else slot.worker.unref();
      if (err) job.reject(err);
      else job.resolve(analysis as Analysis);
      pump();
    };
    const timer = setTimeout(
      () => finish(new GopprofError('ANALYSIS_TIMEOUT', `analysing the profile took longer than ${timeoutMs} ms`, { details: { timeoutMs } })),
      timeoutMs,
    );
    const onAbort = (): void => finish(abortError(job.signal as AbortSignal, 'analysing the profile'));
    job.signal?.addEventListener('abort', onAbort, { once: true });
    slot.running = { id, finish };
    slot.worker.ref();
    // The bytes are copied, not transferred: joined captures share one fetched body.
    const request: AnalyzeRequest = { id, bytes: job.bytes, options: job.options, maxDecompressedBytes };
    slot.worker.postMessage(request);
  };

  const pump = (): void => {
    while (queue.length > 0) {
      const slot = slots.find((s) => s.running === undefined) ?? (slots.length < poolSize ? spawn() : undefined);
      if (slot === undefined) return;
      const job = queue.shift() as Job;
      if (slot instanceof GopprofError) {
        job.reject(slot);
        continue;
      }
      run(slot, job);
    }
  };

  return (bytes, engineOptions, signal) =>
    new Promise<Analysis>((resolve, reject) => {
      if (signal?.aborted) return reject(abortError(signal, 'analysing the profile'));
      const job: Job = { bytes, options: engineOptions, signal, resolve, reject };
      const onQueuedAbort = (): void => {
        const i = queue.indexOf(job);
        if (i >= 0) {
          queue.splice(i, 1);
          reject(abortError(signal as AbortSignal, 'analysing the profile'));
        }
      };
      signal?.addEventListener('abort', onQueuedAbort, { once: true });
      queue.push(job);
      pump();
    });
}
