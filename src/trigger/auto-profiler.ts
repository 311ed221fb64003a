/**
 * The auto-profiler's loop: once per window (just after it closes, plus a
 * little time for late data) it asks the metrics source for every pod's usage
 * in ONE query, evaluates the rules (evaluate-rules.ts), and profiles the pods
 * that fired through the CaptureService, which records them with trigger
 * 'auto' and enforces the service's concurrency limit. A metrics source that
 * is down costs an evaluation, not the loop: the error is recorded, counted
 * and shown in the status, and the next window is tried as usual.
 */
import type { Capture, CaptureRequest, CaptureService } from '../capture/index.ts';
import { abortError, GopprofError, isGopprofError } from '../errors.ts';
import type { UsageSource } from '../metrics/index.ts';
import type { Target, TargetRegistry } from '../targets/index.ts';
import type { Logger, MetricsRegistry } from '../telemetry/index.ts';
import {
  type AutoProfilerClock,
  delayUntilNextWindow,
  latestWindowEnd,
  SYSTEM_AUTO_PROFILER_CLOCK,
  timedOut,
} from './auto-profiler-clock.ts';
import { type AutoProfilerStatus, autoProfilerStatus, type LoopRecord } from './auto-profiler-status.ts';
import { type CaptureDecision, type EvaluationResult, evaluateRules, type PodTarget } from './evaluate-rules.ts';
import { checkTriggerPolicy, type TriggerPolicy } from './trigger-policy.ts';
import { emptyTriggerState, releaseCapture, type TriggerState } from './trigger-state.ts';

/** How long stop() waits for cancelled captures to settle. */
const CANCEL_GRACE_MS = 5000;

/** The policy plus how the loop runs. */
export interface AutoProfilerConfig extends TriggerPolicy {
  /** Only pods in these namespaces; empty = all. */
  readonly namespaces: readonly string[];
  /** How long after a window closes it is evaluated, so late points are in. */
  readonly lateDataSeconds: number;
  /** How long stop() lets running captures finish before cancelling them. */
  readonly stopTimeoutSeconds: number;
}

export interface AutoProfilerOptions {
  readonly source: UsageSource;
  /** setTargetNote, when present, shows why a target is not profiled automatically in ListTargets. */
  readonly captureService: CaptureService & { setTargetNote?(targetId: string, note: string | undefined): void };
  readonly targets: Pick<TargetRegistry, 'list'>;
  readonly config: AutoProfilerConfig;
  readonly logger: Logger;
  readonly metrics: MetricsRegistry;
  readonly clock?: AutoProfilerClock;
  /** Called with each automatic capture's record (ok or failed) once it is stored; must not block. */
  readonly notify?: (capture: Capture, target: Target | undefined) => void;
}

/** What one evaluation did. */
export interface EvaluationReport {
  /** End (ms) of the latest window evaluated. */
  readonly windowEnd: number;
  /** The rules' result; absent when the metrics source failed. */
  readonly result?: EvaluationResult;
  /** The metrics source's error, when it failed. */
  readonly error?: GopprofError;
  /** Records of the captures it took, ok or failed (those that never ran have an empty id). */
  readonly captures: readonly Capture[];
  /** Query + rules, ms. */
  readonly durationMs: number;
  readonly queryMs: number;
  readonly ruleMs: number;
}

export interface AutoProfiler {
  /** Starts the loop: an evaluation now, then one per window. Idempotent; no-op after stop(). */
  start(): void;
  /** Stops the loop and waits for the running evaluation and its captures (bounded). Idempotent. */
  stop(): Promise<void>;
  /**
   * Evaluates the windows complete at the clock's now and waits for the
   * captures decided. For tests and benchmarks; serialized with the loop.
   */
  evaluateNow(signal?: AbortSignal): Promise<EvaluationReport>;
  status(): AutoProfilerStatus;
}

