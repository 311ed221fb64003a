/**
 * Entry file of an analysis worker (see createWorkerAnalyzer): a long-lived
 * worker that analyses profiles off the service's event loop, one request at
 * a time, and posts each analysis, or the error as plain data (a GopprofError
 * does not survive structured cloning).
 */
import { parentPort } from 'node:worker_threads';
import { isGopprofError } from '../errors.ts';
import type { AnalyzeReply, AnalyzeRequest } from './analyze-in-worker.ts';
import { createAnalyzer } from './analyze-profile.ts';

if (parentPort === null) throw new Error('analyze-worker.ts must run in a worker thread');
const port = parentPort;
port.on('message', async (request: AnalyzeRequest) => {
  let reply: AnalyzeReply;
  try {
    reply = { id: request.id, ok: true, analysis: await createAnalyzer(request.maxDecompressedBytes)(request.bytes, request.options) };
  } catch (err) {
    reply = isGopprofError(err)
      ? { id: request.id, ok: false, code: err.code, message: err.message, details: err.details }
      : {
          id: request.id,
          ok: false,
          code: 'INTERNAL',
          message: `analysis failed: ${err instanceof Error ? err.message : String(err)}`,
          details: {},
        };
  }
  port.postMessage(reply);
});
