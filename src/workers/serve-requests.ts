/**
 * The worker side of a worker pool: the message loop every worker entry file
 * runs, so that an entry file is only its set-up and its handler; and the
 * messages between pool and worker. They are plain data, because they cross
 * the thread boundary by structured clone: a GopprofError does not survive
 * it, so errors travel as their code, message and details and become
 * GopprofErrors again on the main thread.
 */
import { type ErrorCode, type ErrorDetails, isGopprofError } from '../errors.ts';

/** Main → worker: run one job. A worker holds at most one at a time. */
export interface WorkerRequest<Req> {
  readonly id: number;
  readonly request: Req;
}

/** A failure as plain data. */
export interface WorkerErrorData {
  readonly code: ErrorCode;
  readonly message: string;
  readonly details: ErrorDetails;
}

/**
 * Worker → main. `ready`: the worker finished its set-up and takes requests
 * (only pools with readyHandshake wait for it). `failed` with `broken`: the
 * worker is unusable, so the pool replaces it and may retry the job elsewhere;
 * without it the job itself was bad.
 */
export type WorkerReply<Res> =
  | { readonly type: 'ready' }
  | { readonly type: 'done'; readonly id: number; readonly result: Res }
  | { readonly type: 'failed'; readonly id: number; readonly error: WorkerErrorData; readonly broken: boolean };

/** The part of a worker's parentPort the loop uses; tests pass fakes. */
export interface RequestPort<Req, Res> {
  on(event: 'message', listener: (message: WorkerRequest<Req>) => void): unknown;
  postMessage(reply: WorkerReply<Res>): void;
}

/** How serveRequests treats the worker's state. */
export interface ServeRequestsOptions {
  /** Posts `ready` once listening, for pools created with readyHandshake. */
  readonly announceReady?: boolean;
  /**
   * True when an error means this worker can serve nothing more (a corrupted
   * WASM instance): the reply says `broken`, the handler is never called
   * again and every later request fails as broken too.
   */
  readonly isBroken?: (err: unknown) => boolean;
}

const BROKEN: WorkerErrorData = { code: 'INTERNAL', message: 'the worker is broken', details: {} };

/**
 * Answers each request with `handle`'s result, or with its error as plain
 * data: a GopprofError keeps its code, message and details; anything else
 * (including a result that cannot be cloned) becomes INTERNAL with its message.
 */
export function serveRequests<Req, Res>(
  port: RequestPort<Req, Res>,
  handle: (request: Req) => Res | Promise<Res>,
  options: ServeRequestsOptions = {},
): void {
  let broken = false;
  port.on('message', async ({ id, request }) => {
    if (broken) return port.postMessage({ type: 'failed', id, error: BROKEN, broken });
    try {
      port.postMessage({ type: 'done', id, result: await handle(request) });
    } catch (err) {
      broken = options.isBroken?.(err) ?? false;
      port.postMessage({ type: 'failed', id, error: errorData(err), broken });
    }
  });
  if (options.announceReady) port.postMessage({ type: 'ready' });
}

function errorData(err: unknown): WorkerErrorData {
  if (isGopprofError(err)) return { code: err.code, message: err.message, details: err.details };
  return { code: 'INTERNAL', message: err instanceof Error ? err.message : String(err), details: {} };
}
