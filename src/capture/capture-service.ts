/**
 * The capture use case: target → fetch → analyse (decode, graph, DOT,
 * summary) → render SVG → store, with single-flight per target and type, a
 * global concurrency limit, per-target health and metrics. The raw profile is
 * stored first, so a capture whose analysis or rendering fails still keeps its
 * evidence.
 */
import { GopprofError, isGopprofError } from '../errors.ts';
import type { FetchOptions, FetchResult } from '../fetch/index.ts';
import type { ObjectStore, StoredIn } from '../storage/index.ts';
import type { TargetRegistry } from '../targets/index.ts';
import { isProfileType, type ProfileType, type Target } from '../targets/index.ts';
import type { Logger, MetricsRegistry } from '../telemetry/index.ts';
import type {
  Artifact,
  Capture,
  CaptureRequest,
  CaptureService,
  CaptureSummary,
  EngineOptions,
} from './capture.ts';
import { captureKeys, newCaptureId } from './capture-keys.ts';
import { type CaptureRepository, createCaptureRepository } from './capture-repository.ts';
import { createConcurrencyLimit } from './concurrency-limit.ts';
import { createSingleFlight } from './single-flight.ts';
import { createTargetHealth } from './target-health.ts';

/** What analysing a raw profile yields. */
export interface Analysis {
  readonly dot: string;
  readonly summary: CaptureSummary;
}

export interface CaptureLimits {
  readonly maxConcurrent: number;
  readonly maxQueued: number;
  readonly defaultSeconds: number;
  readonly maxSeconds: number;
  readonly fetchMarginSeconds: number;
  readonly maxProfileBytes: number;
  readonly linkExpirySeconds: number;
}

/** Everything the service needs, injected. */
export interface CaptureDeps {
  readonly targets: TargetRegistry;
  readonly fetch: (target: Target, type: ProfileType, options: FetchOptions) => Promise<FetchResult>;
  readonly analyze: (bytes: Uint8Array, options: EngineOptions, signal?: AbortSignal) => Promise<Analysis>;
  readonly render: (dot: string, signal?: AbortSignal) => Promise<string>;
  readonly store: ObjectStore;
  readonly limits: CaptureLimits;
  readonly metrics: MetricsRegistry;
  readonly logger: Logger;
  readonly now?: () => Date;
  readonly newId?: (now: Date, type: ProfileType) => string;
}

/**
 * The deadline for storing a capture's artifacts and record. Storing does not
 * take the caller's signal: once a profile is fetched it is evidence, and a
 * caller who leaves (or a server that stops) cancels the analysis, not that.
 * Generous, since a put waits out the object store's own deadline before it
 * falls back to the spool.
 */
const STORE_DEADLINE_MS = 120_000;

function errorInfo(err: unknown): { code: string; message: string } {
  if (err instanceof GopprofError) return { code: err.code, message: err.message };
  return { code: 'INTERNAL', message: 'internal error' };
}

/** Turns anything thrown into a GopprofError that names the capture. */
function asGopprofError(err: unknown, captureId: string): GopprofError {
  if (err instanceof GopprofError) {
    return new GopprofError(err.code, err.message, { cause: err, details: { ...err.details, captureId } });
  }
  return new GopprofError('INTERNAL', `capture ${captureId} failed: ${(err as Error)?.message ?? String(err)}`, {
    cause: err,
    details: { captureId },
  });
}

/** A Capture whose `error` is set is a failed capture; `profile()` rejects with `error`. */
interface Outcome {
  readonly capture: Capture;
  readonly error?: GopprofError;
}

export interface CaptureServiceHandle extends CaptureService {
  /** Records a note shown for a target in ListTargets (e.g. why it is not auto-profiled). */
  setTargetNote(targetId: string, note: string | undefined): void;
  /** Forgets a capture that retention deleted, so GetCapture stops answering it from the record cache. */
  forget(captureId: string): void;
}

