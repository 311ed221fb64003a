/**
 * The notifier: tells a target's owner that a capture is ready (or failed)
 * and where the evidence is. `notify()` only enqueues and returns, so a
 * capture never waits on a chat service; each receiver has its own bounded
 * queue and one delivery at a time, so a receiver that is down delays only
 * itself. Failed attempts are retried with backoff (or after Retry-After);
 * what was delivered, dropped or given up on is counted in
 * `gopprof_notifications_total{receiver,result}` and shown by `status()`.
 */
import { randomUUID } from 'node:crypto';
import type { Capture } from '../capture/index.ts';
import { abortError, GopprofError } from '../errors.ts';
import type { Target } from '../targets/index.ts';
import type { Logger, MetricsRegistry } from '../telemetry/index.ts';
import { alertmanagerReceiver } from './alertmanager-receiver.ts';
import { type CaptureMessage, captureMessage } from './capture-message.ts';
import { dingtalkReceiver } from './dingtalk-receiver.ts';
import { describeUrl, scrubSecrets } from './describe-receiver.ts';
import { feishuReceiver } from './feishu-receiver.ts';
import { NOTIFIER_DEFAULTS, type NotifierConfig, type ReceiverKind, type ReceiverSpec } from './notifier-config.ts';
import { notifierConfigProblems } from './notifier-config-problems.ts';
import type { ReceiverProtocol } from './receiver-protocol.ts';
import { resolveReceivers } from './resolve-receivers.ts';
import { backoffDelayMs } from './retry-policy.ts';
import { type AttemptResult, type NotifyTimers, sendRequest } from './send-request.ts';
import { slackReceiver } from './slack-receiver.ts';
import { webhookReceiver } from './webhook-receiver.ts';
import { wecomReceiver } from './wecom-receiver.ts';

/** Each receiver kind's format. */
export const RECEIVER_PROTOCOLS: Readonly<Record<ReceiverKind, ReceiverProtocol>> = {
  webhook: webhookReceiver,
  slack: slackReceiver,
  dingtalk: dingtalkReceiver,
  feishu: feishuReceiver,
  wecom: wecomReceiver,
  alertmanager: alertmanagerReceiver,
};

export interface NotifierOptions {
  /** Receivers, routes and policy; anything left out takes NOTIFIER_DEFAULTS. */
  readonly config: Partial<NotifierConfig>;
  readonly fetchImpl?: typeof fetch;
  readonly logger?: Logger;
  readonly metrics?: MetricsRegistry;
  /** Epoch milliseconds (signatures, timestamps, status). */
  readonly now?: () => number;
  readonly timers?: NotifyTimers;
  /** In [0, 1): the backoff jitter. */
  readonly random?: () => number;
  readonly newId?: () => string;
}

/** What notify() did with one capture. */
export interface NotifyResult {
  readonly owner: string;
  /** False when the owner had no route and the default receivers were used. */
  readonly routed: boolean;
  readonly queued: readonly string[];
  /** Receivers whose queue was full, or the notifier stopped. */
  readonly dropped: readonly string[];
}

/** One receiver's health, for the status API. Never holds its URL or secret. */
export interface ReceiverStatus {
  readonly name: string;
  readonly kind: ReceiverKind;
  /** Scheme and host only. */
  readonly endpoint: string;
  readonly queued: number;
  /** A delivery is under way (sending, or waiting to retry). */
  readonly inFlight: boolean;
  readonly delivered: number;
  /** Deliveries given up on (attempts exhausted, or a refusal that retrying cannot fix). */
  readonly failed: number;
  readonly dropped: number;
  readonly retries: number;
  readonly lastSuccessAt?: string;
  readonly lastFailureAt?: string;
  /** The last failed attempt's error (a delivery may still be retrying). */
  readonly lastError?: { readonly message: string; readonly at: string; readonly status?: number };
}

export interface Notifier {
  /** Enqueues a notification for the capture's owner and returns at once. Never throws. */
  notify(capture: Capture, target?: Target): NotifyResult;
  /** Starts delivering. Idempotent. */
  start(): void;
  /**
   * Stops taking notifications; what is queued gets one more attempt each
   * (no more backoff) until stopTimeoutSeconds, then in-flight requests are
   * aborted and the rest dropped. Idempotent; resolves when all is settled.
   */
  stop(): Promise<void>;
  status(): readonly ReceiverStatus[];
  /** Resolves when every queue is empty and nothing is in flight. */
  idle(signal?: AbortSignal): Promise<void>;
}

interface Job {
  readonly message: CaptureMessage;
  readonly deliveryId: string;
}