/** Creates the auto-profiler; the policy is checked here (OPTION_INVALID). Nothing runs until start(). */
export function createAutoProfiler(options: AutoProfilerOptions): AutoProfiler {
  const config = options.config;
  checkTriggerPolicy(config);
  const clock = options.clock ?? SYSTEM_AUTO_PROFILER_CLOCK;
  const log = options.logger.child({ component: 'autoprofiler' });
  const windowMs = config.windowSeconds * 1000;
  const lateMs = config.lateDataSeconds * 1000;
  const namespaces = new Set(config.namespaces);
  const service = options.captureService;

  const m = options.metrics;
  const evaluations = m.counter('gopprof_autoprofiler_evaluations_total', 'Auto-profiler evaluations, by result (ok, error).');
  const evaluationSeconds = m.histogram('gopprof_autoprofiler_evaluation_seconds', 'Time of one evaluation: the metrics query and the rules.');
  const hotPods = m.gauge('gopprof_autoprofiler_hot_pods', 'Pods at or above a rule threshold in the latest window, by rule.');
  const skippedPods = m.gauge('gopprof_autoprofiler_skipped_pods', 'Targets the rules could not judge (no limit, no data).');
  const sourceUp = m.gauge('gopprof_autoprofiler_source_up', '1 when the latest metrics query succeeded, 0 when it failed.');
  const captures = m.counter('gopprof_autoprofiler_captures_total', 'Automatic captures triggered, by rule, profile type and result (ok, failed, rejected).');

  let state: TriggerState = emptyTriggerState();
  let last: EvaluationResult | undefined;
  let loop: LoopRecord = { running: false, source: options.source.describe(), evaluations: 0, consecutiveFailures: 0, podsEvaluated: 0 };
  const noted = new Set<string>();
  const stopController = new AbortController();
  const inFlight = new Set<Promise<unknown>>();
  let chain: Promise<unknown> = Promise.resolve();
  let timer: unknown;
  let lastLoopWindowEnd = Number.NEGATIVE_INFINITY;
  let started = false;
  let stopping: Promise<void> | undefined;

  const track = <T>(p: Promise<T>): Promise<T> => {
    inFlight.add(p);
    void p.then(
      () => inFlight.delete(p),
      () => inFlight.delete(p),
    );
    return p;
  };

  /** The pods that are targets in the watched namespaces, and each target by id (for notify). */
  function podTargets(): { pods: PodTarget[]; byId: Map<string, Target> } {
    const pods: PodTarget[] = [];
    const byId = new Map<string, Target>();
    for (const t of options.targets.list()) {
      if (t.pod === undefined || (namespaces.size > 0 && !namespaces.has(t.pod.namespace))) continue;
      pods.push({ targetId: t.id, namespace: t.pod.namespace, pod: t.pod.name, workload: t.pod.workload });
      byId.set(t.id, t);
    }
    return { pods, byId };
  }

  /** Shows each skip reason in ListTargets, and clears notes of targets no longer skipped. */
  function updateNotes(result: EvaluationResult): void {
    if (service.setTargetNote === undefined) return;
    const now = new Set<string>();
    for (const s of result.skipped) {
      now.add(s.target.targetId);
      service.setTargetNote(s.target.targetId, s.reason);
    }
    for (const id of noted) if (!now.has(id)) service.setTargetNote(id, undefined);
    noted.clear();
    for (const id of now) noted.add(id);
  }

  function recordMetrics(result: EvaluationResult): void {
    for (const rule of config.rules) hotPods.set(result.findings.filter((f) => f.rule === rule.name).length, { rule: rule.name });
    skippedPods.set(result.skipped.length);
  }

  async function runCaptures(decisions: readonly CaptureDecision[], byId: ReadonlyMap<string, Target>, signal: AbortSignal): Promise<Capture[]> {
    if (decisions.length === 0) return [];
    const requests: CaptureRequest[] = decisions.map((d) => ({
      targetId: d.target.targetId,
      type: d.type,
      seconds: d.seconds,
      trigger: 'auto',
      auto: d.auto,
    }));
    const byKey = new Map(decisions.map((d) => [`${d.target.targetId}\u0000${d.type}`, d]));
    const records: Capture[] = [];
    for await (const capture of service.profileMany(requests, {}, signal)) {
      records.push(capture);
      const d = byKey.get(`${capture.targetId}\u0000${capture.type}`);
      const ran = capture.id !== '';
      captures.inc({ rule: d?.auto.rule ?? '', type: capture.type, result: ran ? capture.status : 'rejected' });
      if (!ran) {
        // Nothing was captured (overloaded, pod gone, stopping): let the next evaluation try again.
        if (d) state = releaseCapture(state, { ...d.target, type: d.type, until: d.until });
        log.warn({ target: capture.targetId, type: capture.type, code: capture.error?.code, reason: capture.error?.message }, 'automatic capture not started');
        continue;
      }
      if (capture.status === 'ok') log.info({ captureId: capture.id, target: capture.targetId, type: capture.type, rule: d?.auto.rule }, 'automatic capture stored');
      else log.warn({ captureId: capture.id, target: capture.targetId, type: capture.type, code: capture.error?.code }, 'automatic capture failed');
      try {
        options.notify?.(capture, byId.get(capture.targetId));
      } catch (err) {
        log.error({ err, captureId: capture.id }, 'notifying about an automatic capture failed');
      }
    }
    return records;
  }

  async function evaluate(signal: AbortSignal, awaitCaptures: boolean): Promise<EvaluationReport> {
    if (signal.aborted) throw abortError(signal, 'auto-profiler evaluation');
    const at = clock.now();
    const windowEnd = latestWindowEnd(at, windowMs, lateMs);
    const t0 = performance.now();
    let usage: Awaited<ReturnType<UsageSource['query']>>;
    try {
      usage = await options.source.query({ end: windowEnd, windowSeconds: config.windowSeconds, count: config.windows, namespaces: config.namespaces }, signal);
    } catch (err) {
      if (signal.aborted) throw abortError(signal, 'auto-profiler evaluation');
      const error = isGopprofError(err)
        ? err
        : new GopprofError('METRICS_UNAVAILABLE', `${options.source.describe()}: ${(err as Error)?.message ?? String(err)}`, { cause: err });
      const durationMs = performance.now() - t0;
      evaluations.inc({ result: 'error' });
      evaluationSeconds.observe(durationMs / 1000);
      sourceUp.set(0);
      loop = {
        ...loop,
        evaluations: loop.evaluations + 1,
        lastEvaluation: { at: new Date(at).toISOString(), durationMs, windowEnd: new Date(windowEnd).toISOString(), ok: false },
        lastError: { code: error.code, message: error.message, at: new Date(at).toISOString() },
        consecutiveFailures: loop.consecutiveFailures + 1,
      };
      log.warn({ code: error.code, reason: error.message, failures: loop.consecutiveFailures }, 'metrics query failed; trying again next window');
      return { windowEnd, error, captures: [], durationMs, queryMs: durationMs, ruleMs: 0 };
    }
    const t1 = performance.now();
    const targets = podTargets();
    const result = evaluateRules(config, state, { usage, targets: targets.pods, windowEnd, now: clock.now() });
    const t2 = performance.now();
    state = result.state;
    last = result;
    const durationMs = t2 - t0;
    evaluations.inc({ result: 'ok' });
    evaluationSeconds.observe(durationMs / 1000);
    sourceUp.set(1);
    loop = {
      ...loop,
      evaluations: loop.evaluations + 1,
      lastEvaluation: { at: new Date(at).toISOString(), durationMs, windowEnd: new Date(windowEnd).toISOString(), ok: true },
      lastSuccessAt: new Date(at).toISOString(),
      consecutiveFailures: 0,
      podsEvaluated: result.podsEvaluated,
    };
    updateNotes(result);
    recordMetrics(result);
    log.debug({ pods: usage.length, hot: result.findings.length, decisions: result.decisions.length, ms: Math.round(durationMs) }, 'evaluated');
    const report = { windowEnd, result, durationMs, queryMs: t1 - t0, ruleMs: t2 - t1 };
    const running = track(runCaptures(result.decisions, targets.byId, signal));
    if (!awaitCaptures) {
      running.catch((err: unknown) => log.error({ err }, 'automatic captures failed'));
      return { ...report, captures: [] };
    }
    return { ...report, captures: await running };
  }

  /** Runs evaluations one at a time, in call order. */
  function serialized(signal: AbortSignal, awaitCaptures: boolean): Promise<EvaluationReport> {
    const run = chain.then(() => evaluate(signal, awaitCaptures));
    chain = run.catch(() => undefined);
    return track(run);
  }

  /**
   * Waits until nothing is in flight, including captures an evaluation still
   * running starts meanwhile; false if `ms` passed first.
   */
  async function drain(ms: number): Promise<boolean> {
    const deadline = clock.now() + ms;
    while (inFlight.size > 0) {
      const left = deadline - clock.now();
      if (left <= 0 || (await timedOut(clock, Promise.allSettled([...inFlight]), left))) return false;
    }
    return true;
  }

  function schedule(ms: number): void {
    timer = clock.setTimeout(() => {
      timer = undefined;
      // A timer that fires a little early must not evaluate the same window twice.
      const windowEnd = latestWindowEnd(clock.now(), windowMs, lateMs);
      if (windowEnd <= lastLoopWindowEnd) {
        schedule(delayUntilNextWindow(clock.now(), windowMs, lateMs));
        return;
      }
      lastLoopWindowEnd = windowEnd;
      serialized(stopController.signal, false)
        .catch((err: unknown) => {
          if (!stopController.signal.aborted) log.error({ err }, 'auto-profiler evaluation failed');
        })
        .finally(() => {
          if (stopping === undefined) schedule(delayUntilNextWindow(clock.now(), windowMs, lateMs));
        });
    }, ms);
  }

  return {
    start() {
      if (started || stopping !== undefined) return;
      started = true;
      loop = { ...loop, running: true };
      log.info({ source: loop.source, windowSeconds: config.windowSeconds, windows: config.windows, rules: config.rules.map((r) => r.name) }, 'auto-profiler started');
      schedule(0);
    },

    stop() {
      stopping ??= (async () => {
        if (timer !== undefined) clock.clearTimeout(timer);
        timer = undefined;
        if (!(await drain(config.stopTimeoutSeconds * 1000))) {
          log.warn({ running: inFlight.size }, 'automatic captures still running at the stop deadline; cancelling them');
          stopController.abort(new GopprofError('ABORTED', 'the auto-profiler is stopping'));
          await drain(CANCEL_GRACE_MS);
        }
        stopController.abort(new GopprofError('ABORTED', 'the auto-profiler is stopping'));
        loop = { ...loop, running: false };
        if (started) log.info('auto-profiler stopped');
      })();
      return stopping;
    },

    evaluateNow(signal) {
      if (stopping !== undefined) return Promise.reject(new GopprofError('ABORTED', 'the auto-profiler is stopped'));
      const s = signal ? AbortSignal.any([signal, stopController.signal]) : stopController.signal;
      return serialized(s, true);
    },

    status() {
      return autoProfilerStatus(config, loop, last, state, clock.now());
    },
  };
}
