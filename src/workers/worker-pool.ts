/**
 * A bounded pool of long-lived worker threads with a queue and a deadline per
 * job: what runs synchronous work (Graphviz layout, profile analysis) off the
 * service's event loop.
 *
 * A worker is the unit of failure: a job past its deadline or aborted while
 * running gets its worker terminated (the only way to stop synchronous code);
 * a worker that dies or reports itself broken is replaced and its job retried
 * up to maxAttempts. Workers start on demand and are kept; idle ones do not
 * keep the process alive.
 */
import { Worker } from 'node:worker_threads';
import { abortError, ERROR_CODES, type ErrorCode, GopprofError } from '../errors.ts';
import type { WorkerErrorData, WorkerReply, WorkerRequest } from './serve-requests.ts';

/** How a pool runs its jobs; numbers are validated by createWorkerPool (OPTION_INVALID). */
export interface WorkerPoolOptions {
  /** The worker entry module; it answers with serveRequests. */
  readonly workerUrl: URL;
  /** Passed to each worker as `workerData`. */
  readonly workerData?: unknown;
  /** What a worker is, for thread names (gopprof-layout) and messages ("layout worker failed to start"). */
  readonly name: string;
  /** What a job is, as its errors begin: "render" → "render: took longer than 500 ms". */
  readonly label: string;
  /** Worker threads at most. */
  readonly poolSize: number;
  /** The longest one job may run on its worker (queueing and a handshake's start-up not included). */
  readonly timeoutMs: number;
  /** Jobs that may wait for a worker; beyond it run() fails with OVERLOADED. Default: no cap. */
  readonly maxQueue?: number;
  /** Workers post `ready` after their set-up (e.g. loading WASM), and get jobs only then. */
  readonly readyHandshake?: boolean;
  /** Runs of one job on fresh workers when its worker dies or breaks; default 1 (no retry). */
  readonly maxAttempts?: number;
  /** The caller's codes for a deadline, a job its workers could not run, and a stopped pool. */
  readonly codes: { readonly timeout: ErrorCode; readonly failed: ErrorCode; readonly closed: ErrorCode };
  /** Maps an error a worker reported; default: the same code, message and details. */
  readonly workerError?: (error: WorkerErrorData) => GopprofError;
}

/** Counters a caller can log or export as metrics. */
export interface WorkerPoolStats {
  /** Live workers, starting or ready. */
  readonly workers: number;
  /** Jobs running on a worker now. */
  readonly running: number;
  /** Jobs waiting for a worker. */
  readonly queued: number;
  /** Workers started over the pool's life (the first ones included). */
  readonly spawned: number;
  /** Jobs that hit the deadline. */
  readonly timeouts: number;
  /** Jobs run again because their worker died or broke. */
  readonly retries: number;
}

/** Runs jobs on worker threads; see createWorkerPool. */
export interface WorkerPool<Req, Res> {
  /**
   * Runs `request` on a worker and returns its result. Fails with the worker's
   * error, codes.timeout, codes.failed (workers dying or not starting),
   * OVERLOADED (queue full), ABORTED (`signal`, queued or running) or
   * codes.closed (after stop()).
   */
  run(request: Req, signal?: AbortSignal): Promise<Res>;
  /**
   * Stops taking jobs, fails the queued ones with codes.closed, waits for the
   * running ones (each bounded by the timeout), then ends the workers.
   * Idempotent: later calls return the same promise.
   */
  stop(): Promise<void>;
  /** A snapshot of the counters. */
  stats(): WorkerPoolStats;
}

interface Job<Req, Res> {
  readonly id: number;
  readonly request: Req;
  readonly signal: AbortSignal | undefined;
  readonly resolve: (result: Res) => void;
  readonly reject: (err: GopprofError) => void;
  readonly onAbort: () => void;
  attempts: number;
  settled: boolean;
}

interface Slot<Req, Res> {
  readonly worker: Worker;
  ready: boolean;
  job: Job<Req, Res> | undefined;
  timer: NodeJS.Timeout | undefined;
  lastError: Error | undefined;
}