/** Creates the CaptureService. */
export function createCaptureService(deps: CaptureDeps): CaptureServiceHandle {
  const now = deps.now ?? (() => new Date());
  const newId = deps.newId ?? ((d: Date, t: ProfileType) => newCaptureId(d, t));
  const log = deps.logger.child({ component: 'capture' });
  const repo: CaptureRepository = createCaptureRepository(deps.store, { now });
  const limit = createConcurrencyLimit(deps.limits.maxConcurrent, { maxQueue: deps.limits.maxQueued });
  const captureFlight = createSingleFlight<string, Outcome>();
  const fetchFlight = createSingleFlight<string, FetchResult>();
  const health = createTargetHealth(() => deps.targets.list().map((t) => t.id));

  const m = deps.metrics;
  const captures = m.counter('gopprof_captures_total', 'Captures finished, by profile type, trigger and result.');
  const failures = m.counter('gopprof_capture_failures_total', 'Failed captures, by error code.');
  const duration = m.histogram('gopprof_capture_duration_seconds', 'Wall time of a capture, fetch included.');
  const processing = m.histogram('gopprof_capture_processing_seconds', 'Analysis and rendering time of a capture, fetch excluded.');
  const inFlight = m.gauge('gopprof_captures_in_flight', 'Captures running now.');
  const fetchedBytes = m.counter('gopprof_fetched_bytes_total', 'Bytes of raw profiles fetched.');
  const spooled = m.counter('gopprof_captures_spooled_total', 'Captures kept in the local spool because the object store was down.');

  function resolveSeconds(type: ProfileType, seconds: number): number {
    if (!Number.isInteger(seconds) || seconds < 0) {
      throw new GopprofError('OPTION_INVALID', `seconds must be a whole number ≥ 0, got ${seconds}`);
    }
    if (seconds > deps.limits.maxSeconds) {
      throw new GopprofError('OPTION_INVALID', `seconds ${seconds} exceeds the limit of ${deps.limits.maxSeconds}`);
    }
    return type === 'cpu' && seconds === 0 ? deps.limits.defaultSeconds : seconds;
  }

  async function artifact(key: string, contentType: string, size: number, signal?: AbortSignal): Promise<Artifact> {
    const url = await deps.store.url(key, { expiresSeconds: deps.limits.linkExpirySeconds }, signal);
    return { key, url, contentType, size };
  }

  /**
   * Links are made anew on every read: presigned links expire, and a spooled
   * artifact's local link stops working once it has been uploaded. For the
   * same reason a record stored as 'spool' says where its objects are now.
   */
  async function freshUrls(c: Capture, signal?: AbortSignal): Promise<Capture> {
    const entries = await Promise.all(
      Object.entries(c.artifacts).map(async ([name, a]) => [name, await artifact(a.key, a.contentType, a.size, signal)] as const),
    );
    return { ...c, artifacts: Object.fromEntries(entries), storedIn: await storedNow(c, signal) };
  }

  /**
   * 'spool' while any object of the capture is still in the spool, 'primary'
   * once all are uploaded. A record that says 'primary' had its artifacts in
   * the primary when it was written; only the record itself may have been
   * spooled since, so only it is looked up.
   */
  async function storedNow(c: Capture, signal?: AbortSignal): Promise<StoredIn> {
    const locate = deps.store.locate?.bind(deps.store);
    if (locate === undefined) return c.storedIn;
    const record = captureKeys(c.id).metadata;
    const keys = c.storedIn === 'spool' ? [...Object.values(c.artifacts).map((a) => a.key), record] : [record];
    const places = await Promise.all(keys.map((key) => locate(key, signal)));
    return places.includes('spool') ? 'spool' : 'primary';
  }

  /**
   * A fetch that fails at the network level from a target that is no longer
   * current (its pod was deleted mid-capture) is reported as TARGET_GONE,
   * which says what happened; other failures pass through unchanged.
   */
  async function goneIfVanished(err: unknown, target: Target, signal: AbortSignal): Promise<never> {
    if (isGopprofError(err, 'FETCH_REFUSED', 'FETCH_RESET', 'FETCH_TIMEOUT', 'FETCH_FAILED') && deps.targets.isCurrent) {
      const current = await deps.targets.isCurrent(target.id, signal).catch(() => true);
      if (!current) {
        const what = target.pod ? `pod ${target.pod.namespace}/${target.pod.name} (uid ${target.pod.uid})` : `target ${target.name}`;
        throw new GopprofError('TARGET_GONE', `${what} was ${target.pod ? 'deleted' : 'removed'} during the capture`, {
          cause: err,
          details: { ...err.details, target: target.id },
        });
      }
    }
    throw err;
  }

  async function run(target: Target, req: CaptureRequest, seconds: number, signal: AbortSignal): Promise<Outcome> {
    const started = now();
    const id = newId(started, req.type);
    const keys = captureKeys(id);
    const artifacts: { -readonly [K in keyof Capture['artifacts']]: Artifact } = {};
    const storedIn: StoredIn[] = [];
    let summary: CaptureSummary | undefined;
    let error: GopprofError | undefined;
    // Started on first use: the fetch, which may take minutes, is not part of it.
    let storeSignal: AbortSignal | undefined;
    const keep = () => (storeSignal ??= AbortSignal.timeout(STORE_DEADLINE_MS));
    const put = async (key: string, body: Uint8Array, contentType: string) => {
      const r = await deps.store.put(key, body, { contentType }, keep());
      storedIn.push(r.storedIn);
      return artifact(key, contentType, body.byteLength, keep());
    };
    inFlight.inc();
    try {
      const fetched = await fetchFlight.run(
        `${target.id}\u0000${req.type}\u0000${seconds}`,
        (s) =>
          deps.fetch(target, req.type, {
            seconds,
            signal: s,
            maxBytes: deps.limits.maxProfileBytes,
            marginMs: deps.limits.fetchMarginSeconds * 1000,
          }),
        signal,
      ).catch((err: unknown) => goneIfVanished(err, target, signal));
      fetchedBytes.inc({}, fetched.bytes.byteLength);
      // Evidence first: the raw bytes are stored before anything can fail on them.
      artifacts.profile = await put(keys.profile, fetched.bytes, 'application/octet-stream');
      const t0 = performance.now();
      const analysis = await deps.analyze(fetched.bytes, req.options ?? {}, signal);
      summary = analysis.summary;
      artifacts.dot = await put(keys.dot, new TextEncoder().encode(analysis.dot), 'text/vnd.graphviz; charset=utf-8');
      const svg = await deps.render(analysis.dot, signal);
      processing.observe((performance.now() - t0) / 1000, { type: req.type });
      artifacts.svg = await put(keys.svg, new TextEncoder().encode(svg), 'image/svg+xml');
    } catch (err) {
      error = asGopprofError(err, id);
    }
    const finished = now();
    const base: Capture = {
      id,
      targetId: target.id,
      targetName: target.name,
      target: { labels: target.labels, owner: target.owner, ...(target.pod ? { pod: target.pod } : {}) },
      type: req.type,
      seconds,
      trigger: req.trigger ?? 'manual',
      ...(req.auto ? { auto: req.auto } : {}),
      options: req.options ?? {},
      startedAt: started.toISOString(),
      finishedAt: finished.toISOString(),
      status: error ? 'failed' : 'ok',
      ...(error ? { error: errorInfo(error) } : {}),
      artifacts,
      ...(summary ? { summary } : {}),
      // Where the artifacts are; the record is written once, last, with it.
      storedIn: storedIn.includes('spool') ? 'spool' : 'primary',
    };
    let capture = base;
    try {
      // A record that lands in the spool itself says 'primary' when its artifacts did: reads
      // look the record up (storedNow), and the caller is told here.
      if ((await repo.save(base, keep())) === 'spool') capture = { ...base, storedIn: 'spool' };
      if (capture.storedIn === 'spool') spooled.inc();
    } catch (err) {
      log.error({ err, captureId: id }, 'capture record could not be stored');
      error ??= asGopprofError(err, id);
    }
    inFlight.dec();
    duration.observe((finished.getTime() - started.getTime()) / 1000, { type: req.type });
    captures.inc({ type: req.type, trigger: capture.trigger, result: error ? 'failed' : 'ok' });
    if (error) {
      failures.inc({ code: error.code });
      const lastError = { ...errorInfo(error), at: finished.toISOString() };
      health.update(target.id, (h) => {
        h.lastError = lastError;
      });
      log.warn({ captureId: id, target: target.id, type: req.type, code: error.code, reason: error.message }, 'capture failed');
    } else {
      health.update(target.id, (h) => {
        h.lastCaptureAt = finished.toISOString();
        h.lastCaptureId = id;
      });
      log.info({ captureId: id, target: target.id, type: req.type, storedIn: capture.storedIn }, 'capture stored');
    }
    return error ? { capture, error } : { capture };
  }

  async function capture(req: CaptureRequest, signal?: AbortSignal): Promise<Outcome> {
    if (!isProfileType(req.type)) throw new GopprofError('PROFILE_TYPE_INVALID', `unknown profile type "${req.type}"`);
    const seconds = resolveSeconds(req.type, req.seconds);
    const target = deps.targets.get(req.targetId);
    const key = JSON.stringify([target.id, req.type, seconds, req.options ?? {}, req.trigger ?? 'manual', req.auto ?? null]);
    return captureFlight.run(key, (s) => limit.run(() => run(target, req, seconds, s), s), signal);
  }

  function failedRecord(req: CaptureRequest, err: GopprofError): Capture {
    const t = now().toISOString();
    return {
      id: '',
      targetId: req.targetId,
      targetName: req.targetId,
      target: { labels: {}, owner: '' },
      type: isProfileType(req.type) ? req.type : 'cpu',
      seconds: req.seconds,
      trigger: req.trigger ?? 'manual',
      options: req.options ?? {},
      startedAt: t,
      finishedAt: t,
      status: 'failed',
      error: errorInfo(err),
      artifacts: {},
      storedIn: 'primary',
    };
  }

  return {
    async profile(req, signal) {
      const outcome = await capture(req, signal);
      if (outcome.error) throw outcome.error;
      return outcome.capture;
    },

    async *profileMany(requests, options, signal) {
      const width = Math.max(1, Math.min(options.concurrency ?? deps.limits.maxConcurrent, requests.length));
      const done: Capture[] = [];
      let wake: (() => void) | undefined;
      let next = 0;
      let running = 0;
      const launch = () => {
        while (running < width && next < requests.length) {
          const req = requests[next++];
          running++;
          capture(req, signal)
            .then(
              (o) => o.capture,
              (err: unknown) => failedRecord(req, isGopprofError(err) ? err : asGopprofError(err, '')),
            )
            .then((c) => {
              running--;
              done.push(c);
              wake?.();
            });
        }
      };
      launch();
      let yielded = 0;
      while (yielded < requests.length) {
        if (done.length === 0) {
          await new Promise<void>((resolve) => {
            wake = resolve;
          });
        }
        wake = undefined;
        while (done.length > 0) {
          yielded++;
          yield done.shift()!;
        }
        launch();
      }
    },

    get: async (id, signal) => freshUrls(await repo.get(id, signal), signal),
    list: async (filter, signal) => {
      const page = await repo.list(filter, signal);
      return { ...page, captures: await Promise.all(page.captures.map((c) => freshUrls(c, signal))) };
    },

    targets() {
      return deps.targets.list().map((target) => ({ target, ...(health.get(target.id) ?? {}) }));
    },

    forget: (captureId) => repo.forget(captureId),

    setTargetNote(targetId, note) {
      if (note === undefined) health.clearNote(targetId);
      else
        health.update(targetId, (h) => {
          h.note = note;
        });
    },
  };
}
