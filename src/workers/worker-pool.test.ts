import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { type ErrorCode, GopprofError, isGopprofError } from '../errors.ts';
import type { ScriptedRequest } from './testdata/scripted-worker.ts';
import { createWorkerPool, type WorkerPool, type WorkerPoolOptions } from './worker-pool.ts';

const SCRIPTED = new URL('./testdata/scripted-worker.ts', import.meta.url);
const CODES = { timeout: 'RENDER_TIMEOUT', failed: 'RENDER_FAILED', closed: 'RENDER_CLOSED' } as const;

const code = (...codes: ErrorCode[]) => (err: unknown) => isGopprofError(err, ...codes);
const echo = (value: unknown): ScriptedRequest => ({ kind: 'echo', value });
const SPIN: ScriptedRequest = { kind: 'spin' };
// A pool bug tends to leave a promise pending: fail the test instead of hanging the file.
const LIMIT = { timeout: 15_000 };

/** A pool of scripted workers, stopped when the test ends. */
function scriptedPool(t: test.TestContext, options: Partial<WorkerPoolOptions> = {}): WorkerPool<ScriptedRequest, unknown> {
  const pool = createWorkerPool<ScriptedRequest, unknown>({
    workerUrl: SCRIPTED,
    name: 'scripted',
    label: 'job',
    poolSize: 1,
    timeoutMs: 10_000,
    codes: CODES,
    ...options,
  });
  t.after(() => pool.stop());
  return pool;
}

test('answers; a worker keeps serving after errors, which keep their code, message and details', LIMIT, async (t) => {
  const pool = scriptedPool(t);
  assert.deepEqual(await pool.run(echo({ a: [1, 2], b: new Uint8Array([3]) })), { a: [1, 2], b: new Uint8Array([3]) });
  const fail: ScriptedRequest = { kind: 'fail', code: 'REGEXP_INVALID', message: 'focus: bad (', details: { option: 'focus' } };
  await assert.rejects(pool.run(fail), (err) => {
    return isGopprofError(err, 'REGEXP_INVALID') && err.message === 'focus: bad (' && err.details.option === 'focus';
  });
  await assert.rejects(pool.run({ kind: 'throw', message: 'oops' }), (err) => isGopprofError(err, 'INTERNAL') && err.message === 'oops');
  await assert.rejects(pool.run({ kind: 'unclonable' }), code('INTERNAL'));
  // A code the catalogue does not know (a stale worker) is not passed on as one.
  const bogus = { kind: 'fail', code: 'NOT_A_CODE', message: 'x', details: {} } as unknown as ScriptedRequest;
  await assert.rejects(pool.run(bogus), code('INTERNAL'));
  // A request that cannot be cloned fails alone.
  await assert.rejects(pool.run(echo(() => 1)), (err) => isGopprofError(err, 'INTERNAL') && /cannot send/.test(err.message));
  assert.equal(await pool.run(echo('still here')), 'still here');
  assert.deepEqual(pool.stats(), { workers: 1, running: 0, queued: 0, spawned: 1, timeouts: 0, retries: 0 });
});

test('workerError maps what workers report', LIMIT, async (t) => {
  const pool = scriptedPool(t, {
    workerError: (e) => new GopprofError('RENDER_FAILED', `job: ${e.message}`, { details: e.details }),
  });
  await assert.rejects(pool.run({ kind: 'throw', message: 'bad input' }), (err) => {
    return isGopprofError(err, 'RENDER_FAILED') && err.message === 'job: bad input';
  });
});

test('a job past the deadline fails with the timeout code; a fresh worker runs the next job', LIMIT, async (t) => {
  // Without a handshake the deadline counts a fresh worker's start-up, which a
  // loaded machine stretches past 200 ms (measured: 60–120 ms idle, up to 865 ms
  // with two busy cores); with it, only the jobs themselves are timed.
  const pool = scriptedPool(t, { timeoutMs: 200, readyHandshake: true, workerData: { readyAfterMs: 0 } });
  await pool.run(echo(0));
  await assert.rejects(pool.run(SPIN), (err) => {
    return isGopprofError(err, 'RENDER_TIMEOUT') && err.details.timeoutMs === 200 && /^job: took longer than 200 ms$/.test(err.message);
  });
  assert.deepEqual(pool.stats(), { workers: 0, running: 0, queued: 0, spawned: 1, timeouts: 1, retries: 0 });
  assert.equal(await pool.run(echo(1)), 1);
  assert.equal(pool.stats().spawned, 2);
});

test('aborting a queued job removes it; aborting a running one ends its worker', LIMIT, async (t) => {
  const pool = scriptedPool(t);
  await pool.run(echo(0));
  const running = new AbortController();
  const queued = new AbortController();
  const spinning = pool.run(SPIN, running.signal);
  const waiting = pool.run(echo(1), queued.signal);
  assert.deepEqual([pool.stats().running, pool.stats().queued], [1, 1]);

  queued.abort();
  await assert.rejects(waiting, code('ABORTED'));
  assert.deepEqual([pool.stats().running, pool.stats().queued], [1, 0]);

  const reason = new Error('client went away');
  running.abort(reason);
  await assert.rejects(spinning, (err) => isGopprofError(err, 'ABORTED') && err.cause === reason);
  assert.equal(pool.stats().workers, 0);
  assert.equal(await pool.run(echo(2)), 2);
  assert.equal(pool.stats().spawned, 2);
  // Already aborted: fails at once with the reason if it is typed.
  const deadline = new GopprofError('FETCH_TIMEOUT', 'capture deadline');
  await assert.rejects(pool.run(echo(3), AbortSignal.abort(deadline)), (err) => err === deadline);
});

