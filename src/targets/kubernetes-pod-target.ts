/**
 * Pod → Target: which pods are profiled and at which URL, from the pod's
 * annotations (`gopprof.io/scrape`, `/port`, `/path`, `/scheme`, `/owner`) or
 * a container port named `pprof`. Pure, so every rule is unit-tested; a pod
 * that opted in but cannot be profiled yields a problem saying why, which
 * ListTargets can show instead of the pod silently missing.
 */
import { isIP } from 'node:net';
import type { KubernetesPod } from './kubernetes-pod.ts';
import { podWorkload } from './kubernetes-pod-workload.ts';
import type { Target } from './target.ts';

/** The default `gopprof.io/path`: where net/http/pprof registers its handlers. */
export const DEFAULT_PPROF_PATH = '/debug/pprof';
/** The container port name that opts a pod in without annotations. */
export const PPROF_PORT_NAME = 'pprof';

/** A pod that asked to be profiled but is not a target (yet), and why. */
export interface KubernetesTargetProblem {
  /** The id the pod would have as a target: `pod/<namespace>/<name>/<uid>`. */
  readonly id: string;
  /** `<namespace>/<name>`. */
  readonly name: string;
  readonly reason: string;
  /** True when the pod's annotations or ports are wrong (a person must fix them); false while it is merely not ready. */
  readonly invalid: boolean;
  /** The pod as a target's `pod` names it, so the status API can show which pod and workload. */
  readonly pod: NonNullable<Target['pod']>;
  /** The pod's labels, so a selector picks a pod's problem as it would pick the pod. */
  readonly labels: Readonly<Record<string, string>>;
}

/** What a pod is to discovery. */
export type PodTargetResult =
  | { readonly kind: 'target'; readonly target: Target }
  | { readonly kind: 'problem'; readonly problem: KubernetesTargetProblem }
  /** Not opted in (or opted out): not worth mentioning. */
  | { readonly kind: 'ignored' };

