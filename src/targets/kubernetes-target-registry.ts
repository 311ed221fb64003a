/**
 * Discovered pods as a TargetRegistry: the pod watcher keeps the pods, the
 * pod → target mapping decides which are targets, and a small tombstone cache
 * of recently deleted pods lets a caller who names a vanished pod hear
 * TARGET_GONE instead of a puzzling TARGET_UNKNOWN.
 */
import type { KubeConfig } from '@kubernetes/client-node';
import { GopprofError } from '../errors.ts';
import type { Logger } from '../telemetry/index.ts';
import type { BackoffOptions } from './kubernetes-backoff.ts';
import { type KubernetesPod, podKey } from './kubernetes-pod.ts';
import { createPodApi, describeKubeError, type PodApi } from './kubernetes-pod-api.ts';
import { type KubernetesTargetProblem, podToTarget } from './kubernetes-pod-target.ts';
import { createPodWatcher, type DiscoveryClock, SYSTEM_CLOCK, type WatchScopeStatus } from './kubernetes-pod-watcher.ts';
import { selectTargets, type TargetRegistry } from './target-registry.ts';
import type { Target } from './target.ts';

export interface KubernetesTargetRegistryOptions {
  readonly kubeConfig: KubeConfig;
  /** Namespaces to discover pods in; empty for all. */
  readonly namespaces: readonly string[];
  /** Full relist interval. */
  readonly resyncSeconds: number;
  /** Annotation (and owner label) prefix, normally `gopprof.io`. */
  readonly annotationPrefix: string;
  readonly logger: Logger;
  readonly clock: DiscoveryClock;
  readonly random: () => number;
  /** Informer restart schedule after errors. */
  readonly backoff: BackoffOptions;
  /** Deadline of each list/get call. */
  readonly apiTimeoutMs: number;
  /** How many deleted pods are remembered, and for how long. */
  readonly tombstones: { readonly max: number; readonly ttlMs: number };
}

/** The defaults for everything but the cluster, the namespaces and the logger. */
export const KUBERNETES_REGISTRY_DEFAULTS = {
  resyncSeconds: 300,
  annotationPrefix: 'gopprof.io',
  clock: SYSTEM_CLOCK,
  random: Math.random,
  backoff: { baseMs: 500, maxMs: 30_000 },
  apiTimeoutMs: 30_000,
  tombstones: { max: 1024, ttlMs: 3_600_000 },
} as const satisfies Partial<KubernetesTargetRegistryOptions>;

/** A TargetRegistry of pods that runs informers between start() and stop(). */
export interface KubernetesTargetRegistry extends TargetRegistry {
  /** Starts discovery; resolves after the first full list (rejects if `signal` aborts first; discovery keeps running). */
  start(signal?: AbortSignal): Promise<void>;
  /** Stops discovery and waits for every request to end. Idempotent. */
  stop(): Promise<void>;
  /**
   * False once the pod behind `targetId` is deleted, terminating or replaced.
   * Asks the API server when the cache still holds the pod, since the watch
   * may lag a deletion by a moment.
   */
  isCurrent(targetId: string, signal?: AbortSignal): Promise<boolean>;
  /** Pods that opted in but are not targets, and why (invalid annotations, not ready…), sorted by name. */
  problems(): readonly KubernetesTargetProblem[];
  /** Informer health per watched namespace. */
  status(): readonly WatchScopeStatus[];
}

interface Tombstone {
  readonly namespace: string;
  readonly name: string;
  readonly uid: string;
  readonly at: number;
}

interface Snapshot {
  readonly targets: readonly Target[];
  readonly byId: ReadonlyMap<string, Target>;
  /** By `namespace/name`. */
  readonly byName: ReadonlyMap<string, Target>;
  readonly problems: readonly KubernetesTargetProblem[];
}

