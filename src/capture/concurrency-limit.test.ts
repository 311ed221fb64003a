import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isGopprofError } from '../errors.ts';
import { createConcurrencyLimit } from './concurrency-limit.ts';

const tick = () => new Promise<void>((r) => setImmediate(r));

/** Jobs the test finishes by hand, recording which run and the peak concurrency. */
function instrumented() {
  const running = new Set<number>();
  let peak = 0;
  const started: number[] = [];
  const finishers = new Map<number, (v: number) => void>();
  const job =
    (id: number) =>
    (_signal: AbortSignal): Promise<number> => {
      running.add(id);
      peak = Math.max(peak, running.size);
      started.push(id);
      const d = Promise.withResolvers<number>();
      finishers.set(id, d.resolve);
      return d.promise.finally(() => running.delete(id));
    };
  return {
    job,
    started,
    running,
    finish: (id: number) => finishers.get(id)?.(id),
    get peak() {
      return peak;
    },
  };
}

describe('createConcurrencyLimit', () => {
  it('never runs more than max at once, and runs queued jobs in FIFO order', async () => {
    const limit = createConcurrencyLimit(3, { maxQueue: 100 });
    const jobs = instrumented();
    const all = Array.from({ length: 20 }, (_, i) => limit.run(jobs.job(i)));
    await tick();
    assert.equal(limit.active, 3);
    assert.equal(limit.queued, 17);
    // Finish in a scrambled order; each completion lets exactly one more start.
    for (let step = 0; step < 20; step++) {
      const running = [...jobs.running];
      assert.equal(running.length, Math.min(3, 20 - step));
      jobs.finish(running[(step * 7) % running.length]);
      await tick();
    }
    assert.deepEqual(
      (await Promise.all(all)).sort((a, b) => a - b),
      Array.from({ length: 20 }, (_, i) => i),
    );
    assert.equal(jobs.peak, 3);
    assert.deepEqual(
      jobs.started,
      Array.from({ length: 20 }, (_, i) => i),
      'started in submission order',
    );
    assert.equal(limit.active, 0);
  });

  it('rejects with OVERLOADED beyond the queue bound, and accepts again once there is room', async () => {
    const limit = createConcurrencyLimit(2, { maxQueue: 3 });
    const jobs = instrumented();
    const accepted = Array.from({ length: 5 }, (_, i) => limit.run(jobs.job(i)));
    await assert.rejects(limit.run(jobs.job(99)), (e) => isGopprofError(e, 'OVERLOADED'));
    await tick();
    assert.deepEqual(jobs.started, [0, 1]);
    jobs.finish(0);
    await tick();
    const late = limit.run(jobs.job(5));
    for (const id of [1, 2, 3, 4, 5]) {
      await tick();
      jobs.finish(id);
    }
    assert.deepEqual(await Promise.all([...accepted, late]), [0, 1, 2, 3, 4, 5]);
    assert.equal(jobs.started.includes(99), false);
  });

  it('maxQueue 0 means no waiting at all', async () => {
    const limit = createConcurrencyLimit(1, { maxQueue: 0 });
    const jobs = instrumented();
    const first = limit.run(jobs.job(0));
    await assert.rejects(limit.run(jobs.job(1)), (e) => isGopprofError(e, 'OVERLOADED'));
    await tick();
    jobs.finish(0);
    assert.equal(await first, 0);
  });

  it('aborting a queued job removes it without running it', async () => {
    const limit = createConcurrencyLimit(1, { maxQueue: 10 });
    const jobs = instrumented();
    const first = limit.run(jobs.job(0));
    const controller = new AbortController();
    const dropped = limit.run(jobs.job(1), controller.signal);
    const third = limit.run(jobs.job(2));
    assert.equal(limit.queued, 2);
    controller.abort();
    await assert.rejects(dropped, (e) => isGopprofError(e, 'ABORTED'));
    assert.equal(limit.queued, 1);
    await tick();
    jobs.finish(0);
    await tick();
    jobs.finish(2);
    assert.deepEqual(await Promise.all([first, third]), [0, 2]);
    assert.deepEqual(jobs.started, [0, 2]);
  });

  it('aborting a running job releases its caller at once but keeps the slot until fn settles', async () => {
    const limit = createConcurrencyLimit(1, { maxQueue: 10 });
    const jobs = instrumented();
    const controller = new AbortController();
    let seen: AbortSignal | undefined;
    const running = limit.run((signal) => {
      seen = signal;
      return jobs.job(0)(signal);
    }, controller.signal);
    const next = limit.run(jobs.job(1));
    await tick();
    controller.abort();
    await assert.rejects(running, (e) => isGopprofError(e, 'ABORTED'));
    assert.equal(seen?.aborted, true, 'fn sees the abort through its signal');
    await tick();
    assert.deepEqual(jobs.started, [0], 'the slot is still taken');
    jobs.finish(0);
    await tick();
    assert.deepEqual(jobs.started, [0, 1]);
    jobs.finish(1);
    assert.equal(await next, 1);
  });

  it('a failing or throwing job frees its slot', async () => {
    const limit = createConcurrencyLimit(1, { maxQueue: 10 });
    const sync = limit.run(() => {
      throw new Error('sync');
    });
    const async_ = limit.run(async () => {
      throw new Error('async');
    });
    await assert.rejects(sync, /sync/);
    await assert.rejects(async_, /async/);
    assert.equal(await limit.run(async () => 'ok'), 'ok');
    assert.equal(limit.active, 0);
  });

  it('rejects a signal that is already aborted without queueing', async () => {
    const limit = createConcurrencyLimit(1, { maxQueue: 10 });
    let ran = false;
    await assert.rejects(
      limit.run(async () => {
        ran = true;
      }, AbortSignal.abort()),
      (e) => isGopprofError(e, 'ABORTED'),
    );
    assert.equal(ran, false);
  });

  it('validates its arguments', () => {
    for (const [max, maxQueue] of [
      [0, 1],
      [1.5, 1],
      [Number.POSITIVE_INFINITY, 1],
      [1, -1],
      [1, Number.POSITIVE_INFINITY],
    ]) {
      assert.throws(
        () => createConcurrencyLimit(max, { maxQueue }),
        (e) => isGopprofError(e, 'OPTION_INVALID'),
      );
    }
  });
});