interface Lane {
  readonly spec: ReceiverSpec;
  readonly protocol: ReceiverProtocol;
  readonly queue: Job[];
  running: Promise<void> | undefined;
  counts: { delivered: number; failed: number; dropped: number; retries: number };
  lastSuccessAt?: string;
  lastFailureAt?: string;
  lastError?: ReceiverStatus['lastError'];
}

const unrefTimers: NotifyTimers = {
  setTimeout: (callback, ms) => setTimeout(callback, ms).unref(),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/** Builds a notifier; throws CONFIG_INVALID when the receivers or routes are inconsistent. */
export function createNotifier(options: NotifierOptions): Notifier {
  const config: NotifierConfig = { ...NOTIFIER_DEFAULTS, ...options.config };
  const problems = notifierConfigProblems(config);
  if (problems.length > 0) {
    throw new GopprofError('CONFIG_INVALID', `invalid notify configuration:\n  ${problems.join('\n  ')}`, {
      details: { problems: problems.length },
    });
  }
  const fetchImpl = options.fetchImpl ?? fetch;
  const log = options.logger?.child({ component: 'notify' });
  const now = options.now ?? Date.now;
  const timers = options.timers ?? unrefTimers;
  const random = options.random ?? Math.random;
  const newId = options.newId ?? randomUUID;
  const iso = () => new Date(now()).toISOString();
  const total = options.metrics?.counter('gopprof_notifications_total', 'Capture notifications by receiver and result (delivered, failed, dropped).');
  const queuedGauge = options.metrics?.gauge('gopprof_notifications_queued', 'Notifications waiting per receiver.');

  const lanes = new Map<string, Lane>(
    config.receivers.map((spec) => [
      spec.name,
      { spec, protocol: RECEIVER_PROTOCOLS[spec.kind], queue: [], running: undefined, counts: { delivered: 0, failed: 0, dropped: 0, retries: 0 } },
    ]),
  );
  options.metrics?.onCollect(() => {
    for (const lane of lanes.values()) queuedGauge?.set(lane.queue.length, { receiver: lane.spec.name });
  });

  let started = false;
  let accepting = true;
  /** Aborted when stop() begins: backoff waits end, and each job gets one last attempt. */
  const soft = new AbortController();
  /** Aborted at the stop deadline: requests in flight end, the rest is dropped. */
  const hard = new AbortController();
  let stopping: Promise<void> | undefined;
  let idleWaiters: Array<() => void> = [];

  const describe = (spec: ReceiverSpec) => ({ receiver: spec.name, kind: spec.kind, endpoint: describeUrl(spec.url) });
  const count = (lane: Lane, result: 'delivered' | 'failed' | 'dropped', n = 1) => {
    lane.counts = { ...lane.counts, [result]: lane.counts[result] + n };
    total?.inc({ receiver: lane.spec.name, result }, n);
  };
  const isIdle = () => [...lanes.values()].every((l) => l.running === undefined && (l.queue.length === 0 || hard.signal.aborted));
  const checkIdle = () => {
    if (!isIdle()) return;
    const waiters = idleWaiters;
    idleWaiters = [];
    for (const w of waiters) w();
  };

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      if (soft.signal.aborted) return resolve();
      const done = () => {
        timers.clearTimeout(handle);
        soft.signal.removeEventListener('abort', done);
        resolve();
      };
      const handle = timers.setTimeout(done, ms);
      soft.signal.addEventListener('abort', done, { once: true });
    });

  async function attempt(lane: Lane, job: Job): Promise<AttemptResult> {
    let request: ReturnType<ReceiverProtocol['build']>;
    try {
      request = lane.protocol.build(job.message, lane.spec, {
        nowMs: now(),
        deliveryId: job.deliveryId,
        alertDurationSeconds: config.alertDurationSeconds,
      });
    } catch (err) {
      return { ok: false, retryable: false, message: `cannot build the message: ${(err as Error)?.message ?? String(err)}` };
    }
    return sendRequest(request, lane.protocol, {
      fetchImpl,
      timeoutMs: config.timeoutSeconds * 1000,
      timers,
      now,
      signal: hard.signal,
    });
  }

  async function deliver(lane: Lane, job: Job): Promise<void> {
    const who = { ...describe(lane.spec), captureId: job.message.captureId, delivery: job.deliveryId };
    for (let n = 1; ; n++) {
      const result = await attempt(lane, job);
      if (result.ok) {
        lane.lastSuccessAt = iso();
        count(lane, 'delivered');
        log?.info({ ...who, attempts: n, status: result.status }, 'notification delivered');
        return;
      }
      const message = scrubSecrets(result.message, lane.spec);
      lane.lastError = { message, at: iso(), ...(result.status === undefined ? {} : { status: result.status }) };
      lane.lastFailureAt = lane.lastError.at;
      const final = !result.retryable || n >= config.attempts || soft.signal.aborted;
      if (final) {
        count(lane, 'failed');
        log?.warn({ ...who, attempts: n, status: result.status, error: message }, 'notification failed');
        return;
      }
      const delay =
        result.retryAfterMs !== undefined
          ? Math.min(result.retryAfterMs, config.maxRetryAfterSeconds * 1000)
          : backoffDelayMs(n, { initialMs: config.initialBackoffSeconds * 1000, maxMs: config.maxBackoffSeconds * 1000 }, random);
      lane.counts = { ...lane.counts, retries: lane.counts.retries + 1 };
      log?.debug({ ...who, attempt: n, status: result.status, error: message, retryInMs: delay }, 'notification attempt failed, will retry');
      await sleep(delay);
    }
  }

  function kick(lane: Lane): void {
    if (!started || lane.running || hard.signal.aborted || lane.queue.length === 0) return;
    lane.running = (async () => {
      while (lane.queue.length > 0 && !hard.signal.aborted) {
        const job = lane.queue.shift() as Job;
        await deliver(lane, job);
      }
    })().finally(() => {
      lane.running = undefined;
      // A notify() between the loop's last check and here found the lane busy: pick its job up.
      kick(lane);
      checkIdle();
    });
  }

  function notify(capture: Capture, target?: Target): NotifyResult {
    const owner = (target?.owner ?? capture.target?.owner ?? '').trim();
    try {
      const { receivers, routed } = resolveReceivers(owner, config);
      if (!routed && owner !== '') log?.debug({ owner, captureId: capture.id }, 'owner has no notify route, using the default receivers');
      const queued: string[] = [];
      const dropped: string[] = [];
      const message = captureMessage(capture, { target, topFunctions: config.topFunctions });
      for (const name of receivers) {
        const lane = lanes.get(name);
        if (!lane) continue;
        if (!accepting || lane.queue.length >= config.queueSize) {
          dropped.push(name);
          count(lane, 'dropped');
          log?.warn({ ...describe(lane.spec), captureId: capture.id, reason: accepting ? 'queue full' : 'stopped' }, 'notification dropped');
          continue;
        }
        lane.queue.push({ message, deliveryId: newId() });
        queued.push(name);
        kick(lane);
      }
      return { owner, routed, queued, dropped };
    } catch (err) {
      // A notification is best-effort: a bad record must not break the capture that produced it.
      log?.error({ err, captureId: capture?.id }, 'cannot notify about a capture');
      return { owner, routed: false, queued: [], dropped: [] };
    }
  }

  return {
    notify,
    start() {
      if (started || !accepting) return;
      started = true;
      for (const lane of lanes.values()) kick(lane);
    },
    stop() {
      stopping ??= (async () => {
        accepting = false;
        soft.abort();
        const deadline = timers.setTimeout(() => hard.abort(), config.stopTimeoutSeconds * 1000);
        await Promise.all([...lanes.values()].map((l) => l.running));
        timers.clearTimeout(deadline);
        hard.abort();
        let left = 0;
        for (const lane of lanes.values()) {
          if (lane.queue.length > 0) {
            left += lane.queue.length;
            count(lane, 'dropped', lane.queue.length);
            lane.queue.length = 0;
          }
        }
        if (left > 0) log?.warn({ dropped: left }, 'notifier stopped with notifications undelivered');
        checkIdle();
      })();
      return stopping;
    },
    status() {
      return [...lanes.values()].map((l) => ({
        name: l.spec.name,
        kind: l.spec.kind,
        endpoint: describeUrl(l.spec.url),
        queued: l.queue.length,
        inFlight: l.running !== undefined,
        ...l.counts,
        ...(l.lastSuccessAt ? { lastSuccessAt: l.lastSuccessAt } : {}),
        ...(l.lastFailureAt ? { lastFailureAt: l.lastFailureAt } : {}),
        ...(l.lastError ? { lastError: l.lastError } : {}),
      }));
    },
    idle(signal) {
      if (isIdle()) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        const onAbort = () => {
          idleWaiters = idleWaiters.filter((w) => w !== done);
          reject(abortError(signal as AbortSignal, 'waiting for notifications'));
        };
        const done = () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        };
        if (signal?.aborted) return onAbort();
        signal?.addEventListener('abort', onAbort, { once: true });
        idleWaiters.push(done);
      });
    },
  };
}
