/**
 * Entry file of an analysis worker (see createWorkerAnalyzer): a long-lived
 * worker that analyses profiles off the service's event loop, one request at
 * a time.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { serveRequests } from '../workers/index.ts';
import type { AnalyzeRequest } from './analyze-in-worker.ts';
import { createAnalyzer } from './analyze-profile.ts';

if (parentPort === null) throw new Error('analyze-worker.ts must run in a worker thread');
const analyze = createAnalyzer((workerData as { maxDecompressedBytes: number }).maxDecompressedBytes);
serveRequests(parentPort, (request: AnalyzeRequest) => analyze(request.bytes, request.options));
