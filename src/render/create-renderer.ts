/**
 * The renderer: DOT → final SVG on a small pool of layout worker threads.
 *
 * Graphviz layout is synchronous WASM that can run for seconds, so it runs in
 * worker threads (one Graphviz instance each) and the service's event loop
 * keeps serving. A worker is the unit of failure: a layout past its deadline,
 * an aborted one or a broken WASM instance gets its worker terminated and a
 * fresh one spawned on demand.
 */
import { Worker } from 'node:worker_threads';
import { abortError, GopprofError } from '../errors.ts';
import type { LayoutReply, LayoutRequest } from './layout-message.ts';
import { type RendererOptions, resolveRendererOptions } from './renderer-options.ts';

/** Counters a caller can log or export as metrics. */
export interface RendererStats {
  /** Live workers, starting or ready. */
  readonly workers: number;
  /** Renders running on a worker now. */
  readonly running: number;
  /** Renders waiting for a worker. */
  readonly queued: number;
  /** Workers started over the renderer's life (the first ones included). */
  readonly spawned: number;
  /** Renders that hit the deadline. */
  readonly timeouts: number;
  /** Renders retried because their worker's Graphviz instance broke or the worker died. */
  readonly retries: number;
}

/** Renders DOT to SVG off the event loop; one per process is enough. */
export interface Renderer {
  /**
   * Lays `dot` out and returns the massaged, pan/zoomable SVG. Fails with
   * RENDER_FAILED (bad DOT: Graphviz's message), RENDER_TIMEOUT, OVERLOADED
   * (queue full), ABORTED (`signal`) or RENDER_CLOSED (after stop()).
   */
  render(dot: string, signal?: AbortSignal): Promise<string>;
  /**
   * Stops taking renders, fails the queued ones with RENDER_CLOSED, waits for
   * the running ones (each bounded by the timeout), then ends the workers.
   * Idempotent: later calls return the same promise.
   */
  stop(): Promise<void>;
  /** A snapshot of the counters. */
  stats(): RendererStats;
}

interface Job {
  readonly id: number;
  readonly dot: string;
  readonly signal: AbortSignal | undefined;
  readonly resolve: (svg: string) => void;
  readonly reject: (err: GopprofError) => void;
  readonly onAbort: () => void;
  attempts: number;
  settled: boolean;
}

interface Slot {
  readonly worker: Worker;
  ready: boolean;
  job: Job | undefined;
  timer: NodeJS.Timeout | undefined;
  lastError: unknown;
}

// A render whose worker broke is retried once; a second failure is final.
const MAX_ATTEMPTS = 2;

/**
 * Workers inherit the parent's Node flags (undefined), except under
 * `node --input-type=module -e …`, where the inherited --input-type kills
 * every worker at start; then they get none. (Passing a filtered list instead
 * fails: Node rejects per-process flags given to a worker explicitly.)
 */
export function workerExecArgv(): string[] | undefined {
  return process.execArgv.some((arg) => arg.startsWith('--input-type')) ? [] : undefined;
}

/**
 * Creates a renderer. Workers start lazily on the first renders (Graphviz
 * takes ~100 ms to load) and are kept; idle workers do not keep the process
 * alive. Options are validated here (OPTION_INVALID).
 */