test('a full queue rejects with OVERLOADED', LIMIT, async (t) => {
  const pool = scriptedPool(t, { maxQueue: 1 });
  const abort = new AbortController();
  const spinning = pool.run(SPIN, abort.signal);
  const queued = pool.run(echo('queued'));
  await assert.rejects(pool.run(echo('one too many')), (err) => isGopprofError(err, 'OVERLOADED') && err.details.maxQueue === 1);
  abort.abort();
  await assert.rejects(spinning, code('ABORTED'));
  assert.equal(await queued, 'queued');
});

test('stop() waits for the running job, fails the queued one, and is idempotent', LIMIT, async (t) => {
  const pool = scriptedPool(t);
  const running = pool.run({ kind: 'sleep', ms: 200, value: 'finished' });
  const queued = pool.run(echo('never'));
  const stopped = pool.stop();
  assert.equal(pool.stop(), stopped);
  await assert.rejects(queued, code('RENDER_CLOSED'));
  assert.equal(await running, 'finished');
  await stopped;
  assert.equal(pool.stats().workers, 0);
  await assert.rejects(pool.run(echo(1)), code('RENDER_CLOSED'));
});

test('a worker that dies mid-job: the job is retried once on a fresh worker, then fails', LIMIT, async (t) => {
  const crashes = new SharedArrayBuffer(4);
  const pool = scriptedPool(t, { maxAttempts: 2, workerData: { crashes } });
  const crash: ScriptedRequest = { kind: 'crash', exitCode: 3, value: 'survived' };
  new Int32Array(crashes)[0] = 1;
  assert.equal(await pool.run(crash), 'survived');
  assert.deepEqual(pool.stats(), { workers: 1, running: 0, queued: 0, spawned: 2, timeouts: 0, retries: 1 });

  new Int32Array(crashes)[0] = 2;
  await assert.rejects(pool.run(crash), (err) => {
    return isGopprofError(err, 'RENDER_FAILED') && err.details.attempts === 2 && /scripted worker failed twice: .*code 3/.test(err.message);
  });
  assert.equal(await pool.run(echo('fresh')), 'fresh');
  assert.equal(pool.stats().spawned, 4);
});

test('a worker that reports itself broken is replaced; without retries its job fails at once', LIMIT, async (t) => {
  const pool = scriptedPool(t);
  await assert.rejects(pool.run({ kind: 'break' }), (err) => {
    return isGopprofError(err, 'RENDER_FAILED') && err.details.attempts === 1 && /scripted worker failed: instance broken/.test(err.message);
  });
  assert.equal(pool.stats().workers, 0);
  assert.equal(await pool.run(echo(1)), 1);
  assert.deepEqual([pool.stats().spawned, pool.stats().retries], [2, 0]);
});

test('with a ready handshake, jobs wait for set-up, which the deadline does not count', LIMIT, async (t) => {
  const pool = scriptedPool(t, { readyHandshake: true, timeoutMs: 100, workerData: { readyAfterMs: 300 } });
  assert.deepEqual(await Promise.all([pool.run(echo(1)), pool.run(echo(2))]), [1, 2]);
  assert.equal(pool.stats().spawned, 1);
});

test('a worker that cannot start fails the waiting jobs instead of respawning in a loop', LIMIT, async (t) => {
  const pool = scriptedPool(t, { readyHandshake: true, workerData: { startFailure: 'no luck' } });
  const results = await Promise.allSettled([pool.run(echo(1)), pool.run(echo(2))]);
  for (const result of results) {
    assert.equal(result.status, 'rejected');
    assert.ok(isGopprofError(result.reason, 'RENDER_FAILED'), String(result.reason));
    assert.match(result.reason.message, /^job: scripted worker failed to start: no luck$/);
  }
  assert.equal(pool.stats().spawned, 1);
  await assert.rejects(pool.run(echo(3)), code('RENDER_FAILED'));
  assert.equal(pool.stats().spawned, 2);

  const unborn = scriptedPool(t, { workerUrl: new URL('https://example.invalid/worker.js') });
  await assert.rejects(unborn.run(echo(1)), (err) => isGopprofError(err, 'RENDER_FAILED') && /failed to start/.test(err.message));
  assert.equal(unborn.stats().spawned, 0);
});

test('bad options fail with OPTION_INVALID naming the option', LIMIT, () => {
  const base = { workerUrl: SCRIPTED, name: 'scripted', label: 'job', poolSize: 1, timeoutMs: 1000, codes: CODES };
  for (const bad of [{ poolSize: 0 }, { timeoutMs: Number.NaN }, { maxQueue: 1.5 }, { maxAttempts: 0 }, { workerUrl: 'x.ts' }]) {
    const [option] = Object.keys(bad);
    const options = { ...base, ...bad } as WorkerPoolOptions;
    assert.throws(() => createWorkerPool(options), (err) => isGopprofError(err, 'OPTION_INVALID') && err.details.option === option);
  }
});

test('idle workers do not keep the process alive when stop() is forgotten', LIMIT, async () => {
  const script = `
    import { createWorkerPool } from ${JSON.stringify(new URL('./worker-pool.ts', import.meta.url).href)};
    const pool = createWorkerPool({
      workerUrl: new URL(${JSON.stringify(SCRIPTED.href)}), name: 'scripted', label: 'job', poolSize: 2, timeoutMs: 10000,
      codes: ${JSON.stringify(CODES)},
    });
    const answers = await Promise.all([pool.run({ kind: 'echo', value: 'a' }), pool.run({ kind: 'echo', value: 'b' })]);
    console.log(answers.join(''), pool.stats().workers);
  `;
  const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], { timeout: 20_000 });
  assert.equal(stdout.trim(), 'ab 2');
});
