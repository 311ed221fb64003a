/**
 * Pods that opted in to profiling but are not targets, as ListTargets returns
 * them in `problems`, so a user whose pod is missing sees why (a bad
 * `gopprof.io/port`, not ready yet…) instead of an unexplained absence.
 *
 * The server does not import discovery's internals: this file states what it
 * needs, and main.ts hands it the Kubernetes registry's problems(), whose
 * shape the type-check there keeps in step. Without Kubernetes there are none.
 */
import { create } from '@bufbuild/protobuf';
import { type TargetProblem, TargetProblemSchema } from '../gen/gopprof/v1/target_pb.js';

/** A pod that is not a target, and why; see TargetProblem in proto/gopprof/v1/target.proto. */
export interface TargetProblemView {
  /** The id the pod would have as a target: `pod/<namespace>/<name>/<uid>`. */
  readonly id: string;
  readonly reason: string;
  /** True when a person must fix the pod; false while it is merely not ready. */
  readonly invalid: boolean;
  /** The pod's labels: a selector picks its problem as it would pick the pod. */
  readonly labels: Readonly<Record<string, string>>;
  readonly pod: { readonly namespace: string; readonly name: string; readonly uid: string; readonly workload: string };
}

/** The current problems (the Kubernetes registry's problems(), in main.ts). */
export type TargetProblemsProvider = () => readonly TargetProblemView[];

/** Namespace, then pod name, then uid: how a person scans the list. */
export function compareProblems(a: TargetProblemView, b: TargetProblemView): number {
  const ka = [a.pod.namespace, a.pod.name, a.pod.uid];
  const kb = [b.pod.namespace, b.pod.name, b.pod.uid];
  for (let i = 0; i < ka.length; i++) if (ka[i] !== kb[i]) return ka[i] < kb[i] ? -1 : 1;
  return 0;
}

/** A problem as the API returns it; like a target, without any address. */
export function targetProblemToProto(p: TargetProblemView): TargetProblem {
  return create(TargetProblemSchema, {
    namespace: p.pod.namespace,
    pod: p.pod.name,
    uid: p.pod.uid,
    workload: p.pod.workload,
    reason: p.reason,
    invalid: p.invalid,
  });
}
