// Delivery against local receivers that misbehave the ways real ones do: down
// (closed port) and then up, 500 then 200, a robot's errcode in a 200, 429
// with Retry-After, a hang past the deadline, a redirect. Also the queue bound,
// notify() never waiting, and stop(): bounded, idempotent, draining.
import assert from 'node:assert/strict';
import { type TestContext, test } from 'node:test';
import { createNotifier, type Notifier, type NotifierConfig, type NotifyTimers, type ReceiverSpec } from '../src/notify/index.ts';
import { MetricsRegistry } from '../src/telemetry/index.ts';
import { CLOSED_PORT, freePort, type Responder, sampleCapture, startRecordingServer } from './support/notify-fixtures.ts';

const FAST: Partial<NotifierConfig> = {
  attempts: 5,
  initialBackoffSeconds: 0.02,
  maxBackoffSeconds: 0.05,
  timeoutSeconds: 2,
  stopTimeoutSeconds: 2,
};

/** A started notifier with fast retries, stopped when the test ends (pass or fail). */
function notifierFor(
  t: TestContext,
  receivers: ReceiverSpec[],
  config: Partial<NotifierConfig> = {},
  metrics?: MetricsRegistry,
  timers?: NotifyTimers,
): Notifier {
  const n = createNotifier({
    config: { ...FAST, receivers, defaultReceivers: receivers.map((r) => r.name), ...config },
    metrics,
    random: () => 0.5,
    ...(timers ? { timers } : {}),
  });
  n.start();
  t.after(() => n.stop());
  return n;
}

/** Real timers that record every delay asked for, so a test checks the delay itself rather than a wall-clock bound. */
function recordingTimers(): { timers: NotifyTimers; delays: number[] } {
  const delays: number[] = [];
  return {
    delays,
    timers: {
      setTimeout: (callback, ms) => {
        delays.push(ms);
        return setTimeout(callback, ms).unref();
      },
      clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
    },
  };
}

/** A recording server closed when the test ends. */
async function serverFor(t: TestContext, respond?: Responder, port?: number) {
  const server = await startRecordingServer(respond, port);
  t.after(() => server.close());
  return server;
}

function statusOf(n: Notifier, name: string) {
  const s = n.status().find((x) => x.name === name);
  assert.ok(s, `status of ${name}`);
  return s;
}

