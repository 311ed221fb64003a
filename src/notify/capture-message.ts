/**
 * A capture as a notification says it, independent of any receiver's format:
 * which pod, why it was profiled, the top functions and where the evidence
 * is. Every renderer starts from this one value, so all receivers tell the
 * same story.
 */
import type { Capture } from '../capture/index.ts';
import type { Target } from '../targets/index.ts';

/** Why the capture was taken. */
export type CaptureReason =
  | { readonly kind: 'manual' }
  | {
      readonly kind: 'auto';
      readonly rule: string;
      readonly metric: string;
      readonly threshold: number;
      readonly values: readonly number[];
      readonly windows: readonly string[];
    };

export interface MessageFunction {
  readonly name: string;
  readonly flat: number;
  readonly flatLabel: string;
  readonly flatPercent: string;
}

/** Everything a notification says about one capture. */
export interface CaptureMessage {
  readonly captureId: string;
  readonly status: 'ok' | 'failed';
  readonly profileType: string;
  readonly seconds: number;
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly target: {
    readonly id: string;
    readonly name: string;
    readonly owner: string;
    readonly labels: Readonly<Record<string, string>>;
    readonly pod?: { readonly namespace: string; readonly name: string; readonly uid: string; readonly workload: string };
  };
  readonly reason: CaptureReason;
  /** The sample type and total the percentages are of, e.g. cpu, '10.50s'. */
  readonly total?: { readonly sampleType: string; readonly unit: string; readonly label: string };
  readonly top: readonly MessageFunction[];
  readonly links: { readonly svg?: string; readonly profile?: string };
  readonly error?: { readonly code: string; readonly message: string };
}

/**
 * The message for `capture`. `target`, when the caller still has it, gives the
 * current owner and pod details; otherwise the capture's own snapshot does.
 */
export function captureMessage(capture: Capture, options: { readonly target?: Target; readonly topFunctions: number }): CaptureMessage {
  const t = options.target;
  const pod = t?.pod ?? capture.target.pod;
  const reason: CaptureReason =
    capture.trigger === 'auto' && capture.auto
      ? {
          kind: 'auto',
          rule: capture.auto.rule,
          metric: capture.auto.metric,
          threshold: capture.auto.threshold,
          values: [...capture.auto.values],
          windows: [...capture.auto.windows],
        }
      : { kind: 'manual' };
  const s = capture.summary;
  return {
    captureId: capture.id,
    status: capture.status,
    profileType: capture.type,
    seconds: capture.seconds,
    startedAt: capture.startedAt,
    finishedAt: capture.finishedAt,
    target: {
      id: capture.targetId,
      name: t?.name ?? capture.targetName,
      owner: (t?.owner ?? capture.target.owner ?? '').trim(),
      labels: { ...(t?.labels ?? capture.target.labels ?? {}) },
      ...(pod ? { pod: { namespace: pod.namespace, name: pod.name, uid: pod.uid, workload: pod.workload } } : {}),
    },
    reason,
    ...(s ? { total: { sampleType: s.sampleType, unit: s.unit, label: s.totalLabel } } : {}),
    top: (s?.top ?? []).slice(0, Math.max(0, options.topFunctions)).map((f) => ({
      name: f.name,
      flat: f.flat,
      flatLabel: f.flatLabel,
      flatPercent: f.flatPercent,
    })),
    links: {
      ...(capture.artifacts.svg ? { svg: capture.artifacts.svg.url } : {}),
      ...(capture.artifacts.profile ? { profile: capture.artifacts.profile.url } : {}),
    },
    ...(capture.status === 'failed' && capture.error ? { error: { code: capture.error.code, message: capture.error.message } } : {}),
  };
}
