/**
 * Keeps an up-to-date set of pods with @kubernetes/client-node informers
 * (list + watch), one per configured namespace or one for all namespaces.
 *
 * The client's informer reconnects a watch that ends cleanly and relists on
 * 410 Gone by itself, but stops for good on any other error: this watcher
 * restarts it with capped, jittered exponential backoff. It also relists
 * periodically (resync) with a fresh informer so that a missed event cannot
 * leave a stale pod forever. Watches go through a guard so that stop() really
 * ends every connection, including ones still being opened, and waits for them.
 */
import { type KubeConfig, ListWatch, type V1Pod, type V1PodList, Watch } from '@kubernetes/client-node';
import { abortError } from '../errors.ts';
import type { Logger } from '../telemetry/index.ts';
import { type BackoffOptions, backoffDelay } from './kubernetes-backoff.ts';
import { type KubernetesPod, podKey } from './kubernetes-pod.ts';
import { describeKubeError, type PodApi } from './kubernetes-pod-api.ts';

/** How long stop() waits for a watch that is still connecting. */
const CLOSE_GRACE_MS = 1000;

/** Time, injected so tests can run several watchers side by side. */
export interface DiscoveryClock {
  now(): number;
  /** Resolves after `ms`, or early (without error) once `signal` aborts. */
  sleep(ms: number, signal: AbortSignal): Promise<void>;
}

/** The real clock; timers do not keep the process alive. */
export const SYSTEM_CLOCK: DiscoveryClock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve) => {
      if (signal.aborted) return resolve();
      const done = () => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      timer.unref();
      signal.addEventListener('abort', done, { once: true });
    }),
};

/** Receives every change to the pod set. */
export interface PodListener {
  upsert(pod: KubernetesPod): void;
  remove(pod: KubernetesPod): void;
}

export interface PodWatcherOptions {
  readonly kubeConfig: KubeConfig;
  readonly api: PodApi;
  /** Namespaces to watch; empty for all. */
  readonly namespaces: readonly string[];
  readonly resyncMs: number;
  readonly backoff: BackoffOptions;
  readonly listener: PodListener;
  readonly logger: Logger;
  readonly clock: DiscoveryClock;
  readonly random: () => number;
}

/** What ListTargets or a health check can show about one informer. */
export interface WatchScopeStatus {
  /** '' for all namespaces. */
  readonly namespace: string;
  /** True once the first list succeeded. */
  readonly synced: boolean;
  readonly lastListAt?: string;
  readonly lastError?: { readonly message: string; readonly at: string };
  /** Restarts after errors since start. */
  readonly restarts: number;
  readonly relists: number;
}

export interface PodWatcher {
  /** Starts the informers; resolves once every scope has listed once. Rejects (watchers keep running) if `signal` aborts first. */
  start(signal?: AbortSignal): Promise<void>;
  /** Stops every informer and waits until no request is in flight. Idempotent. */
  stop(): Promise<void>;
  pods(): IterableIterator<KubernetesPod>;
  /** The pod with this `namespace/name`, if it exists now. */
  pod(key: string): KubernetesPod | undefined;
  status(): readonly WatchScopeStatus[];
}

/** A Watch whose connections can all be ended, even those still being opened. */
class GuardedWatch extends Watch {
  #closed = false;
  readonly #controllers = new Set<AbortController>();
  readonly #pending = new Set<Promise<unknown>>();

