/**
 * Options of the renderer, with their defaults in one place.
 */
import { availableParallelism } from 'node:os';

/** How a renderer runs its layouts. */
export interface RendererOptions {
  /**
   * Layout worker threads, each with its own Graphviz instance (~35 MB RSS
   * once started, see test/bench/render.bench.ts). More than the cores only
   * adds memory: a layout is pure CPU.
   */
  readonly poolSize: number;
  /**
   * The longest one layout may run on its worker (queue time not included);
   * past it the render fails with RENDER_TIMEOUT and the worker is replaced.
   * Dense graphs can take seconds, pathological ones forever.
   */
  readonly timeoutMs: number;
  /**
   * Renders that may wait for a worker (a worker still starting counts as not
   * free); beyond it render() fails with OVERLOADED.
   */
  readonly maxQueue: number;
  /** The worker entry module. Tests substitute a worker that simulates faults. */
  readonly workerUrl: URL;
  /** Passed to each worker as `workerData` (for substituted workers). */
  readonly workerData: unknown;
}

/** The defaults every renderer starts from. */
export const DEFAULT_RENDERER_OPTIONS: RendererOptions = Object.freeze({
  poolSize: Math.min(2, availableParallelism()),
  timeoutMs: 30_000,
  maxQueue: 64,
  workerUrl: new URL('./layout-worker.ts', import.meta.url),
  workerData: undefined,
});

/**
 * Merges `options` over the defaults (an undefined value keeps the default).
 * The values are validated once, by the worker pool createRenderer builds on,
 * so a bad one fails at start-up with OPTION_INVALID naming it.
 */
export function resolveRendererOptions(options: Partial<RendererOptions> = {}): RendererOptions {
  const merged: RendererOptions = { ...DEFAULT_RENDERER_OPTIONS };
  for (const [key, value] of Object.entries(options)) {
    if (value !== undefined) Object.assign(merged, { [key]: value });
  }
  return Object.freeze(merged);
}
