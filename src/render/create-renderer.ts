/**
 * The renderer: DOT → final SVG on a small pool of layout worker threads.
 *
 * Graphviz layout is synchronous WASM that can run for seconds, so it runs in
 * worker threads (one Graphviz instance each) and the service's event loop
 * keeps serving. A worker is the unit of failure: a layout past its deadline,
 * an aborted one or a broken WASM instance gets its worker terminated and a
 * fresh one spawned on demand (see createWorkerPool).
 */
import { GopprofError } from '../errors.ts';
import { createWorkerPool, type WorkerPoolStats } from '../workers/index.ts';
import { type RendererOptions, resolveRendererOptions } from './renderer-options.ts';

/** Counters a caller can log or export as metrics (retries: renders rerun because their Graphviz instance broke). */
export type RendererStats = WorkerPoolStats;

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

/**
 * Creates a renderer. Workers start lazily on the first renders (Graphviz
 * takes ~100 ms to load, not counted in a render's deadline) and are kept;
 * idle workers do not keep the process alive. Options are validated here
 * (OPTION_INVALID).
 */
export function createRenderer(options: Partial<RendererOptions> = {}): Renderer {
  const opts = resolveRendererOptions(options);
  const pool = createWorkerPool<string, string>({
    ...opts,
    name: 'layout',
    label: 'render',
    readyHandshake: true,
    // A broken instance is replaced and the render retried once; a second failure is final.
    maxAttempts: 2,
    codes: { timeout: 'RENDER_TIMEOUT', failed: 'RENDER_FAILED', closed: 'RENDER_CLOSED' },
    workerError: (e) => new GopprofError('RENDER_FAILED', `render: ${e.message}`, { details: e.details }),
  });
  return {
    render(dot, signal) {
      if (typeof dot !== 'string') {
        return Promise.reject(new GopprofError('RENDER_FAILED', `render: DOT must be a string, got ${typeof dot}`));
      }
      return pool.run(dot, signal);
    },
    stop: pool.stop,
    stats: pool.stats,
  };
}