  override async watch(
    path: string,
    query: Record<string, string | number | boolean | undefined>,
    callback: (phase: string, apiObj: unknown, watchObj?: unknown) => void,
    done: (err: unknown) => void,
  ): Promise<AbortController> {
    if (this.#closed) return new AbortController();
    let ended = false;
    let controller: AbortController | undefined;
    const opening = super.watch(
      path,
      query,
      (phase, obj, raw) => {
        if (!this.#closed) callback(phase, obj, raw);
      },
      (err) => {
        ended = true;
        if (controller) this.#controllers.delete(controller);
        if (!this.#closed) done(err);
      },
    );
    this.#pending.add(opening);
    try {
      controller = await opening;
    } catch (err) {
      // Authentication or configuration failures throw instead of calling done.
      if (!this.#closed) done(err);
      return new AbortController();
    } finally {
      this.#pending.delete(opening);
    }
    if (this.#closed || ended) controller.abort();
    else this.#controllers.add(controller);
    return controller;
  }

  /**
   * Ends every connection. A watch still waiting for response headers cannot
   * be aborted from outside the client, so close() waits for it at most
   * `graceMs`; when it opens later it is aborted at once.
   */
  async close(graceMs: number): Promise<void> {
    this.#closed = true;
    for (const c of this.#controllers) c.abort();
    this.#controllers.clear();
    if (this.#pending.size === 0) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.allSettled([...this.#pending]),
      new Promise((resolve) => {
        timer = setTimeout(resolve, graceMs);
      }),
    ]);
    clearTimeout(timer);
  }
}

interface Scope {
  readonly namespace: string;
  informer?: ListWatch<V1Pod>;
  guard?: GuardedWatch;
  generation: number;
  attempts: number;
  startedAt: number;
  synced: boolean;
  status: { lastListAt?: string; lastError?: { message: string; at: string }; restarts: number; relists: number };
}

/** Creates a watcher; nothing runs until start(). */
export function createPodWatcher(options: PodWatcherOptions): PodWatcher {
  const { clock, listener } = options;
  const log = options.logger.child({ component: 'kubernetes' });
  const stopping = new AbortController();
  const pods = new Map<string, KubernetesPod>();
  const inFlight = new Set<Promise<unknown>>();
  const scopes: Scope[] = (options.namespaces.length > 0 ? options.namespaces : ['']).map((namespace) => ({
    namespace,
    generation: 0,
    attempts: 0,
    startedAt: 0,
    synced: false,
    status: { restarts: 0, relists: 0 },
  }));
  const syncWaiters = new Set<() => void>();
  let started = false;
  let stopped: Promise<void> | undefined;

  const track = <T>(p: Promise<T>): Promise<T> => {
    inFlight.add(p);
    p.then(
      () => inFlight.delete(p),
      () => inFlight.delete(p),
    );
    return p;
  };
  const inScope = (scope: Scope, pod: KubernetesPod) => scope.namespace === '' || pod.metadata?.namespace === scope.namespace;

  function upsert(pod: KubernetesPod): void {
    pods.set(podKey(pod), pod);
    listener.upsert(pod);
  }

  function remove(pod: KubernetesPod): void {
    const key = podKey(pod);
    const known = pods.get(key);
    if (!known || known.metadata?.uid !== pod.metadata?.uid) return;
    pods.delete(key);
    listener.remove(known);
  }

  /** A list result is the whole truth for its scope: pods missing from it are gone. */
  function replace(scope: Scope, items: readonly KubernetesPod[]): void {
    const fresh = new Map(items.map((p) => [podKey(p), p]));
    for (const [key, pod] of pods) {
      const now = fresh.get(key);
      if (inScope(scope, pod) && (!now || now.metadata?.uid !== pod.metadata?.uid)) remove(pod);
    }
    for (const pod of items) upsert(pod);
    scope.synced = true;
    scope.attempts = 0;
    scope.status.lastListAt = new Date(clock.now()).toISOString();
    delete scope.status.lastError;
    if (scopes.every((s) => s.synced)) for (const wake of syncWaiters) wake();
  }

  function onError(scope: Scope, generation: number, err: unknown): void {
    if (stopping.signal.aborted || generation !== scope.generation) return;
    const message = describeKubeError(err);
    scope.status.lastError = { message, at: new Date(clock.now()).toISOString() };
    // A failure long after the last restart starts the schedule over; quick repeats escalate it.
    if (clock.now() - scope.startedAt > options.backoff.maxMs) scope.attempts = 0;
    scope.attempts++;
    scope.status.restarts++;
    const delay = backoffDelay(scope.attempts, options.backoff, options.random);
    log.warn({ namespace: scope.namespace || '*', err: message, attempt: scope.attempts, delayMs: Math.round(delay) }, 'pod informer failed; restarting');
    void track(
      clock.sleep(delay, stopping.signal).then(() => {
        if (stopping.signal.aborted || generation !== scope.generation || !scope.informer) return;
        scope.startedAt = clock.now();
        return scope.informer.start().catch((e: unknown) => onError(scope, generation, e));
      }),
    );
  }

  /** Replaces the scope's informer by a fresh one, which lists everything anew. */
  function launch(scope: Scope): void {
    const old = { informer: scope.informer, guard: scope.guard };
    const generation = ++scope.generation;
    const guard = new GuardedWatch(options.kubeConfig);
    const path = scope.namespace ? `/api/v1/namespaces/${encodeURIComponent(scope.namespace)}/pods` : '/api/v1/pods';
    const list = async (): Promise<V1PodList> => {
      const result = await track(options.api.list(scope.namespace, stopping.signal));
      if (!stopping.signal.aborted && generation === scope.generation) replace(scope, result.items);
      return result;
    };
    const informer = new ListWatch<V1Pod>(path, guard, list, false, undefined, undefined, {
      delayFn: (ms: number) => clock.sleep(ms, stopping.signal),
    });
    const current = () => !stopping.signal.aborted && generation === scope.generation;
    informer.on('add', (pod) => current() && upsert(pod));
    informer.on('update', (pod) => current() && upsert(pod));
    informer.on('delete', (pod) => current() && remove(pod));
    informer.on('error', (err) => onError(scope, generation, err));
    scope.informer = informer;
    scope.guard = guard;
    scope.startedAt = clock.now();
    if (old.informer) void track(old.informer.stop());
    if (old.guard) void track(old.guard.close(CLOSE_GRACE_MS));
    void track(informer.start().catch((err: unknown) => onError(scope, generation, err)));
  }

  async function resyncLoop(scope: Scope): Promise<void> {
    while (!stopping.signal.aborted) {
      // ±10% so that namespaces (and replicas) do not relist together.
      await clock.sleep(options.resyncMs * (0.9 + 0.2 * options.random()), stopping.signal);
      if (stopping.signal.aborted) return;
      scope.status.relists++;
      log.debug({ namespace: scope.namespace || '*' }, 'pod informer resync');
      launch(scope);
    }
  }

  function waitForSync(signal?: AbortSignal): Promise<void> {
    if (scopes.every((s) => s.synced)) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const done = () => {
        syncWaiters.delete(done);
        signal?.removeEventListener('abort', aborted);
        resolve();
      };
      const aborted = () => {
        syncWaiters.delete(done);
        reject(abortError(signal as AbortSignal, 'waiting for the first pod list'));
      };
      if (signal?.aborted) return aborted();
      syncWaiters.add(done);
      signal?.addEventListener('abort', aborted, { once: true });
    });
  }

  return {
    start(signal) {
      if (stopped) return Promise.reject(abortError(stopping.signal, 'pod watcher'));
      if (!started) {
        started = true;
        log.info({ namespaces: options.namespaces.length ? options.namespaces : ['*'], server: options.kubeConfig.getCurrentCluster()?.server }, 'watching pods');
        for (const scope of scopes) {
          launch(scope);
          void track(resyncLoop(scope));
        }
      }
      return waitForSync(signal);
    },
    stop() {
      stopped ??= (async () => {
        stopping.abort(new Error('pod watcher stopped'));
        for (const scope of scopes) {
          if (scope.informer) void track(scope.informer.stop());
          if (scope.guard) void track(scope.guard.close(CLOSE_GRACE_MS));
        }
        while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
      })();
      return stopped;
    },
    pods: () => pods.values(),
    pod: (key) => pods.get(key),
    status: () =>
      scopes.map((s) => ({
        namespace: s.namespace,
        synced: s.synced,
        restarts: s.status.restarts,
        relists: s.status.relists,
        ...(s.status.lastListAt ? { lastListAt: s.status.lastListAt } : {}),
        ...(s.status.lastError ? { lastError: s.status.lastError } : {}),
      })),
  };
}
