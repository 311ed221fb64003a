/**
 * The messages between the renderer (main thread) and a layout worker.
 *
 * Plain data, because they cross the worker boundary by structured clone;
 * errors travel as their message plus a flag, and become GopprofErrors on the
 * main thread.
 */

/** Main → worker: lay out one DOT. A worker holds at most one at a time. */
export interface LayoutRequest {
  readonly id: number;
  readonly dot: string;
}

/** Worker → main: the worker's Graphviz instance is loaded; it takes requests now. */
export interface LayoutReady {
  readonly type: 'ready';
}

/** Worker → main: the massaged SVG for request `id`. */
export interface LayoutDone {
  readonly type: 'done';
  readonly id: number;
  readonly svg: string;
}

/**
 * Worker → main: request `id` failed. `broken` means the Graphviz instance is
 * unusable (see isBrokenInstanceError): the worker must be replaced, and the
 * DOT may be retried elsewhere; otherwise the DOT itself was bad.
 */
export interface LayoutFailed {
  readonly type: 'failed';
  readonly id: number;
  readonly message: string;
  readonly broken: boolean;
}

/** Everything a layout worker posts. */
export type LayoutReply = LayoutReady | LayoutDone | LayoutFailed;