const byId = (a: { id: string }, b: { id: string }) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** Creates the registry; `api` is injectable for tests, built from the KubeConfig otherwise. */
export function createKubernetesTargetRegistry(
  input: Pick<KubernetesTargetRegistryOptions, 'kubeConfig' | 'namespaces' | 'logger'> & Partial<KubernetesTargetRegistryOptions>,
  api?: PodApi,
): KubernetesTargetRegistry {
  const options: KubernetesTargetRegistryOptions = { ...KUBERNETES_REGISTRY_DEFAULTS, ...input };
  const podApi = api ?? createPodApi(options.kubeConfig, options.apiTimeoutMs);
  const log = options.logger.child({ component: 'kubernetes' });
  const tombstones = new Map<string, Tombstone>();
  const deletedByName = new Map<string, string>();
  let snapshot: Snapshot | undefined;

  function bury(pod: KubernetesPod): void {
    const uid = pod.metadata?.uid;
    if (!uid) return;
    const now = options.clock.now();
    tombstones.delete(uid);
    tombstones.set(uid, { namespace: pod.metadata?.namespace ?? '', name: pod.metadata?.name ?? '', uid, at: now });
    deletedByName.set(podKey(pod), uid);
    for (const [k, t] of tombstones) {
      if (tombstones.size <= options.tombstones.max && now - t.at <= options.tombstones.ttlMs) break;
      tombstones.delete(k);
      if (deletedByName.get(`${t.namespace}/${t.name}`) === k) deletedByName.delete(`${t.namespace}/${t.name}`);
    }
  }

  function tombstone(uid: string | undefined): Tombstone | undefined {
    const t = uid === undefined ? undefined : tombstones.get(uid);
    return t && options.clock.now() - t.at <= options.tombstones.ttlMs ? t : undefined;
  }

  const watcher = createPodWatcher({
    kubeConfig: options.kubeConfig,
    api: podApi,
    namespaces: options.namespaces,
    resyncMs: options.resyncSeconds * 1000,
    backoff: options.backoff,
    logger: options.logger,
    clock: options.clock,
    random: options.random,
    listener: {
      upsert: () => {
        snapshot = undefined;
      },
      remove: (pod) => {
        snapshot = undefined;
        bury(pod);
      },
    },
  });

  function current(): Snapshot {
    if (snapshot) return snapshot;
    const targets: Target[] = [];
    const problems: KubernetesTargetProblem[] = [];
    for (const pod of watcher.pods()) {
      const r = podToTarget(pod, options.annotationPrefix);
      if (r.kind === 'target') targets.push(r.target);
      else if (r.kind === 'problem') problems.push(r.problem);
    }
    targets.sort(byId);
    problems.sort(byId);
    snapshot = { targets, byId: new Map(targets.map((t) => [t.id, t])), byName: new Map(targets.map((t) => [t.name, t])), problems };
    return snapshot;
  }

  const cachedPod = (namespace: string, name: string) => watcher.pod(`${namespace}/${name}`);

  const unknown = (what: string, why = '') =>
    new GopprofError('TARGET_UNKNOWN', `unknown target "${what}"${why ? `: ${why}` : ''}`, { details: { target: what } });
  const gone = (t: { namespace: string; name: string; uid: string }, how: string) =>
    new GopprofError('TARGET_GONE', `pod ${t.namespace}/${t.name} (uid ${t.uid}) ${how}`, {
      details: { target: `pod/${t.namespace}/${t.name}/${t.uid}` },
    });

  /** Why an existing pod is not a target: GONE while terminating, UNKNOWN otherwise. */
  function notATarget(what: string, pod: KubernetesPod): GopprofError {
    const r = podToTarget(pod, options.annotationPrefix);
    const meta = { namespace: pod.metadata?.namespace ?? '', name: pod.metadata?.name ?? '', uid: pod.metadata?.uid ?? '' };
    if (pod.metadata?.deletionTimestamp) return gone(meta, 'is being deleted');
    return unknown(what, r.kind === 'problem' ? `pod is not a target: ${r.problem.reason}` : 'pod has not opted in to profiling');
  }

  function get(idOrName: string): Target {
    const snap = current();
    const parts = idOrName.split('/');
    if (parts[0] === 'pod' && parts.length === 4) {
      const found = snap.byId.get(idOrName);
      if (found) return found;
      const [, namespace, name, uid] = parts;
      const pod = cachedPod(namespace, name);
      if (pod?.metadata?.uid === uid) throw notATarget(idOrName, pod);
      const t = tombstone(uid);
      if (t) throw gone(t, 'was deleted');
      throw unknown(idOrName, pod ? `the current pod ${namespace}/${name} has uid ${pod.metadata?.uid}` : '');
    }
    if (parts.length === 2 && parts[0] !== '' && parts[1] !== '') {
      const [namespace, name] = parts;
      const found = snap.byName.get(idOrName);
      if (found) return found;
      const pod = cachedPod(namespace, name);
      if (pod) throw notATarget(idOrName, pod);
      const t = tombstone(deletedByName.get(idOrName));
      if (t) throw gone(t, 'was deleted');
    }
    throw unknown(idOrName);
  }

  return {
    list: () => current().targets,
    get,
    select: (selector) => selectTargets(current().targets, selector),
    problems: () => current().problems,
    status: () => watcher.status(),
    start: (signal) => watcher.start(signal),
    stop: () => watcher.stop(),
    async isCurrent(targetId, signal) {
      // Current means the pod still exists and is not terminating; readiness does not
      // matter (a crashed container makes its pod unready, which is not a deletion).
      const parts = targetId.split('/');
      if (parts[0] !== 'pod' || parts.length !== 4) return false;
      const [, namespace, name, uid] = parts;
      const cached = cachedPod(namespace, name);
      if (cached?.metadata?.uid !== uid || cached.metadata?.deletionTimestamp) return false;
      try {
        const pod = await podApi.read(namespace, name, signal ?? AbortSignal.timeout(options.apiTimeoutMs));
        return pod?.metadata?.uid === uid && !pod.metadata?.deletionTimestamp;
      } catch (err) {
        log.debug({ target: targetId, err: describeKubeError(err) }, 'could not confirm the pod with the API server; trusting the cache');
        return true;
      }
    },
  };
}
