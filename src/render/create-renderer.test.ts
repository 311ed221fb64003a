import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { GopprofError, isGopprofError } from '../errors.ts';
import { createRenderer, type Renderer } from './create-renderer.ts';
import type { RendererOptions } from './renderer-options.ts';
import { denseDot } from './testdata/dense-dot.ts';

const CPU_DOT = readFileSync(new URL('../../test/fixtures/profiles/golden/cpu.dot', import.meta.url), 'utf8');
const SMALL_DOT = 'digraph g { N1 [id="node1" tooltip="main.main (1s)"] N2 [id="node2"] N1 -> N2 }';
const STUCK_DOT = denseDot(100, 600); // ~30 s of layout: only a deadline or an abort ends it
const SLOW_DOT = denseDot(40, 240); // ~0.6 s of layout
const FLAKY_WORKER = new URL('./testdata/flaky-layout-worker.ts', import.meta.url);

const code = (...codes: GopprofError['code'][]) => (err: unknown) => isGopprofError(err, ...codes);

/** A renderer stopped when the test ends, with its first worker already started. */
async function warmRenderer(t: test.TestContext, options: Partial<RendererOptions> = {}): Promise<Renderer> {
  const renderer = createRenderer(options);
  t.after(() => renderer.stop());
  await renderer.render(SMALL_DOT);
  return renderer;
}

test('renders pprof DOT to the final, pan/zoomable SVG', async (t) => {
  const renderer = await warmRenderer(t, { poolSize: 1 });
  const svg = await renderer.render(CPU_DOT);
  assert.ok(svg.includes('<svg width="100%" height="100%"'));
  assert.ok(svg.includes('<g id="viewport" transform="scale(0.5,0.5) translate(0,0)"><g id="graph0"'));
  assert.ok(svg.includes('<g id="node6" class="node">'));
  assert.ok(svg.includes('xlink:title="crypto/sha256.block (3.19s)"'));
});

test("bad DOT fails with RENDER_FAILED and Graphviz's message; the worker keeps serving", async (t) => {
  const renderer = await warmRenderer(t, { poolSize: 1 });
  await assert.rejects(renderer.render('digraph g { a -> }'), (err) => {
    return isGopprofError(err, 'RENDER_FAILED') && /syntax error in line 1/.test(err.message);
  });
  assert.match(await renderer.render(SMALL_DOT), /<g id="node2" class="node">/);
  assert.equal(renderer.stats().spawned, 1);
});

test('a layout past the deadline fails with RENDER_TIMEOUT; a fresh worker serves the next render', async (t) => {
  const renderer = await warmRenderer(t, { poolSize: 1, timeoutMs: 500 });
  const started = performance.now();
  await assert.rejects(renderer.render(STUCK_DOT), (err) => {
    return isGopprofError(err, 'RENDER_TIMEOUT') && err.details.timeoutMs === 500;
  });
  t.diagnostic(`timed out after ${Math.round(performance.now() - started)} ms`);
  assert.deepEqual({ ...renderer.stats(), workers: 0 }, { workers: 0, running: 0, queued: 0, spawned: 1, timeouts: 1, retries: 0 });
  assert.match(await renderer.render(SMALL_DOT), /<g id="node1" class="node">/);
  assert.equal(renderer.stats().spawned, 2);
});

test('aborting a queued render removes it; aborting a running one ends its worker', async (t) => {
  const renderer = await warmRenderer(t, { poolSize: 1 });
  const running = new AbortController();
  const queued = new AbortController();
  const stuck = renderer.render(STUCK_DOT, running.signal);
  const waiting = renderer.render(SMALL_DOT, queued.signal);
  assert.equal(renderer.stats().running, 1);
  assert.equal(renderer.stats().queued, 1);

  queued.abort();
  await assert.rejects(waiting, code('ABORTED'));
  assert.equal(renderer.stats().queued, 0);
  assert.equal(renderer.stats().running, 1);

  const reason = new Error('client went away');
  running.abort(reason);
  await assert.rejects(stuck, (err) => isGopprofError(err, 'ABORTED') && err.cause === reason);
  assert.equal(renderer.stats().workers, 0);
  assert.match(await renderer.render(SMALL_DOT), /<g id="node1" class="node">/);
  assert.equal(renderer.stats().spawned, 2);
});

test('an already aborted signal fails at once without starting a worker', async () => {
  const renderer = createRenderer();
  await assert.rejects(renderer.render(SMALL_DOT, AbortSignal.abort()), code('ABORTED'));
  const deadline = new GopprofError('FETCH_TIMEOUT', 'capture deadline');
  await assert.rejects(renderer.render(SMALL_DOT, AbortSignal.abort(deadline)), (err) => err === deadline);
  assert.equal(renderer.stats().spawned, 0);
  await renderer.stop();
});

test('a broken Graphviz instance: its worker is replaced and the render retried once', async (t) => {
  const breaks = new SharedArrayBuffer(4);
  const renderer = await warmRenderer(t, { poolSize: 1, workerUrl: FLAKY_WORKER, workerData: { breaks } });
  new Int32Array(breaks)[0] = 1;
  assert.match(await renderer.render(CPU_DOT), /<g id="node6" class="node">/);
  assert.deepEqual(renderer.stats(), { workers: 1, running: 0, queued: 0, spawned: 2, timeouts: 0, retries: 1 });
  assert.match(await renderer.render(SMALL_DOT), /<g id="node1" class="node">/);
  assert.equal(renderer.stats().spawned, 2);
});