/** Creates a pool; no worker starts before the first job. */
export function createWorkerPool<Req, Res>(options: WorkerPoolOptions): WorkerPool<Req, Res> {
  const { workerUrl, workerData, name, label, poolSize, timeoutMs, codes } = options;
  const { maxQueue = Number.POSITIVE_INFINITY, readyHandshake = false, maxAttempts = 1 } = options;
  checkInteger('poolSize', poolSize, 1, 256);
  checkInteger('timeoutMs', timeoutMs, 1, 2_147_483_647); // setTimeout's limit
  if (options.maxQueue !== undefined) checkInteger('maxQueue', maxQueue, 1, 1_000_000);
  checkInteger('maxAttempts', maxAttempts, 1, 10);
  if (!(workerUrl instanceof URL)) {
    throw new GopprofError('OPTION_INVALID', 'workerUrl must be a URL', { details: { option: 'workerUrl' } });
  }
  const workerError =
    options.workerError ??
    ((e: WorkerErrorData) => new GopprofError(Object.hasOwn(ERROR_CODES, e.code) ? e.code : 'INTERNAL', e.message, { details: e.details }));
  const slots = new Set<Slot<Req, Res>>();
  const exits = new Set<Promise<unknown>>();
  const queue: Job<Req, Res>[] = [];
  const idleWaiters: (() => void)[] = [];
  let stopping: Promise<void> | undefined;
  let nextId = 1;
  let spawned = 0;
  let timeouts = 0;
  let retries = 0;

  function run(request: Req, signal?: AbortSignal): Promise<Res> {
    if (stopping) return Promise.reject(new GopprofError(codes.closed, `${label}: the ${name} workers are stopped`));
    if (signal?.aborted) return Promise.reject(abortError(signal, label));
    // dispatch() runs on every change, so a non-empty queue means no worker is free.
    if (queue.length >= maxQueue) {
      return Promise.reject(new GopprofError('OVERLOADED', `${label}: ${maxQueue} jobs already wait`, { details: { maxQueue } }));
    }
    return new Promise<Res>((resolve, reject) => {
      const job: Job<Req, Res> = { id: nextId++, request, signal, resolve, reject, onAbort: () => abort(job), attempts: 0, settled: false };
      signal?.addEventListener('abort', job.onAbort, { once: true });
      queue.push(job);
      dispatch();
    });
  }

  /** Hands queued jobs to ready idle workers, and spawns workers for the rest. */
  function dispatch(): void {
    for (const slot of slots) {
      if (queue.length === 0) return;
      if (slot.ready && slot.job === undefined) start(slot, queue.shift()!);
    }
    let starting = 0;
    for (const slot of slots) if (!slot.ready) starting++;
    while (queue.length > starting && slots.size < poolSize) {
      const slot = spawn();
      if (slot === undefined) return;
      if (slot.ready) start(slot, queue.shift()!);
      else starting++;
    }
  }

  /** Starts a worker; undefined (and the queue failed) when Node refuses to create one. */
  function spawn(): Slot<Req, Res> | undefined {
    let worker: Worker;
    try {
      worker = new Worker(workerUrl, { workerData, name: `gopprof-${name}`, execArgv: workerExecArgv() });
    } catch (err) {
      failQueue(err instanceof Error ? err.message : String(err), err);
      return undefined;
    }
    const slot: Slot<Req, Res> = { worker, ready: !readyHandshake, job: undefined, timer: undefined, lastError: undefined };
    slots.add(slot);
    spawned++;
    worker.on('message', (reply: WorkerReply<Res>) => onReply(slot, reply));
    worker.on('error', (err) => {
      slot.lastError = err;
    });
    const exited = new Promise<number>((resolve) => worker.once('exit', resolve));
    exits.add(exited);
    void exited.then((exitCode) => {
      exits.delete(exited);
      onExit(slot, exitCode);
    });
    return slot;
  }

  function start(slot: Slot<Req, Res>, job: Job<Req, Res>): void {
    slot.job = job;
    job.attempts++;
    slot.worker.ref();
    slot.timer = setTimeout(() => onTimeout(slot), timeoutMs);
    try {
      slot.worker.postMessage({ id: job.id, request: job.request } satisfies WorkerRequest<Req>);
    } catch (err) {
      // The request cannot be cloned (a function, say): the job is bad, the worker fine.
      const error = { code: 'INTERNAL', message: `cannot send the job: ${err}`, details: {} } as const;
      onReply(slot, { type: 'failed', id: job.id, error, broken: false });
    }
  }

  function onReply(slot: Slot<Req, Res>, reply: WorkerReply<Res>): void {
    if (!slots.has(slot)) return; // retired: its late answers are moot
    if (reply.type === 'ready') {
      slot.ready = true;
      slot.worker.unref();
      dispatch();
      return;
    }
    const job = slot.job;
    if (job === undefined || job.id !== reply.id) return;
    clearTimeout(slot.timer);
    slot.job = undefined;
    if (reply.type === 'failed' && reply.broken) {
      retire(slot);
      retryOrFail(job, reply.error.message);
    } else {
      slot.worker.unref();
      if (reply.type === 'done') settle(job, undefined, reply.result);
      else settle(job, workerError(reply.error));
    }
    dispatch();
  }

  function onTimeout(slot: Slot<Req, Res>): void {
    const job = slot.job;
    retire(slot);
    if (job !== undefined) {
      timeouts++;
      settle(job, new GopprofError(codes.timeout, `${label}: took longer than ${timeoutMs} ms`, { details: { timeoutMs } }));
    }
    dispatch();
  }

  /** A worker exited on its own: crashed while starting or while running a job. */
  function onExit(slot: Slot<Req, Res>, exitCode: number): void {
    if (!slots.has(slot)) return; // we terminated it
    const job = slot.job;
    const wasReady = slot.ready;
    retire(slot);
    const reason = slot.lastError?.message ?? `the worker exited with code ${exitCode}`;
    if (job !== undefined) retryOrFail(job, reason, slot.lastError);
    else if (!wasReady) failQueue(reason, slot.lastError);
    dispatch();
  }

  /**
   * A worker failed to start. That is not a per-job fault, and spawning again
   * at once would loop: fail what waits; the next job tries anew.
   */
  function failQueue(reason: string, cause: unknown): void {
    for (const queued of queue.splice(0)) {
      settle(queued, new GopprofError(codes.failed, `${label}: ${name} worker failed to start: ${reason}`, { cause }));
    }
  }

  function retryOrFail(job: Job<Req, Res>, reason: string, cause?: unknown): void {
    if (job.attempts < maxAttempts) {
      retries++;
      queue.unshift(job);
      return;
    }
    const times = job.attempts === 1 ? '' : job.attempts === 2 ? ' twice' : ` ${job.attempts} times`;
    settle(job, new GopprofError(codes.failed, `${label}: ${name} worker failed${times}: ${reason}`, {
      cause,
      details: { attempts: job.attempts },
    }));
  }

  function abort(job: Job<Req, Res>): void {
    if (job.settled) return;
    const index = queue.indexOf(job);
    if (index !== -1) queue.splice(index, 1);
    for (const slot of slots) if (slot.job === job) retire(slot);
    settle(job, abortError(job.signal!, label));
    dispatch();
  }

  /** Takes a worker out of the pool and terminates it; its exit is awaited by stop(). */
  function retire(slot: Slot<Req, Res>): void {
    slots.delete(slot);
    clearTimeout(slot.timer);
    slot.job = undefined;
    void slot.worker.terminate();
  }

  function settle(job: Job<Req, Res>, err: GopprofError | undefined, result?: Res): void {
    if (job.settled) return;
    job.settled = true;
    job.signal?.removeEventListener('abort', job.onAbort);
    if (err) job.reject(err);
    else job.resolve(result as Res);
    if (isIdle()) for (const wake of idleWaiters.splice(0)) wake();
  }

  function isIdle(): boolean {
    if (queue.length > 0) return false;
    for (const slot of slots) if (slot.job !== undefined) return false;
    return true;
  }

  function stop(): Promise<void> {
    stopping ??= (async () => {
      for (const job of queue.splice(0)) {
        settle(job, new GopprofError(codes.closed, `${label}: the ${name} workers were stopped before this job started`));
      }
      // Retries of running jobs may still queue and run.
      if (!isIdle()) await new Promise<void>((resolve) => idleWaiters.push(resolve));
      for (const slot of [...slots]) retire(slot);
      await Promise.all([...exits]);
    })();
    return stopping;
  }

  function stats(): WorkerPoolStats {
    let running = 0;
    for (const slot of slots) if (slot.job !== undefined) running++;
    return { workers: slots.size, running, queued: queue.length, spawned, timeouts, retries };
  }

  return { run, stop, stats };
}

/**
 * Workers inherit the parent's Node flags (undefined), except under
 * `node --input-type=module -e …`, where the inherited --input-type kills
 * every worker at start; then they get none. (Passing a filtered list instead
 * fails: Node rejects per-process flags given to a worker explicitly.)
 */
function workerExecArgv(): string[] | undefined {
  return process.execArgv.some((arg) => arg.startsWith('--input-type')) ? [] : undefined;
}

function checkInteger(option: string, value: number, min: number, max: number): void {
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new GopprofError('OPTION_INVALID', `${option} must be an integer between ${min} and ${max}, got ${value}`, {
      details: { option },
    });
  }
}
