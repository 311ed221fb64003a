/**
 * A target is something the service may profile: a statically configured Go
 * program or a discovered Kubernetes pod. Callers name targets by `id`; they
 * never pass URLs, so the service only ever fetches from endpoints it knows.
 */

/** The profile types Go's net/http/pprof serves. */
export const PROFILE_TYPES = ['cpu', 'heap', 'allocs', 'goroutine', 'mutex', 'block', 'threadcreate'] as const;
export type ProfileType = (typeof PROFILE_TYPES)[number];

export interface Target {
  /**
   * Stable identity of this incarnation: `static/<name>` for configured targets,
   * `pod/<namespace>/<name>/<uid>` for pods (a restarted pod is a new target).
   */
  readonly id: string;
  /** Human name: the configured name, or `<namespace>/<pod>` for pods. */
  readonly name: string;
  /** Base URL of the pprof handlers, e.g. `http://10.1.2.3:6060/debug/pprof` (no trailing slash). */
  readonly pprofBaseUrl: string;
  /** Labels for selection and display (pod labels, or configured labels). */
  readonly labels: Readonly<Record<string, string>>;
  /** Who to notify about this target (an owner key resolved by notify/), '' when none. */
  readonly owner: string;
  /** Kubernetes details when the target is a pod. */
  readonly pod?: {
    readonly namespace: string;
    readonly name: string;
    readonly uid: string;
    readonly workload: string;
  };
}

/** True if `s` names a supported profile type. */
export function isProfileType(s: string): s is ProfileType {
  return (PROFILE_TYPES as readonly string[]).includes(s);
}
