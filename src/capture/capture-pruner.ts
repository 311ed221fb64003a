/**
 * Retention in the background: a pass (prune-captures.ts) at start and then
 * every `intervalMs`, each with a deadline. The service auto-profiles pods
 * for as long as it runs; without this its store (an emptyDir by default)
 * fills the disk and the pod is evicted. A failed pass is logged and counted
 * and the next one tries again: retention never stops the service.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { GopprofError } from '../errors.ts';
import type { ObjectStore } from '../storage/index.ts';
import type { Logger, MetricsRegistry } from '../telemetry/index.ts';
import { type PrunedCapture, type PruneResult, pruneCaptures, type RetentionPolicy } from './prune-captures.ts';

/** Settings of the loop itself; the policy says what to delete. */
export interface CapturePrunerTiming {
  /** Pause between the end of one pass and the start of the next. */
  readonly intervalMs: number;
  /** Deadline of one pass. */
  readonly timeoutMs: number;
}

/** Every 10 minutes: a day's expiry is a few list and delete requests, and the disk gains at most 10 minutes of captures. */
export const CAPTURE_PRUNER_DEFAULTS: CapturePrunerTiming = { intervalMs: 600_000, timeoutMs: 600_000 };

export interface CapturePrunerOptions extends Partial<CapturePrunerTiming> {
  readonly store: ObjectStore;
  readonly policy: RetentionPolicy;
  readonly logger: Logger;
  readonly metrics: MetricsRegistry;
  readonly now?: () => Date;
  /** Told of each deleted capture id, e.g. to drop it from the capture service's record cache. */
  readonly onDeleted?: (id: string) => void;
}

export interface CapturePruner {
  /** Starts the loop; the first pass runs at once. Idempotent; does nothing when the policy keeps everything. */
  start(): void;
  /** Cancels the pass in flight and waits for it to end. Idempotent. */
  stop(): Promise<void>;
  /** Runs one pass now (counted and logged like the loop's); rejects with its error. */
  prune(signal?: AbortSignal): Promise<PruneResult>;
}

/** Creates the pruner; nothing runs before start() or prune(). */
export function createCapturePruner(options: CapturePrunerOptions): CapturePruner {
  const { intervalMs, timeoutMs, store, policy } = { ...CAPTURE_PRUNER_DEFAULTS, ...options };
  const now = options.now ?? (() => new Date());
  const log = options.logger.child({ component: 'retention' });
  const m = options.metrics;
  const runs = m.counter('gopprof_retention_runs_total', 'Retention passes over the capture store, by result (ok, failed).');
  const deletedCaptures = m.counter('gopprof_retention_deleted_captures_total', 'Captures deleted by retention, by reason (age, size).');
  const deletedBytes = m.counter('gopprof_retention_deleted_bytes_total', 'Bytes of the captures deleted by retention.');
  const kept = m.gauge('gopprof_retention_kept_in_spool', 'Captures due for deletion at the last pass but kept while part of them waits in the spool.');
  const stored = m.gauge('gopprof_retention_store_bytes', 'Bytes of all captures after the last pass (counted only with a byte limit).');
  const enabled = policy.maxAgeHours > 0 || policy.maxTotalBytes > 0;

  const onDeleted = (c: PrunedCapture): void => {
    deletedCaptures.inc({ reason: c.reason });
    deletedBytes.inc({}, c.bytes);
    try {
      options.onDeleted?.(c.id);
    } catch (err) {
      log.error({ err, captureId: c.id }, 'retention listener threw');
    }
  };

  async function prune(signal?: AbortSignal): Promise<PruneResult> {
    const deadline = new AbortController();
    const timer = setTimeout(
      () => deadline.abort(new GopprofError('ABORTED', `retention pass: deadline of ${timeoutMs} ms exceeded`)),
      timeoutMs,
    ).unref();
    const started = performance.now();
    try {
      const passSignal = signal ? AbortSignal.any([signal, deadline.signal]) : deadline.signal;
      const r = await pruneCaptures({ store, now, onDeleted }, policy, passSignal);
      runs.inc({ result: 'ok' });
      kept.set(r.keptInSpool);
      if (r.totalBytes !== undefined) stored.set(r.totalBytes);
      const ms = Math.round(performance.now() - started);
      if (r.deleted > 0 || r.keptInSpool > 0) log.info({ ...r, ms }, 'retention deleted old captures');
      else log.debug({ ...r, ms }, 'retention found nothing to delete');
      return r;
    } catch (err) {
      if (signal?.aborted) throw err; // stopped: not a failure
      runs.inc({ result: 'failed' });
      log.error({ err }, 'retention pass failed; the next pass retries');
      throw err;
    } finally {
      clearTimeout(timer);
    }
  }

  let controller: AbortController | undefined;
  let loop: Promise<void> | undefined;
  let stopped = false;
  return {
    start() {
      if (loop !== undefined || stopped) return;
      if (!enabled) {
        log.info('retention off: captures are kept until deleted by hand');
        loop = Promise.resolve();
        return;
      }
      log.info({ ...policy, intervalMs }, 'retention on');
      const c = new AbortController();
      controller = c;
      loop = (async () => {
        while (!c.signal.aborted) {
          await prune(c.signal).catch(() => {}); // logged and counted by prune()
          await sleep(intervalMs, undefined, { signal: c.signal, ref: false }).catch(() => {});
        }
      })();
    },
    async stop() {
      stopped = true;
      controller?.abort();
      await loop;
    },
    prune,
  };
}
