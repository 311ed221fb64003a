/**
 * A worker for the pool's tests that does what each request says: answer,
 * fail, break, spin until terminated, sleep, or die mid-job.
 *
 * workerData: `startFailure` makes it throw before serving; `readyAfterMs`
 * delays its set-up and announces `ready` (for readyHandshake pools);
 * `crashes` is a SharedArrayBuffer holding one Int32 shared by all the pool's
 * workers: while it is positive, a `crash` request decrements it and exits.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { parentPort, workerData } from 'node:worker_threads';
import { type ErrorCode, type ErrorDetails, GopprofError } from '../../errors.ts';
import { serveRequests } from '../serve-requests.ts';

/** What the test asks a scripted worker to do. */
export type ScriptedRequest =
  | { readonly kind: 'echo'; readonly value: unknown }
  | { readonly kind: 'fail'; readonly code: ErrorCode; readonly message: string; readonly details: ErrorDetails }
  | { readonly kind: 'throw'; readonly message: string }
  | { readonly kind: 'break' }
  | { readonly kind: 'spin' }
  | { readonly kind: 'sleep'; readonly ms: number; readonly value: unknown }
  | { readonly kind: 'crash'; readonly exitCode: number; readonly value: unknown }
  | { readonly kind: 'unclonable' };

const data = (workerData ?? {}) as { startFailure?: string; readyAfterMs?: number; crashes?: SharedArrayBuffer };
if (data.startFailure !== undefined) throw new Error(data.startFailure);
if (data.readyAfterMs !== undefined) await sleep(data.readyAfterMs);
const crashes = data.crashes ? new Int32Array(data.crashes) : undefined;

async function handle(request: ScriptedRequest): Promise<unknown> {
  switch (request.kind) {
    case 'echo':
      return request.value;
    case 'fail':
      throw new GopprofError(request.code, request.message, { details: request.details });
    case 'throw':
      throw new TypeError(request.message);
    case 'break':
      throw new Error('instance broken');
    case 'spin':
      for (;;);
    case 'sleep':
      await sleep(request.ms);
      return request.value;
    case 'crash':
      if (crashes && Atomics.sub(crashes, 0, 1) > 0) process.exit(request.exitCode);
      return request.value;
    case 'unclonable':
      return () => 'a function cannot be cloned';
  }
}

serveRequests(parentPort!, handle, {
  announceReady: data.readyAfterMs !== undefined,
  isBroken: (err) => err instanceof Error && err.message === 'instance broken',
});