const PORT_NAME = /^(?=.*[a-z])[a-z0-9]([a-z0-9-]{0,13}[a-z0-9])?$/;
const PATH = /^\/[A-Za-z0-9._~!$&'()*+,;=:@/-]*$/;

type Checked<T> = { ok: true; value: T } | { ok: false; reason: string };

function containerPorts(pod: KubernetesPod) {
  return (pod.spec?.containers ?? []).flatMap((c) => c.ports ?? []).filter((p) => (p.protocol ?? 'TCP') === 'TCP');
}

function resolvePort(pod: KubernetesPod, annotation: string | undefined, key: string): Checked<number> {
  if (annotation === undefined) {
    const named = containerPorts(pod).find((p) => p.name === PPROF_PORT_NAME);
    if (named?.containerPort) return { ok: true, value: named.containerPort };
    return { ok: false, reason: `no port: set ${key} or name a container port "${PPROF_PORT_NAME}"` };
  }
  const text = annotation.trim();
  if (/^\d+$/.test(text)) {
    const n = Number(text);
    if (n >= 1 && n <= 65535) return { ok: true, value: n };
    return { ok: false, reason: `${key}: ${JSON.stringify(annotation)} is not a port (1-65535)` };
  }
  if (!PORT_NAME.test(text)) {
    return { ok: false, reason: `${key}: ${JSON.stringify(annotation)} is neither a port number nor a container port name` };
  }
  const named = containerPorts(pod).find((p) => p.name === text);
  if (!named?.containerPort) return { ok: false, reason: `${key}: no TCP container port is named "${text}"` };
  return { ok: true, value: named.containerPort };
}

function checkPath(annotation: string | undefined, key: string): Checked<string> {
  if (annotation === undefined) return { ok: true, value: DEFAULT_PPROF_PATH };
  if (!annotation.startsWith('/') || annotation.includes('..') || !PATH.test(annotation)) {
    return {
      ok: false,
      reason: `${key}: ${JSON.stringify(annotation)} must start with "/" and have no query, fragment, "..", "%" or spaces`,
    };
  }
  return { ok: true, value: annotation.replace(/\/+$/, '') };
}

function checkScheme(annotation: string | undefined, key: string): Checked<'http' | 'https'> {
  if (annotation === undefined || annotation === 'http') return { ok: true, value: 'http' };
  if (annotation === 'https') return { ok: true, value: 'https' };
  return { ok: false, reason: `${key}: want "http" or "https", got ${JSON.stringify(annotation)}` };
}

/** Why a valid pod is not profilable right now, or undefined when it is. */
function notReadyReason(pod: KubernetesPod, ip: string): string | undefined {
  if (pod.metadata?.deletionTimestamp) return 'being deleted';
  const phase = pod.status?.phase ?? 'Unknown';
  if (phase !== 'Running') return `phase is ${phase}, not Running`;
  if (!(pod.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True')) return 'not ready';
  if (ip === '') return 'no pod IP yet';
  return undefined;
}

/**
 * Maps a pod to a target. `annotationPrefix` is normally `gopprof.io`.
 * A pod is considered when `<prefix>/scrape` is "true", or when it has no
 * scrape annotation and a container port named `pprof`; "false" opts out.
 */
export function podToTarget(pod: KubernetesPod, annotationPrefix: string): PodTargetResult {
  const meta = pod.metadata ?? {};
  const namespace = meta.namespace ?? '';
  const podName = meta.name ?? '';
  const uid = meta.uid ?? '';
  const annotations = meta.annotations ?? {};
  const key = (k: string) => `${annotationPrefix}/${k}`;
  const name = `${namespace}/${podName}`;
  const id = `pod/${namespace}/${podName}/${uid}`;
  // Built only for pods that opted in: most pods in a cluster are ignored.
  const podInfo = () => ({ namespace, name: podName, uid, workload: podWorkload(pod) });
  const labels = () => ({ ...(meta.labels ?? {}) });
  const problem = (reason: string, invalid: boolean): PodTargetResult => ({
    kind: 'problem',
    problem: { id, name, reason, invalid, pod: podInfo(), labels: labels() },
  });

  const scrape = annotations[key('scrape')];
  if (scrape === 'false') return { kind: 'ignored' };
  if (scrape === undefined) {
    if (!containerPorts(pod).some((p) => p.name === PPROF_PORT_NAME)) return { kind: 'ignored' };
  } else if (scrape !== 'true') {
    return problem(`${key('scrape')}: want "true" or "false", got ${JSON.stringify(scrape)}`, true);
  }
  if (!namespace || !podName || !uid) return problem('pod has no namespace, name or uid', true);

  const port = resolvePort(pod, annotations[key('port')], key('port'));
  const path = checkPath(annotations[key('path')], key('path'));
  const scheme = checkScheme(annotations[key('scheme')], key('scheme'));
  const reasons = [port, path, scheme].flatMap((c) => (c.ok ? [] : [c.reason]));
  if (!port.ok || !path.ok || !scheme.ok) return problem(reasons.join('; '), true);

  const ip = pod.status?.podIP || pod.status?.podIPs?.[0]?.ip || '';
  const waiting = notReadyReason(pod, ip);
  if (waiting) return problem(waiting, false);
  const family = isIP(ip);
  if (family === 0) return problem(`pod IP ${JSON.stringify(ip)} is not an IP address`, true);
  const host = family === 6 ? `[${ip}]` : ip;

  const targetLabels = labels();
  const owner = annotations[key('owner')] ?? targetLabels[key('owner')] ?? '';
  return {
    kind: 'target',
    target: {
      id,
      name,
      pprofBaseUrl: `${scheme.value}://${host}:${port.value}${path.value}`,
      labels: targetLabels,
      owner,
      pod: podInfo(),
    },
  };
}
