/**
 * fetchProfile against a real Go program's net/http/pprof: every profile type,
 * Go's real "cpu profiling already in use" answer, single-flight turning a
 * crowd of CPU requests into one fetch, and an abort that really stops the
 * target's CPU profile.
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { gunzipSync } from 'node:zlib';
import { createSingleFlight } from '../src/capture/single-flight.ts';
import { type GopprofError, isGopprofError } from '../src/errors.ts';
import { type FetchResult, fetchProfile } from '../src/fetch/index.ts';
import type { ProfileType, Target } from '../src/targets/target.ts';
import { eventually } from './support/eventually.ts';
import { GO_TARGET_HOT_FUNCTIONS, type GoTarget, startGoTarget } from './support/go-target.ts';
import { requireBinary } from './support/require-binary.ts';

let started: Promise<GoTarget> | undefined;
async function goTarget(): Promise<Pick<Target, 'id' | 'pprofBaseUrl'>> {
  started ??= startGoTarget(AbortSignal.timeout(120_000));
  const { url } = await started;
  return { id: 'static/gotarget', pprofBaseUrl: `${url}/debug/pprof` };
}
after(async () => {
  await (await started?.catch(() => undefined))?.stop();
});

/** The result is a gzip pprof profile whose string table names `fn`. */
function assertProfileNaming(result: FetchResult, fn: string): void {
  assert.equal(result.status, 200);
  assert.equal(result.contentType, 'application/octet-stream');
  assert.deepEqual([result.bytes[0], result.bytes[1]], [0x1f, 0x8b]);
  assert.ok(gunzipSync(result.bytes).includes(fn), `the profile mentions ${fn}`);
}

test('fetches every snapshot type from a real Go target', async (t) => {
  if (!requireBinary(t, 'go')) return;
  const target = await goTarget();
  for (const [type, fn] of Object.entries(GO_TARGET_HOT_FUNCTIONS)) {
    if (type === 'cpu') continue;
    const result = await fetchProfile(target, type as ProfileType, { seconds: 0, timeoutMs: 20_000 });
    assertProfileNaming(result, fn);
  }
});

test("a second concurrent CPU profile gets Go's real busy answer, while a heap delta runs alongside", async (t) => {
  if (!requireBinary(t, 'go')) return;
  const target = await goTarget();
  const [a, b, delta] = await Promise.allSettled([
    fetchProfile(target, 'cpu', { seconds: 1 }),
    fetchProfile(target, 'cpu', { seconds: 1 }),
    fetchProfile(target, 'heap', { seconds: 1 }),
  ]);
  const outcomes = [a, b].map((o) => (o.status === 'fulfilled' ? 'ok' : (o.reason as GopprofError).code)).sort();
  assert.deepEqual(outcomes, ['FETCH_BUSY', 'ok']);
  const ok = a.status === 'fulfilled' ? a.value : (b as PromiseFulfilledResult<FetchResult>).value;
  assertProfileNaming(ok, 'main.burnCPU');
  assert.equal(delta.status, 'fulfilled');
  assert.match(delta.value.url, /\/heap\?seconds=1$/);
});

test('single-flight turns 20 concurrent CPU requests into one fetch that all share', async (t) => {
  if (!requireBinary(t, 'go')) return;
  const target = await goTarget();
  const flights = createSingleFlight<string, FetchResult>();
  let fetches = 0;
  const results = await Promise.all(
    Array.from({ length: 20 }, () =>
      flights.run(`${target.id}/cpu`, (signal) => {
        fetches++;
        return fetchProfile(target, 'cpu', { seconds: 1, signal });
      }),
    ),
  );
  assert.equal(fetches, 1);
  for (const r of results) assert.equal(r, results[0]);
  assertProfileNaming(results[0], 'main.burnCPU');
});

test('aborting a CPU profile closes the connection, so Go stops profiling long before its 30 s', async (t) => {
  if (!requireBinary(t, 'go')) return;
  const target = await goTarget();
  const controller = new AbortController();
  const long = fetchProfile(target, 'cpu', { seconds: 30, signal: controller.signal });
  // Wait until Go is profiling for the long request (its handler sleeps in
  // net/http/pprof.sleep only once StartCPUProfile succeeded; a fixed head
  // start could lose to a loaded machine), then check it provably is: a second
  // request is refused as busy.
  await eventually('the 30 s CPU profile is running', async () => {
    const res = await fetch(`${target.pprofBaseUrl}/goroutine?debug=2`, { signal: AbortSignal.timeout(5000) });
    return (await res.text()).includes('net/http/pprof.sleep(');
  });
  await assert.rejects(fetchProfile(target, 'cpu', { seconds: 1 }), (e) => isGopprofError(e, 'FETCH_BUSY'));
  controller.abort();
  await assert.rejects(long, (e) => isGopprofError(e, 'ABORTED'));
  // Go notices the closed connection asynchronously: allow it a moment, far below 30 s.
  for (let attempt = 0; ; attempt++) {
    try {
      assertProfileNaming(await fetchProfile(target, 'cpu', { seconds: 1 }), 'main.burnCPU');
      break;
    } catch (err) {
      if (!isGopprofError(err, 'FETCH_BUSY') || attempt >= 50) throw err;
      await sleep(100);
    }
  }
});
