/**
 * The messages between a worker pool (main thread) and its workers.
 *
 * Plain data, because they cross the thread boundary by structured clone: a
 * GopprofError does not survive it, so errors travel as their code, message
 * and details and become GopprofErrors again on the main thread.
 */
import type { ErrorCode, ErrorDetails } from '../errors.ts';

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