async function until(cond: () => boolean, what: string, timeoutMs = 3000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

test('a receiver that is down (closed port) and comes up gets the notification after retries', async (t) => {
  const port = await freePort();
  const n = notifierFor(t, [{ name: 'hook', kind: 'webhook', url: `http://127.0.0.1:${port}/hook`, secret: 'k' }], { attempts: 50 });
  n.notify(sampleCapture());
  await until(() => statusOf(n, 'hook').retries >= 2, 'two failed attempts');
  const down = statusOf(n, 'hook');
  assert.match(down.lastError?.message ?? '', /connection refused \(ECONNREFUSED\)/);
  assert.equal(down.delivered, 0);
  assert.equal(down.inFlight, true);
  const server = await serverFor(t, () => ({}), port);
  const [r] = await server.waitFor(1);
  await n.idle();
  const up = statusOf(n, 'hook');
  assert.equal(up.delivered, 1);
  assert.equal(up.failed, 0);
  assert.ok(up.lastSuccessAt);
  assert.equal(JSON.parse(r.body).capture.captureId, 'c-0001');
});

test('500 then 200: retried with the same delivery id and body; counted once as delivered', async (t) => {
  const server = await serverFor(t, (_req, i) => (i === 0 ? { status: 500, body: 'boom' } : {}));
  const metrics = new MetricsRegistry();
  const n = notifierFor(t, [{ name: 'hook', kind: 'webhook', url: `${server.origin}/hook`, secret: 'k' }], {}, metrics);
  n.notify(sampleCapture());
  const [a, b] = await server.waitFor(2);
  await n.idle();
  assert.equal(a.headers['x-gopprof-delivery'], b.headers['x-gopprof-delivery']);
  assert.equal(a.body, b.body);
  const s = statusOf(n, 'hook');
  assert.deepEqual([s.delivered, s.failed, s.retries], [1, 0, 1]);
  assert.equal(s.lastError?.status, 500);
  assert.equal(s.lastError?.message, 'HTTP 500: boom');
  assert.match(metrics.render(), /gopprof_notifications_total\{receiver="hook",result="delivered"\} 1\n/);
  assert.doesNotMatch(metrics.render(), /result="failed"/);
});

test('a robot answering 200 with errcode ≠ 0 is a failure; signature errors are not retried, throttling is', async (t) => {
  let dingAnswers = ['{"errcode":310000,"errmsg":"sign not match, more: [https://ding-doc.dingtalk.com/doc#/serverapi2/qf2nxq]"}'];
  const server = await serverFor(t, (req, i) => {
    if (req.url.startsWith('/robot')) return { body: dingAnswers[Math.min(i, dingAnswers.length - 1)] };
    return { body: '{"code":19021,"msg":"sign match fail or timestamp is not within one hour from current time"}' };
  });
  const metrics = new MetricsRegistry();
  const n = notifierFor(
    t,
    [
      { name: 'ding', kind: 'dingtalk', url: `${server.origin}/robot/send?access_token=TOK`, secret: 'SEC' },
      { name: 'feishu', kind: 'feishu', url: `${server.origin}/open-apis/bot/v2/hook/ID`, secret: 'SEC' },
    ],
    {},
    metrics,
  );
  n.notify(sampleCapture());
  await server.waitFor(2);
  await n.idle();
  assert.equal(server.requests.length, 2, 'one attempt each: a bad signature does not get better by retrying');
  const ding = statusOf(n, 'ding');
  assert.deepEqual([ding.delivered, ding.failed], [0, 1]);
  assert.match(ding.lastError?.message ?? '', /^errcode 310000: sign not match/);
  assert.equal(ding.lastError?.status, 200);
  assert.match(statusOf(n, 'feishu').lastError?.message ?? '', /^code 19021: sign match fail/);
  assert.match(metrics.render(), /gopprof_notifications_total\{receiver="ding",result="failed"\} 1\n/);

  // 130101: more than 20 messages a minute — worth retrying.
  server.requests.length = 0;
  dingAnswers = ['{"errcode":130101,"errmsg":"send too fast"}', '{"errcode":130101,"errmsg":"send too fast"}', '{"errcode":0,"errmsg":"ok"}'];
  const m = notifierFor(t, [{ name: 'ding', kind: 'dingtalk', url: `${server.origin}/robot/send?access_token=TOK` }]);
  m.notify(sampleCapture());
  await server.waitFor(3);
  await m.idle();
  assert.deepEqual([statusOf(m, 'ding').delivered, statusOf(m, 'ding').retries], [1, 2]);
  await n.stop();
});

test('429 with Retry-After waits as long as the receiver asks, capped by maxRetryAfterSeconds', async (t) => {
  const server = await serverFor(t, (req, i) => {
    if (i > 0) return {};
    return { status: 429, headers: { 'retry-after': req.url === '/capped' ? '3600' : '1' }, body: 'slow down' };
  });
  // Delays other than the requests' own deadlines (FAST.timeoutSeconds) are the waits between attempts.
  const waits = (delays: readonly number[]) => delays.filter((ms) => ms !== (FAST.timeoutSeconds ?? 0) * 1000);
  const first = recordingTimers();
  const n = notifierFor(t, [{ name: 's', kind: 'slack', url: `${server.origin}/services/T/B/X` }], {}, undefined, first.timers);
  n.notify(sampleCapture());
  const [a, b] = await server.waitFor(2);
  const waited = b.at - a.at;
  assert.deepEqual(waits(first.delays), [1000], 'one wait of exactly Retry-After: 1 (backoff alone is ≤ 50 ms)');
  assert.ok(waited >= 950, `waited ${waited.toFixed(0)} ms for Retry-After: 1`);
  await n.stop();

  server.requests.length = 0;
  const second = recordingTimers();
  const capped = notifierFor(t, [{ name: 'c', kind: 'webhook', url: `${server.origin}/capped` }], { maxRetryAfterSeconds: 0.3 }, undefined, second.timers);
  // The responder numbers requests from the cleared list: the first one here gets a 429 again.
  capped.notify(sampleCapture());
  const [c] = await server.waitFor(2);
  assert.equal(c.url, '/capped');
  assert.deepEqual(waits(second.delays), [300], 'Retry-After: 3600 capped to 0.3 s');
});

test('a request past its deadline is abandoned and retried; 4xx and redirects are not retried', async (t) => {
  let release: () => void = () => {};
  const hang = new Promise<void>((r) => {
    release = r;
  });
  const server = await serverFor(t, async (req, i) => {
    if (req.url === '/slow' && i === 0) await hang;
    if (req.url === '/bad') return { status: 400, body: 'invalid_payload' };
    if (req.url === '/moved') return { status: 302, headers: { location: 'http://127.0.0.1:1/elsewhere' } };
    return {};
  });
  const n = notifierFor(
    t,
    [
      { name: 'slow', kind: 'webhook', url: `${server.origin}/slow` },
      { name: 'bad', kind: 'webhook', url: `${server.origin}/bad` },
      { name: 'moved', kind: 'webhook', url: `${server.origin}/moved` },
    ],
    { timeoutSeconds: 0.2 },
  );
  n.notify(sampleCapture());
  await n.idle();
  release();
  const slow = statusOf(n, 'slow');
  assert.deepEqual([slow.delivered, slow.retries], [1, 1]);
  assert.equal(slow.lastError?.message, 'no answer within 0.2s');
  assert.deepEqual([statusOf(n, 'bad').failed, statusOf(n, 'bad').retries], [1, 0]);
  assert.equal(statusOf(n, 'bad').lastError?.message, 'HTTP 400: invalid_payload');
  assert.deepEqual([statusOf(n, 'moved').failed, statusOf(n, 'moved').retries], [1, 0]);
  assert.equal(server.requests.filter((r) => r.url === '/elsewhere').length, 0);
});

test('the queue is bounded per receiver, notify() returns at once, and a dead receiver does not hold up a live one', async (t) => {
  let release: () => void = () => {};
  const gate = new Promise<void>((r) => {
    release = r;
  });
  const stuck: Responder = async () => {
    await gate;
    return {};
  };
  const server = await serverFor(t, async (req, i) => (req.url === '/stuck' ? stuck(req, i) : {}));
  const deadPort = CLOSED_PORT;
  const metrics = new MetricsRegistry();
  const n = notifierFor(
    t,
    [
      { name: 'stuck', kind: 'webhook', url: `${server.origin}/stuck` },
      { name: 'dead', kind: 'webhook', url: `http://127.0.0.1:${deadPort}/` },
      { name: 'live', kind: 'webhook', url: `${server.origin}/live` },
    ],
    { queueSize: 2, attempts: 100, initialBackoffSeconds: 1, maxBackoffSeconds: 1, timeoutSeconds: 10 },
    metrics,
  );
  // notify() only enqueues: it answers synchronously, with the stuck receiver still holding its request.
  const results = [1, 2, 3].map((i) => n.notify(sampleCapture({ id: `c-${i}` })));
  assert.ok(results.every((r) => !(r instanceof Promise)), 'notify only enqueues');
  // The first of each queue goes in flight at once and two wait: all fit.
  for (const r of results) assert.deepEqual([r.queued, r.dropped], [['stuck', 'dead', 'live'], []]);
  await until(() => server.requests.filter((r) => r.url === '/live').length === 3, 'all three at the live receiver');
  // The stuck and dead queues are full (two waiting each); the live one has drained.
  const fourth = n.notify(sampleCapture({ id: 'c-4' }));
  assert.deepEqual([fourth.queued, fourth.dropped], [['live'], ['stuck', 'dead']]);
  await until(() => server.requests.filter((r) => r.url === '/live').length === 4, 'the fourth at the live receiver');
  assert.equal(statusOf(n, 'stuck').queued, 2);
  assert.equal(statusOf(n, 'dead').queued, 2);
  assert.match(metrics.render(), /gopprof_notifications_total\{receiver="stuck",result="dropped"\} 1\n/);
  assert.match(metrics.render(), /gopprof_notifications_queued\{receiver="dead"\} 2\n/);
  release();
  await until(() => statusOf(n, 'stuck').delivered === 3, 'three delivered once the receiver answers');
  assert.equal(statusOf(n, 'stuck').dropped, 1);
  assert.deepEqual(
    server.requests.filter((r) => r.url === '/stuck').map((r) => JSON.parse(r.body).capture.captureId),
    ['c-1', 'c-2', 'c-3'],
    'in order',
  );
  await n.stop();
  // The dead receiver's queue got one last attempt each (refused), then the rest was counted.
  const dead = statusOf(n, 'dead');
  assert.equal(dead.delivered, 0);
  assert.equal(dead.failed + dead.dropped, 4);
  assert.equal(dead.dropped >= 1, true);
});

test('stop() waits for the request in flight, is idempotent, gives a job waiting to retry one last try, then refuses new work', async (t) => {
  let slowAnsweredAt = Number.POSITIVE_INFINITY;
  const server = await serverFor(t, async (req, i) => {
    if (req.url === '/slow') {
      await new Promise((r) => setTimeout(r, 200));
      slowAnsweredAt = performance.now();
      return {};
    }
    return i < 100 ? { status: 503 } : {};
  });
  const n = notifierFor(
    t,
    [
      { name: 'slow', kind: 'webhook', url: `${server.origin}/slow` },
      { name: 'flaky', kind: 'webhook', url: `${server.origin}/flaky` },
    ],
    { initialBackoffSeconds: 30, maxBackoffSeconds: 30 },
  );
  n.notify(sampleCapture());
  await server.waitFor(2);
  await until(() => statusOf(n, 'flaky').retries === 1, 'flaky waiting to retry');
  const t0 = performance.now();
  const first = n.stop();
  assert.equal(n.stop(), first, 'idempotent');
  await first;
  const stoppedAt = performance.now();
  const took = stoppedAt - t0;
  // Checked against when the answer went out, not a share of its 200 ms: the
  // waits above can eat any part of those on a loaded machine.
  assert.ok(stoppedAt >= slowAnsweredAt, 'stop returned before the slow receiver answered');
  assert.ok(took < 10_000, `stop waited for the slow answer, not the 30 s backoff (${took.toFixed(0)} ms)`);
  assert.equal(statusOf(n, 'slow').delivered, 1);
  const flaky = statusOf(n, 'flaky');
  assert.equal(server.requests.filter((r) => r.url === '/flaky').length, 2, 'the retry waiting 30 s ran at once on stop');
  assert.deepEqual([flaky.delivered, flaky.failed], [0, 1]);
  const after = n.notify(sampleCapture());
  assert.deepEqual(after.dropped, ['slow', 'flaky']);
  assert.equal(statusOf(n, 'slow').dropped, 1);
});

test('stop() is bounded: a receiver that never answers is aborted at stopTimeoutSeconds and the rest dropped', async (t) => {
  const server = await serverFor(t, () => new Promise<never>(() => {}));
  const n = notifierFor(t, [{ name: 'hang', kind: 'webhook', url: `${server.origin}/` }], { stopTimeoutSeconds: 0.3, timeoutSeconds: 60 });
  n.notify(sampleCapture({ id: 'c-1' }));
  n.notify(sampleCapture({ id: 'c-2' }));
  n.notify(sampleCapture({ id: 'c-3' }));
  await server.waitFor(1);
  const t0 = performance.now();
  await n.stop();
  const took = performance.now() - t0;
  assert.ok(took >= 250 && took < 10_000, `stopped at stopTimeoutSeconds, not the 60 s request timeout (${took.toFixed(0)} ms)`);
  const s = statusOf(n, 'hang');
  assert.deepEqual([s.delivered, s.failed, s.dropped, s.queued], [0, 1, 2, 0]);
  assert.match(s.lastError?.message ?? '', /notifier stopped/);
});