test('an instance that breaks again on the retry fails the render with RENDER_FAILED', async (t) => {
  const breaks = new SharedArrayBuffer(4);
  const renderer = await warmRenderer(t, { poolSize: 1, workerUrl: FLAKY_WORKER, workerData: { breaks } });
  new Int32Array(breaks)[0] = 2;
  await assert.rejects(renderer.render(SMALL_DOT), (err) => {
    return isGopprofError(err, 'RENDER_FAILED') && /failed twice.*table index is out of bounds/.test(err.message);
  });
  assert.match(await renderer.render(SMALL_DOT), /<g id="node1" class="node">/);
  assert.equal(renderer.stats().spawned, 3);
});

test('a worker that cannot start fails the waiting renders instead of respawning in a loop', async (t) => {
  const renderer = createRenderer({ poolSize: 1, workerUrl: FLAKY_WORKER, workerData: { startFailure: 'no wasm here' } });
  t.after(() => renderer.stop());
  const results = await Promise.allSettled([renderer.render(SMALL_DOT), renderer.render(SMALL_DOT)]);
  for (const result of results) {
    assert.equal(result.status, 'rejected');
    assert.ok(isGopprofError(result.reason, 'RENDER_FAILED'), String(result.reason));
    assert.match(result.reason.message, /layout worker failed to start: no wasm here/);
  }
  assert.equal(renderer.stats().spawned, 1);
});

test('a worker Node refuses to create fails the render with RENDER_FAILED', async () => {
  const renderer = createRenderer({ workerUrl: new URL('https://example.invalid/layout-worker.js') });
  await assert.rejects(renderer.render(SMALL_DOT), (err) => {
    return isGopprofError(err, 'RENDER_FAILED') && /layout worker failed to start/.test(err.message);
  });
  assert.deepEqual(renderer.stats(), { workers: 0, running: 0, queued: 0, spawned: 0, timeouts: 0, retries: 0 });
  await renderer.stop();
});

test('a full queue rejects with OVERLOADED', async (t) => {
  const renderer = await warmRenderer(t, { poolSize: 1, maxQueue: 1 });
  const abort = new AbortController();
  const stuck = renderer.render(STUCK_DOT, abort.signal);
  const queued = renderer.render(SMALL_DOT);
  await assert.rejects(renderer.render(SMALL_DOT), (err) => {
    return isGopprofError(err, 'OVERLOADED') && err.details.maxQueue === 1;
  });
  abort.abort();
  await assert.rejects(stuck, code('ABORTED'));
  assert.match(await queued, /<g id="node1" class="node">/);
});

test('stop() waits for the running render, fails the queued one, and is idempotent', async (t) => {
  const renderer = await warmRenderer(t, { poolSize: 1 });
  const running = renderer.render(CPU_DOT);
  const queued = renderer.render(CPU_DOT);
  const stopped = renderer.stop();
  assert.equal(renderer.stop(), stopped);
  await assert.rejects(queued, code('RENDER_CLOSED'));
  assert.match(await running, /<g id="node6" class="node">/);
  await stopped;
  assert.equal(renderer.stats().workers, 0);
  await assert.rejects(renderer.render(SMALL_DOT), code('RENDER_CLOSED'));
});

test('20 renders in parallel all succeed, with identical output', async (t) => {
  const renderer = createRenderer();
  t.after(() => renderer.stop());
  const svgs = await Promise.all(Array.from({ length: 20 }, () => renderer.render(CPU_DOT)));
  for (const svg of svgs) assert.equal(svg, svgs[0]);
  assert.ok(renderer.stats().spawned <= 2);
});

test('the event loop keeps running while a slow graph lays out', async (t) => {
  const renderer = await warmRenderer(t, { poolSize: 1 });
  let maxLag = 0;
  let last = performance.now();
  const ticker = setInterval(() => {
    const now = performance.now();
    maxLag = Math.max(maxLag, now - last - 5);
    last = now;
  }, 5);
  const started = performance.now();
  await renderer.render(SLOW_DOT);
  const layoutMs = performance.now() - started;
  clearInterval(ticker);
  t.diagnostic(`layout ${Math.round(layoutMs)} ms, worst event-loop lag ${Math.round(maxLag)} ms`);
  assert.ok(maxLag < Math.max(layoutMs * 0.75, 500), `event loop blocked ${maxLag} ms during a ${layoutMs} ms layout`);
});

test('bad options fail with OPTION_INVALID naming the option', () => {
  for (const options of [{ poolSize: 0 }, { timeoutMs: Number.NaN }, { maxQueue: 1.5 }] as const) {
    const [option] = Object.keys(options);
    assert.throws(() => createRenderer(options), (err) => isGopprofError(err, 'OPTION_INVALID') && err.details.option === option);
  }
});

test('idle workers do not keep the process alive when stop() is forgotten', async () => {
  const script = `
    import { createRenderer } from ${JSON.stringify(new URL('./create-renderer.ts', import.meta.url).href)};
    const svg = await createRenderer().render('digraph { a -> b }');
    console.log(svg.includes('<g id="viewport"'));
  `;
  const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], { timeout: 20_000 });
  assert.equal(stdout.trim(), 'true');
});
