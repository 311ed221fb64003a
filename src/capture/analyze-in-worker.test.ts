import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';
import { isGopprofError } from '../errors.ts';
import { createAnalyzer } from './analyze-profile.ts';
import { createWorkerAnalyzer } from './analyze-in-worker.ts';

const CPU = new Uint8Array(await readFile(new URL('../../test/fixtures/profiles/cpu.pb.gz', import.meta.url)));
const MAX = 64 * 2 ** 20;

test('the analysis in a worker equals the analysis in process', async () => {
  const analyze = createWorkerAnalyzer({ maxDecompressedBytes: MAX, timeoutMs: 60_000 });
  const options = { focus: 'main', nodeCount: 30 };
  assert.deepEqual(await analyze(CPU, options), await createAnalyzer(MAX)(CPU, options));
});

test('engine errors keep their code and message across the worker', async () => {
  const analyze = createWorkerAnalyzer({ maxDecompressedBytes: MAX, timeoutMs: 60_000 });
  await assert.rejects(analyze(CPU, { focus: '(' }), (e: unknown) => isGopprofError(e, 'REGEXP_INVALID') && /focus/.test(e.message));
  await assert.rejects(analyze(new Uint8Array([1, 2, 3]), {}), (e: unknown) => isGopprofError(e) && e.code.startsWith('PROFILE_'));
});

test('an analysis past its deadline fails with ANALYSIS_TIMEOUT', async () => {
  // No analysis (not even a worker's start) fits in 1 ms.
  const analyze = createWorkerAnalyzer({ maxDecompressedBytes: MAX, timeoutMs: 1 });
  await assert.rejects(analyze(CPU, {}), (e: unknown) => isGopprofError(e, 'ANALYSIS_TIMEOUT') && /1 ms/.test(e.message));
});

test('cancelling stops the analysis with ABORTED', async () => {
  const analyze = createWorkerAnalyzer({ maxDecompressedBytes: MAX, timeoutMs: 60_000 });
  const controller = new AbortController();
  const running = analyze(CPU, {}, controller.signal);
  controller.abort();
  await assert.rejects(running, (e: unknown) => isGopprofError(e, 'ABORTED'));
  await assert.rejects(analyze(CPU, {}, controller.signal), (e: unknown) => isGopprofError(e, 'ABORTED'));
});

test('a pool of two serves many analyses at once, and a timed-out worker is replaced', async () => {
  const analyze = createWorkerAnalyzer({ maxDecompressedBytes: MAX, timeoutMs: 60_000, poolSize: 2 });
  const expected = await createAnalyzer(MAX)(CPU, {});
  const all = await Promise.all(Array.from({ length: 6 }, () => analyze(CPU, {})));
  for (const a of all) assert.deepEqual(a, expected);

  const tight = createWorkerAnalyzer({ maxDecompressedBytes: MAX, timeoutMs: 1, poolSize: 1 });
  await assert.rejects(tight(CPU, {}), (e: unknown) => isGopprofError(e, 'ANALYSIS_TIMEOUT'));
  await assert.rejects(tight(CPU, {}), (e: unknown) => isGopprofError(e, 'ANALYSIS_TIMEOUT'));
});

test('cancelling a queued analysis removes it; the running one completes', async () => {
  const analyze = createWorkerAnalyzer({ maxDecompressedBytes: MAX, timeoutMs: 60_000, poolSize: 1 });
  const controller = new AbortController();
  const first = analyze(CPU, {});
  const queued = analyze(CPU, {}, controller.signal);
  controller.abort();
  await assert.rejects(queued, (e: unknown) => isGopprofError(e, 'ABORTED'));
  assert.ok((await first).dot.startsWith('digraph'));
  assert.ok((await analyze(CPU, {})).dot.startsWith('digraph'));
});

test('stop() ends the workers; later analyses fail with ABORTED', async () => {
  const analyze = createWorkerAnalyzer({ maxDecompressedBytes: MAX, timeoutMs: 60_000, poolSize: 1 });
  assert.ok((await analyze(CPU, {})).dot.startsWith('digraph'));
  assert.equal(analyze.stats().workers, 1);
  await analyze.stop();
  assert.equal(analyze.stats().workers, 0);
  await assert.rejects(analyze(CPU, {}), (e: unknown) => isGopprofError(e, 'ABORTED'));
});
