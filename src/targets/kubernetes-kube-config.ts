/**
 * Where the Kubernetes client's cluster and credentials come from: the
 * configured kubeconfig file if one is named, the pod's service account when
 * running in a cluster, the usual kubeconfig lookup (KUBECONFIG,
 * ~/.kube/config) otherwise.
 */
import { KubeConfig } from '@kubernetes/client-node';
import { GopprofError } from '../errors.ts';

export interface KubeConfigSource {
  /** `kubernetes.kubeconfig`: a file to load; '' to decide from the environment. */
  readonly kubeconfig: string;
  /** The process environment (KUBERNETES_SERVICE_HOST marks a pod). */
  readonly env: NodeJS.ProcessEnv;
  /** Root under which the service-account files are read, for tests; '' in production. */
  readonly inClusterPathPrefix?: string;
}

/** Which source was used, for the start-up log line. */
export type KubeConfigOrigin = 'file' | 'in-cluster' | 'default';

/**
 * Loads the KubeConfig. Throws CONFIG_INVALID naming the file when it cannot
 * be read or has no current cluster, so a misconfiguration fails the start
 * instead of retrying against the client's localhost:8080 fallback forever.
 */
export function loadKubeConfig(source: KubeConfigSource): { kubeConfig: KubeConfig; origin: KubeConfigOrigin } {
  const kc = new KubeConfig();
  let origin: KubeConfigOrigin;
  try {
    if (source.kubeconfig) {
      origin = 'file';
      kc.loadFromFile(source.kubeconfig);
    } else if (source.env.KUBERNETES_SERVICE_HOST) {
      origin = 'in-cluster';
      kc.loadFromCluster(source.inClusterPathPrefix ?? '');
    } else {
      origin = 'default';
      kc.loadFromDefault();
    }
  } catch (err) {
    const where = source.kubeconfig ? `kubeconfig ${source.kubeconfig}` : 'the default kubeconfig';
    throw new GopprofError('CONFIG_INVALID', `kubernetes: cannot load ${where}: ${(err as Error).message}`, { cause: err });
  }
  const cluster = kc.getCurrentCluster();
  if (!cluster?.server) {
    throw new GopprofError(
      'CONFIG_INVALID',
      `kubernetes: the ${origin} kubeconfig has no current cluster (set kubernetes.kubeconfig or current-context)`,
    );
  }
  if (origin === 'default' && cluster.server === 'http://localhost:8080' && cluster.name === 'cluster') {
    throw new GopprofError(
      'CONFIG_INVALID',
      'kubernetes: no kubeconfig found (set kubernetes.kubeconfig or KUBECONFIG, or run in a pod with a service account)',
    );
  }
  return { kubeConfig: kc, origin };
}
