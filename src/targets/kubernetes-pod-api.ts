/**
 * The one place that calls the Kubernetes REST API for pods (list for the
 * informer, get to confirm a deletion), with an AbortSignal and a deadline on
 * every call — the generated client has neither by default. The calls made
 * here are the ones KUBERNETES_API_CALLS declares for RBAC.
 */
import {
  ApiException,
  type ConfigurationOptions,
  CoreV1Api,
  type KubeConfig,
  Observable,
  type ObservableMiddleware,
  type V1Pod,
  type V1PodList,
} from '@kubernetes/client-node';
import { abortError, GopprofError } from '../errors.ts';

/** Pod reads discovery needs. */
export interface PodApi {
  /** Lists pods in `namespace`, or in all namespaces when it is ''. */
  list(namespace: string, signal: AbortSignal): Promise<V1PodList>;
  /** The pod, or undefined when the API server says 404. */
  read(namespace: string, name: string, signal: AbortSignal): Promise<V1Pod | undefined>;
}

/**
 * Per-call options that make the request abortable: a middleware that hands
 * the signal to the request (appended to the client's own user-agent one).
 */
function withSignal(signal: AbortSignal): ConfigurationOptions<ObservableMiddleware> {
  const middleware: ObservableMiddleware = {
    pre: (ctx) => {
      ctx.setSignal(signal);
      return new Observable(Promise.resolve(ctx));
    },
    post: (ctx) => new Observable(Promise.resolve(ctx)),
  };
  return { middleware: [middleware], middlewareMergeStrategy: 'append' };
}

/** Creates the pod API over a loaded KubeConfig; `timeoutMs` bounds every call. */
export function createPodApi(kc: KubeConfig, timeoutMs: number): PodApi {
  const api = kc.makeApiClient(CoreV1Api);
  const call = async <T>(what: string, signal: AbortSignal, run: (s: AbortSignal) => Promise<T>): Promise<T> => {
    const s = AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]);
    try {
      return await run(s);
    } catch (err) {
      if (signal.aborted) throw abortError(signal, what);
      throw err;
    }
  };
  return {
    list: (namespace, signal) =>
      call(`list pods${namespace ? ` in ${namespace}` : ''}`, signal, (s) =>
        namespace ? api.listNamespacedPod({ namespace }, withSignal(s)) : api.listPodForAllNamespaces({}, withSignal(s)),
      ),
    read: (namespace, name, signal) =>
      call(`get pod ${namespace}/${name}`, signal, async (s) => {
        try {
          return await api.readNamespacedPod({ namespace, name }, withSignal(s));
        } catch (err) {
          if (err instanceof ApiException && err.code === 404) return undefined;
          throw err;
        }
      }),
  };
}

/** A short, safe description of a client error for logs and status (no bodies, no tokens). */
export function describeKubeError(err: unknown): string {
  if (err instanceof GopprofError) return err.message;
  if (err instanceof ApiException) return `HTTP ${err.code}`;
  const e = err as { statusCode?: unknown; message?: unknown; name?: unknown; cause?: { code?: unknown } } | null;
  if (typeof e?.statusCode === 'number') return `HTTP ${e.statusCode}`;
  const code = typeof e?.cause?.code === 'string' ? ` (${e.cause.code})` : '';
  return `${typeof e?.message === 'string' ? e.message : String(err)}${code}`;
}
