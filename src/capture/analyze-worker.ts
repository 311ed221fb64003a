/**
 * Entry file of an analysis worker (see createWorkerAnalyzer): analyses one
 * profile off the service's event loop and posts the analysis, or the error
 * as plain data (a GopprofError does not survive structured cloning).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { isGopprofError } from '../errors.ts';
import type { AnalyzeReply, AnalyzeRequest } from './analyze-in-worker.ts';
import { createAnalyzer } from './analyze-profile.ts';

if (parentPort === null) throw new Error('analyze-worker.ts must run in a worker thread');
const request = workerData as AnalyzeRequest;
let reply: AnalyzeReply;
try {
  reply = { ok: true, analysis: await createAnalyzer(request.maxDecompressedBytes)(request.bytes, request.options) };
} catch (err) {
  reply = isGopprofError(err)
    ? { ok: false, code: err.code, message: err.message, details: err.details }
    : { ok: false, code: 'INTERNAL', message: `analysis failed: ${err instanceof Error ? err.message : String(err)}`, details: {} };
}
parentPort.postMessage(reply);
