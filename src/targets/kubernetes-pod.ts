/**
 * The parts of a Kubernetes Pod that discovery reads. Structural, so both the
 * client's deserialised V1Pod (from a list) and raw watch-event JSON fit, and
 * unit tests can write pods as plain objects.
 */

/** A pod's owner reference (`metadata.ownerReferences[]`). */
export interface KubernetesOwnerReference {
  readonly kind: string;
  readonly name: string;
  readonly controller?: boolean;
}

/** A pod as discovery sees it; every field is optional because the API may omit it. */
export interface KubernetesPod {
  readonly metadata?: {
    readonly name?: string;
    readonly namespace?: string;
    readonly uid?: string;
    readonly resourceVersion?: string;
    /** A Date from a list, an RFC 3339 string from a watch: only its presence matters. */
    readonly deletionTimestamp?: unknown;
    readonly labels?: Readonly<Record<string, string>>;
    readonly annotations?: Readonly<Record<string, string>>;
    readonly ownerReferences?: readonly KubernetesOwnerReference[];
  };
  readonly spec?: {
    readonly containers?: readonly {
      readonly name?: string;
      readonly ports?: readonly { readonly name?: string; readonly containerPort?: number; readonly protocol?: string }[];
    }[];
  };
  readonly status?: {
    readonly phase?: string;
    readonly podIP?: string;
    readonly podIPs?: readonly { readonly ip?: string }[];
    readonly conditions?: readonly { readonly type?: string; readonly status?: string }[];
  };
}

/** `namespace/name`, the key a pod is unique by at any one time. */
export function podKey(pod: KubernetesPod): string {
  return `${pod.metadata?.namespace ?? ''}/${pod.metadata?.name ?? ''}`;
}
