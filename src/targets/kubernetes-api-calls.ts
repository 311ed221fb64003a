/**
 * The Kubernetes API calls pod discovery makes, as RBAC names them. The
 * deployment's ClusterRole/Role is derived from (and tested against) this
 * list, and the discovery tests check the code makes no other call.
 */

/** One RBAC rule's worth of access: an API group, a resource and the verbs used on it. */
export interface KubernetesApiCall {
  /** '' is the core group (`/api/v1`). */
  readonly group: string;
  readonly resource: string;
  readonly verbs: readonly string[];
}

/**
 * Everything discovery needs: list + watch pods (the informer), and get one
 * pod to confirm it was deleted when a fetch from it fails mid-capture.
 */
export const KUBERNETES_API_CALLS: readonly KubernetesApiCall[] = [{ group: '', resource: 'pods', verbs: ['get', 'list', 'watch'] }];
