/**
 * The Go test target really serves gzip pprof profiles whose stacks name its
 * distinctive hot functions; other integration tests rely on exactly that.
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { decodeProfile } from '../src/pprof/index.ts';
import { type GoTarget, startGoTarget } from './support/go-target.ts';
import { requireBinary } from './support/require-binary.ts';

/** Function names mentioned by any sample of a gzip pprof profile, decoded by src/pprof/. */
function sampledFunctionNames(body: Uint8Array): Set<string> {
  assert.ok(body.length > 2, 'profile body is empty');
  assert.deepEqual([body[0], body[1]], [0x1f, 0x8b], 'profile body is not gzip');
  const p = decodeProfile(body);
  const names = new Set<string>();
  for (const i of p.samples.locationIndex) {
    for (const line of p.locations[i].lines) names.add(line.function?.name ?? '');
  }
  return names;
}

async function fetchProfile(target: GoTarget, path: string): Promise<Uint8Array> {
  const res = await fetch(`${target.url}/debug/pprof/${path}`, { signal: AbortSignal.timeout(20_000) });
  assert.equal(res.status, 200, `GET ${path}`);
  return new Uint8Array(await res.arrayBuffer());
}

// One target shared by the tests of this file, started by the first test that runs.
let started: Promise<GoTarget> | undefined;
function sharedTarget(): Promise<GoTarget> {
  started ??= startGoTarget(AbortSignal.timeout(120_000));
  return started;
}
after(async () => {
  await (await started?.catch(() => undefined))?.stop();
});

test('the target listens on a loopback port it chose itself', async (t) => {
  if (!requireBinary(t, 'go')) return;
  const target = await sharedTarget();
  assert.match(target.url, /^http:\/\/127\.0\.0\.1:\d+$/);
  assert.doesNotMatch(target.url, /:0$/);
});

test('the heap profile is gzip pprof naming main.leakMemory', async (t) => {
  if (!requireBinary(t, 'go')) return;
  const target = await sharedTarget();
  const names = sampledFunctionNames(await fetchProfile(target, 'heap'));
  assert.ok(names.has('main.leakMemory'), `heap names: ${[...names].join(', ')}`);
});

test('a 1 s CPU profile names main.burnCPU', async (t) => {
  if (!requireBinary(t, 'go')) return;
  const target = await sharedTarget();
  const names = sampledFunctionNames(await fetchProfile(target, 'profile?seconds=1'));
  assert.ok(names.has('main.burnCPU'), `cpu names: ${[...names].join(', ')}`);
});

test('goroutine, mutex, block and threadcreate profiles name their hot functions', async (t) => {
  if (!requireBinary(t, 'go')) return;
  const target = await sharedTarget();
  const expected: Record<string, string> = {
    goroutine: 'main.parkGoroutines',
    mutex: 'main.contendMutex',
    block: 'main.blockOnChannel',
    threadcreate: 'main.lockThread',
  };
  for (const [path, fn] of Object.entries(expected)) {
    const names = sampledFunctionNames(await fetchProfile(target, path));
    assert.ok(names.has(fn), `${path} names: ${[...names].join(', ')}`);
  }
});

test('stop() ends the process and is idempotent', async (t) => {
  if (!requireBinary(t, 'go')) return;
  const t2 = await startGoTarget();
  await t2.stop();
  await t2.stop();
  assert.throws(() => process.kill(t2.pid, 0), { code: 'ESRCH' });
  await assert.rejects(fetch(`${t2.url}/debug/pprof/`, { signal: AbortSignal.timeout(5000) }));
});
