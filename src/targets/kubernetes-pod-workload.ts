/**
 * The workload a pod belongs to, so callers can profile "every pod of
 * Deployment api" without knowing pod names or ReplicaSet hashes.
 */
import type { KubernetesPod } from './kubernetes-pod.ts';

/**
 * The pod's owning workload name: a ReplicaSet `<deployment>-<hash>` gives the
 * Deployment (the hash is stripped exactly, using the pod's
 * `pod-template-hash` label, so a Deployment whose name itself ends in
 * `-<something>` is kept whole); StatefulSet, DaemonSet, Job and any other
 * controller give their own name; a pod without a controller gives ''.
 */
export function podWorkload(pod: KubernetesPod): string {
  const refs = pod.metadata?.ownerReferences ?? [];
  const owner = refs.find((r) => r.controller === true) ?? (refs.length === 1 ? refs[0] : undefined);
  if (!owner?.name) return '';
  if (owner.kind === 'ReplicaSet') {
    const hash = pod.metadata?.labels?.['pod-template-hash'];
    if (hash && owner.name.endsWith(`-${hash}`)) return owner.name.slice(0, -(hash.length + 1));
  }
  return owner.name;
}
