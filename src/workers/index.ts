/**
 * Worker threads for synchronous work the event loop must not wait on: a
 * bounded pool with deadlines (main thread) and the message loop its workers
 * run. Knows nothing of what the work is.
 */
export { type RequestPort, type ServeRequestsOptions, serveRequests } from './serve-requests.ts';
export type { WorkerErrorData, WorkerReply, WorkerRequest } from './serve-requests.ts';
export { createWorkerPool, type WorkerPool, type WorkerPoolOptions, type WorkerPoolStats } from './worker-pool.ts';
