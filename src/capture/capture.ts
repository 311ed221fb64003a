/**
 * The capture use case's plain data: what a caller asks for, what a finished
 * capture records, and the service interface that both the gRPC server and the
 * auto-profiler call. Generated proto types never reach this file.
 */
import type { ProfileType, Target } from '../targets/target.ts';

/** Why a capture was taken. */
export type Trigger = 'manual' | 'auto';

/** Engine options a caller may set per capture (all optional; pprof's defaults otherwise). */
export interface EngineOptions {
  readonly sampleIndex?: string;
  readonly nodeCount?: number;
  readonly nodeFraction?: number;
  readonly edgeFraction?: number;
  readonly focus?: string;
  readonly ignore?: string;
  readonly hide?: string;
  readonly show?: string;
  readonly lines?: boolean;
}

/** What fired an automatic capture: the rule, the measured values, the windows. */
export interface AutoTriggerInfo {
  readonly rule: string;
  readonly metric: string;
  readonly threshold: number;
  /** Usage / limit ratio of each window that fired, oldest first. */
  readonly values: readonly number[];
  /** Window start times (ISO 8601), oldest first. */
  readonly windows: readonly string[];
}

export interface CaptureRequest {
  /** A target id the service knows (never a URL). */
  readonly targetId: string;
  readonly type: ProfileType;
  /** Duration for cpu, and for delta profiles of the other types; 0 = a snapshot. */
  readonly seconds: number;
  readonly options?: EngineOptions;
  readonly trigger?: Trigger;
  readonly auto?: AutoTriggerInfo;
}

/** A stored object belonging to a capture. */
export interface Artifact {
  /** Key in the object store. */
  readonly key: string;
  /** Where a person or service can download it (presigned, or the local HTTP server). */
  readonly url: string;
  readonly contentType: string;
  readonly size: number;
}

export interface TopFunction {
  readonly name: string;
  readonly flat: number;
  readonly cum: number;
  /** As pprof prints them, e.g. '3.19s', '18.64%'. */
  readonly flatLabel: string;
  readonly flatPercent: string;
  readonly cumLabel: string;
  readonly cumPercent: string;
}

export interface CaptureSummary {
  readonly sampleType: string;
  readonly unit: string;
  readonly total: number;
  readonly totalLabel: string;
  readonly top: readonly TopFunction[];
}

export type CaptureStatus = 'ok' | 'failed';

/** The record of one capture; stored as JSON beside its artifacts. */
export interface Capture {
  readonly id: string;
  readonly targetId: string;
  readonly targetName: string;
  readonly target: Pick<Target, 'labels' | 'owner' | 'pod'>;
  readonly type: ProfileType;
  readonly seconds: number;
  readonly trigger: Trigger;
  readonly auto?: AutoTriggerInfo;
  readonly options: EngineOptions;
  /** ISO 8601. */
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly status: CaptureStatus;
  readonly error?: { readonly code: string; readonly message: string };
  readonly artifacts: {
    readonly profile?: Artifact;
    readonly svg?: Artifact;
    readonly dot?: Artifact;
    readonly metadata?: Artifact;
  };
  readonly summary?: CaptureSummary;
  /** 'primary' when in the object store; 'spool' when kept on local disk until the store is back. */
  readonly storedIn: 'primary' | 'spool';
}

export interface CaptureFilter {
  readonly targetId?: string;
  readonly type?: ProfileType;
  readonly trigger?: Trigger;
  /** ISO 8601 bounds on startedAt, inclusive. */
  readonly since?: string;
  readonly until?: string;
  readonly pageSize?: number;
  readonly pageToken?: string;
}

export interface CapturePage {
  readonly captures: readonly Capture[];
  readonly nextPageToken: string;
}

/** Per-target health, shown by ListTargets. */
export interface TargetStatus {
  readonly target: Target;
  readonly lastCaptureAt?: string;
  readonly lastCaptureId?: string;
  readonly lastError?: { readonly code: string; readonly message: string; readonly at: string };
  /** Why the target is not profiled automatically, when it is not (e.g. 'no cpu limit'). */
  readonly note?: string;
}

/** The use case the gRPC server and the auto-profiler call. */
export interface CaptureService {
  /** Profiles one target; joins an identical capture already in flight. Rejects with GopprofError. */
  profile(request: CaptureRequest, signal?: AbortSignal): Promise<Capture>;
  /** Profiles many targets with a concurrency limit; yields each record (ok or failed) as it completes. */
  profileMany(
    requests: readonly CaptureRequest[],
    options: { readonly concurrency?: number },
    signal?: AbortSignal,
  ): AsyncIterable<Capture>;
  get(id: string, signal?: AbortSignal): Promise<Capture>;
  list(filter: CaptureFilter, signal?: AbortSignal): Promise<CapturePage>;
  targets(): readonly TargetStatus[];
}
