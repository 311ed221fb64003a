import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GopprofError, isGopprofError } from '../errors.ts';
import { createSingleFlight } from './single-flight.ts';

/** A promise the test settles by hand, plus the signal fn was given. */
function manual<V>() {
  const d = Promise.withResolvers<V>();
  let signal: AbortSignal | undefined;
  let calls = 0;
  const fn = (s: AbortSignal): Promise<V> => {
    calls++;
    signal = s;
    return d.promise;
  };
  return {
    fn,
    resolve: d.resolve,
    reject: d.reject,
    get calls() {
      return calls;
    },
    get signal() {
      return signal;
    },
  };
}

const tick = () => new Promise<void>((r) => setImmediate(r));

describe('createSingleFlight', () => {
  it('50 concurrent calls for one key run fn once and share its value', async () => {
    const sf = createSingleFlight<string, { bytes: number }>();
    const work = manual<{ bytes: number }>();
    const calls = Array.from({ length: 50 }, () => sf.run('pod/a', work.fn));
    await tick();
    assert.equal(work.calls, 1);
    assert.ok(sf.has('pod/a'));
    const value = { bytes: 42 };
    work.resolve(value);
    const results = await Promise.all(calls);
    for (const r of results) assert.equal(r, value);
    assert.equal(sf.size, 0, 'nothing is cached once settled');
  });

  it('different keys run separately', async () => {
    const sf = createSingleFlight<string, string>();
    let calls = 0;
    const fn = async () => `v${++calls}`;
    const [a, b] = await Promise.all([sf.run('a', fn), sf.run('b', fn)]);
    assert.equal(calls, 2);
    assert.notEqual(a, b);
  });

  it('a call after the work settled starts new work', async () => {
    const sf = createSingleFlight<string, number>();
    let calls = 0;
    const fn = async () => ++calls;
    assert.equal(await sf.run('k', fn), 1);
    assert.equal(await sf.run('k', fn), 2);
  });

  it('an error reaches every caller, and is not cached', async () => {
    const sf = createSingleFlight<string, number>();
    const work = manual<number>();
    const calls = Array.from({ length: 10 }, () => sf.run('k', work.fn));
    await tick();
    const boom = new GopprofError('FETCH_BUSY', 'busy');
    work.reject(boom);
    const outcomes = await Promise.allSettled(calls);
    for (const o of outcomes) assert.deepEqual(o, { status: 'rejected', reason: boom });
    assert.equal(await sf.run('k', async () => 7), 7);
  });

  it('a synchronous throw in fn becomes a rejection for every caller', async () => {
    const sf = createSingleFlight<string, number>();
    const fn = (): Promise<number> => {
      throw new Error('sync');
    };
    const outcomes = await Promise.allSettled([sf.run('k', fn), sf.run('k', fn)]);
    assert.deepEqual(
      outcomes.map((o) => o.status === 'rejected' && (o.reason as Error).message),
      ['sync', 'sync'],
    );
  });

  it('one caller aborting leaves the work running for the others', async () => {
    const sf = createSingleFlight<string, number>();
    const work = manual<number>();
    const quitter = new AbortController();
    const leaving = sf.run('k', work.fn, quitter.signal);
    const staying = sf.run('k', work.fn, new AbortController().signal);
    const noSignal = sf.run('k', work.fn);
    await tick();
    quitter.abort();
    await assert.rejects(leaving, (e) => isGopprofError(e, 'ABORTED'));
    assert.equal(work.signal?.aborted, false);
    work.resolve(5);
    assert.equal(await staying, 5);
    assert.equal(await noSignal, 5);
    assert.equal(work.calls, 1);
  });

  it('the work is aborted only when every caller has aborted, and the next call starts afresh', async () => {
    const sf = createSingleFlight<string, number>();
    const work = manual<number>();
    const controllers = Array.from({ length: 3 }, () => new AbortController());
    const calls = controllers.map((c) => sf.run('k', work.fn, c.signal));
    await tick();
    controllers[0].abort();
    controllers[1].abort();
    assert.equal(work.signal?.aborted, false);
    controllers[2].abort(new GopprofError('TARGET_GONE', 'pod deleted'));
    assert.equal(work.signal?.aborted, true);
    assert.ok(isGopprofError(work.signal?.reason, 'ABORTED'));
    const outcomes = await Promise.allSettled(calls);
    assert.deepEqual(
      outcomes.map((o) => o.status === 'rejected' && (o.reason as GopprofError).code),
      ['ABORTED', 'ABORTED', 'TARGET_GONE'],
    );
    assert.equal(sf.has('k'), false);
    // The abandoned work settling late (here: rejecting) disturbs nothing.
    work.reject(new Error('late'));
    assert.equal(await sf.run('k', async () => 9), 9);
  });

  it('a caller whose signal is already aborted neither starts nor joins work', async () => {
    const sf = createSingleFlight<string, number>();
    let calls = 0;
    await assert.rejects(
      sf.run('k', async () => ++calls, AbortSignal.abort()),
      (e) => isGopprofError(e, 'ABORTED'),
    );
    assert.equal(calls, 0);
    assert.equal(sf.size, 0);
  });

  it('groups are independent', async () => {
    const one = createSingleFlight<string, number>();
    const two = createSingleFlight<string, number>();
    const work = manual<number>();
    const a = one.run('k', work.fn);
    const b = two.run('k', work.fn);
    await tick();
    assert.equal(work.calls, 2);
    work.resolve(1);
    assert.deepEqual(await Promise.all([a, b]), [1, 1]);
  });
});