export function createRenderer(options: Partial<RendererOptions> = {}): Renderer {
  const opts = resolveRendererOptions(options);
  const slots = new Set<Slot>();
  const exits = new Set<Promise<unknown>>();
  const queue: Job[] = [];
  const idleWaiters: (() => void)[] = [];
  let stopping: Promise<void> | undefined;
  let nextId = 1;
  let spawned = 0;
  let timeouts = 0;
  let retries = 0;

  function render(dot: string, signal?: AbortSignal): Promise<string> {
    if (stopping) return Promise.reject(new GopprofError('RENDER_CLOSED', 'render: the renderer is stopped'));
    if (signal?.aborted) return Promise.reject(abortError(signal, 'render'));
    if (typeof dot !== 'string') {
      return Promise.reject(new GopprofError('RENDER_FAILED', `render: DOT must be a string, got ${typeof dot}`));
    }
    // dispatch() runs on every change, so a non-empty queue means no worker is free.
    if (queue.length >= opts.maxQueue) {
      return Promise.reject(new GopprofError('OVERLOADED', `render: ${opts.maxQueue} renders are already waiting`, {
        details: { maxQueue: opts.maxQueue },
      }));
    }
    return new Promise<string>((resolve, reject) => {
      const job: Job = {
        id: nextId++,
        dot,
        signal,
        resolve,
        reject,
        onAbort: () => abort(job),
        attempts: 0,
        settled: false,
      };
      signal?.addEventListener('abort', job.onAbort, { once: true });
      queue.push(job);
      dispatch();
    });
  }

  /** Hands queued jobs to ready idle workers, and spawns workers for the rest. */
  function dispatch(): void {
    for (const slot of slots) {
      if (queue.length === 0) break;
      if (slot.ready && slot.job === undefined) run(slot, queue.shift()!);
    }
    let starting = 0;
    for (const slot of slots) if (!slot.ready) starting++;
    while (queue.length > starting && slots.size < opts.poolSize && spawn()) starting++;
  }

  /** Starts a worker; false (and the queue failed) when Node refuses to create one. */
  function spawn(): boolean {
    let worker: Worker;
    try {
      worker = new Worker(opts.workerUrl, { workerData: opts.workerData, name: 'gopprof-layout', execArgv: workerExecArgv() });
    } catch (err) {
      failQueue(err instanceof Error ? err.message : String(err), err);
      return false;
    }
    const slot: Slot = { worker, ready: false, job: undefined, timer: undefined, lastError: undefined };
    slots.add(slot);
    spawned++;
    worker.on('message', (reply: LayoutReply) => onReply(slot, reply));
    worker.on('error', (err) => {
      slot.lastError = err;
    });
    const exited = new Promise((resolve) => worker.once('exit', resolve));
    exits.add(exited);
    void exited.then(() => {
      exits.delete(exited);
      onExit(slot);
    });
    return true;
  }

  function run(slot: Slot, job: Job): void {
    slot.job = job;
    job.attempts++;
    slot.worker.ref();
    slot.timer = setTimeout(() => onTimeout(slot), opts.timeoutMs);
    const request: LayoutRequest = { id: job.id, dot: job.dot };
    slot.worker.postMessage(request);
  }

  function onReply(slot: Slot, reply: LayoutReply): void {
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
    if (reply.type === 'done') {
      slot.worker.unref();
      settle(job, reply.svg);
    } else if (reply.broken) {
      retire(slot);
      retryOrFail(job, reply.message);
    } else {
      slot.worker.unref();
      settle(job, new GopprofError('RENDER_FAILED', `render: ${reply.message}`));
    }
    dispatch();
  }

  function onTimeout(slot: Slot): void {
    const job = slot.job;
    retire(slot);
    if (job !== undefined) {
      timeouts++;
      settle(job, new GopprofError('RENDER_TIMEOUT', `render: layout took longer than ${opts.timeoutMs} ms`, {
        details: { timeoutMs: opts.timeoutMs },
      }));
    }
    dispatch();
  }

  /** A worker exited on its own: crashed while starting or while laying out. */
  function onExit(slot: Slot): void {
    if (!slots.has(slot)) return; // we terminated it
    const job = slot.job;
    const wasReady = slot.ready;
    retire(slot);
    const reason = slot.lastError instanceof Error ? slot.lastError.message : 'the worker exited';
    if (job !== undefined) {
      retryOrFail(job, reason);
    } else if (!wasReady) {
      failQueue(reason, slot.lastError);
    }
    dispatch();
  }

  /**
   * A worker failed to start. That is not a per-render fault, and spawning
   * again at once would loop: fail what waits; the next render tries anew.
   */
  function failQueue(reason: string, cause: unknown): void {
    for (const queued of queue.splice(0)) {
      settle(queued, new GopprofError('RENDER_FAILED', `render: layout worker failed to start: ${reason}`, { cause }));
    }
  }

  function retryOrFail(job: Job, reason: string): void {
    if (job.attempts < MAX_ATTEMPTS) {
      retries++;
      queue.unshift(job);
      return;
    }
    settle(job, new GopprofError('RENDER_FAILED', `render: graphviz failed twice on fresh instances: ${reason}`, {
      details: { attempts: job.attempts },
    }));
  }

  function abort(job: Job): void {
    if (job.settled) return;
    const index = queue.indexOf(job);
    if (index !== -1) queue.splice(index, 1);
    for (const slot of slots) if (slot.job === job) retire(slot);
    settle(job, abortError(job.signal!, 'render'));
    dispatch();
  }

  /** Takes a worker out of the pool and terminates it; its exit is awaited by stop(). */
  function retire(slot: Slot): void {
    slots.delete(slot);
    clearTimeout(slot.timer);
    slot.job = undefined;
    void slot.worker.terminate();
  }

  function settle(job: Job, result: string | GopprofError): void {
    if (job.settled) return;
    job.settled = true;
    job.signal?.removeEventListener('abort', job.onAbort);
    if (typeof result === 'string') job.resolve(result);
    else job.reject(result);
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
        settle(job, new GopprofError('RENDER_CLOSED', 'render: the renderer was stopped before this render started'));
      }
      // Retries of running renders may still queue and run.
      if (!isIdle()) await new Promise<void>((resolve) => idleWaiters.push(resolve));
      for (const slot of [...slots]) retire(slot);
      await Promise.all([...exits]);
    })();
    return stopping;
  }

  function stats(): RendererStats {
    let running = 0;
    for (const slot of slots) if (slot.job !== undefined) running++;
    return { workers: slots.size, running, queued: queue.length, spawned, timeouts, retries };
  }

  return { render, stop, stats };
}
