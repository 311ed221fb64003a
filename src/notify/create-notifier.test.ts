// The notifier's policy with its effects replaced: the retry schedule under
// fake timers, configuration checks, and that notify() never throws. The
// real-HTTP behaviour is tested in test/notify-*.test.ts.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Capture } from '../capture/index.ts';
import { loadConfig } from '../config/index.ts';
import { isGopprofError } from '../errors.ts';
import { createLogger } from '../telemetry/index.ts';
import { createNotifier } from './create-notifier.ts';
import type { ReceiverSpec } from './notifier-config.ts';
import type { NotifyTimers } from './send-request.ts';

const capture = {
  id: 'c-1',
  targetId: 'static/api',
  targetName: 'api',
  target: { labels: {}, owner: 'team-a' },
  type: 'heap',
  seconds: 0,
  trigger: 'manual',
  options: {},
  startedAt: '2026-11-03T10:00:00.000Z',
  finishedAt: '2026-11-03T10:00:01.000Z',
  status: 'ok',
  artifacts: {},
  storedIn: 'primary',
} satisfies Capture;

/** Timers that record every delay and fire backoff waits at once (request deadlines never fire). */
function instantTimers(deadlineMs: number): NotifyTimers & { delays: number[] } {
  const delays: number[] = [];
  return {
    delays,
    setTimeout(callback, ms) {
      if (ms === deadlineMs) return { deadline: true };
      delays.push(ms);
      return setImmediate(callback);
    },
    clearTimeout(handle) {
      if (handle && typeof handle === 'object' && !('deadline' in handle)) clearImmediate(handle as NodeJS.Immediate);
    },
  };
}

test('retries back off exponentially up to the cap, then give up and count a failure', async () => {
  const timers = instantTimers(10_000);
  let calls = 0;
  const fetchImpl = (async () => {
    calls++;
    throw new TypeError('fetch failed', { cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }) });
  }) as typeof fetch;
  const n = createNotifier({
    config: {
      receivers: [{ name: 'hook', kind: 'webhook', url: 'http://hooks.example.com/x' }],
      defaultReceivers: ['hook'],
      attempts: 6,
      initialBackoffSeconds: 1,
      maxBackoffSeconds: 5,
      timeoutSeconds: 10,
    },
    fetchImpl,
    timers,
    random: () => 1,
  });
  n.start();
  n.notify(capture);
  await n.idle();
  assert.equal(calls, 6);
  assert.deepEqual(timers.delays, [1000, 2000, 4000, 5000, 5000]);
  const [s] = n.status();
  assert.deepEqual([s.delivered, s.failed, s.retries, s.inFlight], [0, 1, 5, false]);
  assert.equal(s.lastError?.message, 'connection refused (ECONNREFUSED)');
  assert.equal(s.endpoint, 'http://hooks.example.com');
  await n.stop();
});

test('nothing is sent before start(); what was queued goes out once started', async () => {
  const sent: string[] = [];
  const fetchImpl = (async (url: string) => {
    sent.push(url);
    return new Response('ok');
  }) as unknown as typeof fetch;
  const n = createNotifier({
    config: { receivers: [{ name: 'hook', kind: 'webhook', url: 'http://hooks.example.com/x' }], defaultReceivers: ['hook'] },
    fetchImpl,
  });
  assert.deepEqual(n.notify(capture).queued, ['hook']);
  await new Promise((r) => setTimeout(r, 20));
  assert.deepEqual(sent, []);
  assert.equal(n.status()[0].queued, 1);
  n.start();
  n.start();
  await n.idle();
  assert.deepEqual(sent, ['http://hooks.example.com/x']);
  await n.stop();
});

test('inconsistent receivers or routes are CONFIG_INVALID, naming keys but never URLs', () => {
  assert.throws(
    () =>
      createNotifier({
        config: {
          receivers: [
            { name: 'a', kind: 'slack', url: 'ftp://hooks.slack.com/services/SECRET-TOKEN' },
            { name: 'a', kind: 'webhook', url: 'http://x.example.com' },
          ],
          owners: { team: ['a', 'nope'] },
          defaultReceivers: ['ghost'],
          attempts: 0,
        },
      }),
    (err: unknown) => {
      assert.ok(isGopprofError(err, 'CONFIG_INVALID'));
      assert.match(err.message, /notify\.receivers\[0\]\.url: want an http or https URL/);
      assert.match(err.message, /notify\.receivers\[1\]\.name: "a" is used twice/);
      assert.match(err.message, /notify\.owners\.team\[1\]: no receiver named "nope"/);
      assert.match(err.message, /notify\.defaultReceivers\[0\]: no receiver named "ghost"/);
      assert.match(err.message, /notify\.attempts: want a whole number from 1 to 100, got 0/);
      assert.doesNotMatch(err.message, /SECRET-TOKEN/);
      return true;
    },
  );
});

test('createNotifier applies the same checks as the config loader: receiver keys, owner keys, ranges', () => {
  assert.throws(
    () =>
      createNotifier({
        config: {
          receivers: [{ name: 'a', kind: 'webhook', url: 'http://x.example.com', headers: {} } as ReceiverSpec],
          owners: { ' team': ['a'] },
          attempts: 101,
        },
      }),
    (err: unknown) => {
      assert.ok(isGopprofError(err, 'CONFIG_INVALID'));
      assert.match(err.message, /notify\.receivers\[0\]\.headers: unknown key/);
      assert.match(err.message, /notify\.owners: " team" is not an owner key/);
      assert.match(err.message, /notify\.attempts: want a whole number from 1 to 100, got 101/);
      return true;
    },
  );
});

test('notify() never throws, even for a malformed record; idle() honours its signal', async () => {
  const lines: string[] = [];
  const n = createNotifier({
    config: { receivers: [{ name: 'hook', kind: 'webhook', url: 'http://hooks.example.com/x' }], defaultReceivers: ['hook'] },
    fetchImpl: (() => new Promise(() => {})) as unknown as typeof fetch,
    logger: createLogger('error', { write: (s: string) => void lines.push(s) }),
  });
  const broken = { ...capture, artifacts: undefined } as unknown as Capture;
  assert.deepEqual(n.notify(broken), { owner: 'team-a', routed: false, queued: [], dropped: [] });
  assert.match(lines.join(''), /cannot notify about a capture/);
  n.start();
  n.notify(capture);
  const ac = new AbortController();
  const waiting = n.idle(ac.signal);
  ac.abort();
  await assert.rejects(waiting, (err: unknown) => isGopprofError(err, 'ABORTED'));
});

test('the loaded configuration’s notify section is what createNotifier takes', async () => {
  const config = await loadConfig({
    file: '',
    env: {
      GOPPROF_NOTIFY_RECEIVERS: JSON.stringify([{ name: 'am', kind: 'alertmanager', url: 'http://alertmanager:9093' }]),
      GOPPROF_NOTIFY_OWNERS: '{"team-a": ["am"]}',
    },
  });
  const n = createNotifier({ config: config.notify });
  assert.deepEqual(
    n.status().map((s) => [s.name, s.kind, s.endpoint]),
    [['am', 'alertmanager', 'http://alertmanager:9093']],
  );
  await n.stop();
});
