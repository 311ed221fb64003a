/**
 * GetAutoProfilerStatus: the auto-profiler's state as the API returns it.
 *
 * The server and the auto-profiler (src/trigger/) never import each other;
 * this file states what the server needs to show — plain data with ISO 8601
 * times — and main.ts hands it the auto-profiler, whose status() has this
 * shape (the type-check there keeps the two in step). Without one, the answer
 * says `enabled: false`.
 */
import { create } from '@bufbuild/protobuf';
import { durationFromMs } from '@bufbuild/protobuf/wkt';
import {
  HotPodOutcome,
  RatioBasis,
  Resource,
} from '../gen/gopprof/v1/auto_profiler_pb.js';
import { type GetAutoProfilerStatusResponse, GetAutoProfilerStatusResponseSchema } from '../gen/gopprof/v1/profiler_pb.js';
import type { ProfileType } from '../targets/index.ts';
import { PROFILE_TYPE_TO_PROTO } from './proto-enums.ts';
import { timestampFromIso } from './to-proto.ts';

type ResourceName = 'cpu' | 'memory';
type Basis = 'limit' | 'request';
type Outcome = 'pending' | 'captured' | 'cooldown' | 'workload-cap';

/** What GetAutoProfilerStatus shows; see GetAutoProfilerStatusResponse in proto/gopprof/v1/profiler.proto. */
export interface AutoProfilerStatusView {
  readonly enabled: boolean;
  readonly running: boolean;
  readonly source: string;
  readonly windowSeconds: number;
  readonly windows: number;
  readonly rules: readonly {
    readonly name: string;
    readonly resource: ResourceName;
    readonly threshold: number;
    readonly profiles: readonly ProfileType[];
  }[];
  readonly evaluations: number;
  readonly lastEvaluation?: { readonly at: string; readonly durationMs: number; readonly windowEnd: string; readonly ok: boolean };
  readonly lastSuccessAt?: string;
  readonly lastError?: { readonly code: string; readonly message: string; readonly at: string };
  readonly consecutiveFailures: number;
  readonly podsEvaluated: number;
  readonly hotPods: readonly {
    readonly targetId: string;
    readonly namespace: string;
    readonly pod: string;
    readonly workload: string;
    readonly rule: string;
    readonly resource: ResourceName;
    readonly basis: Basis;
    readonly threshold: number;
    readonly streak: number;
    readonly windows: readonly { readonly start: string; readonly ratio?: number }[];
    readonly outcome: Outcome;
  }[];
  readonly cooldowns: readonly { readonly namespace: string; readonly pod: string; readonly type: ProfileType; readonly until: string }[];
  readonly skippedPods: readonly { readonly targetId: string; readonly namespace: string; readonly pod: string; readonly reason: string }[];
  readonly episodes: readonly {
    readonly namespace: string;
    readonly workload: string;
    readonly startedAt: string;
    readonly endsBy: string;
    readonly maxPods: number;
    readonly profiledPods: readonly string[];
    readonly deferredPods: readonly string[];
  }[];
}

/** Whatever can report the auto-profiler's status (the auto-profiler itself, in main.ts). */
export interface AutoProfilerStatusProvider {
  status(): AutoProfilerStatusView;
}

const RESOURCE_TO_PROTO: Readonly<Record<ResourceName, Resource>> = { cpu: Resource.CPU, memory: Resource.MEMORY };
const BASIS_TO_PROTO: Readonly<Record<Basis, RatioBasis>> = { limit: RatioBasis.LIMIT, request: RatioBasis.REQUEST };
const OUTCOME_TO_PROTO: Readonly<Record<Outcome, HotPodOutcome>> = {
  pending: HotPodOutcome.PENDING,
  captured: HotPodOutcome.CAPTURED,
  cooldown: HotPodOutcome.COOLDOWN,
  'workload-cap': HotPodOutcome.WORKLOAD_CAP,
};

/** The response for `status`, or `enabled: false` when the service runs no auto-profiler. */
export function autoProfilerStatusToProto(status: AutoProfilerStatusView | undefined): GetAutoProfilerStatusResponse {
  if (status === undefined) return create(GetAutoProfilerStatusResponseSchema, { enabled: false });
  const ts = timestampFromIso;
  return create(GetAutoProfilerStatusResponseSchema, {
    enabled: status.enabled,
    running: status.running,
    source: status.source,
    window: durationFromMs(status.windowSeconds * 1000),
    windows: status.windows,
    rules: status.rules.map((r) => ({
      name: r.name,
      resource: RESOURCE_TO_PROTO[r.resource],
      threshold: r.threshold,
      profileTypes: r.profiles.map((p) => PROFILE_TYPE_TO_PROTO[p]),
    })),
    evaluations: BigInt(status.evaluations),
    lastEvaluation: status.lastEvaluation && {
      time: ts(status.lastEvaluation.at, 'lastEvaluation.at'),
      duration: durationFromMs(Math.round(status.lastEvaluation.durationMs)),
      windowEndTime: ts(status.lastEvaluation.windowEnd, 'lastEvaluation.windowEnd'),
      ok: status.lastEvaluation.ok,
    },
    lastSuccessTime: status.lastSuccessAt === undefined ? undefined : ts(status.lastSuccessAt, 'lastSuccessAt'),
    lastError: status.lastError && {
      code: status.lastError.code,
      message: status.lastError.message,
      time: ts(status.lastError.at, 'lastError.at'),
    },
    consecutiveFailures: status.consecutiveFailures,
    podsEvaluated: status.podsEvaluated,
    hotPods: status.hotPods.map((h) => ({
      targetId: h.targetId,
      namespace: h.namespace,
      pod: h.pod,
      workload: h.workload,
      rule: h.rule,
      resource: RESOURCE_TO_PROTO[h.resource],
      basis: BASIS_TO_PROTO[h.basis],
      threshold: h.threshold,
      streak: h.streak,
      windows: h.windows.map((w) => ({ startTime: ts(w.start, 'hotPods.windows.start'), ratio: w.ratio })),
      outcome: OUTCOME_TO_PROTO[h.outcome],
    })),
    cooldowns: status.cooldowns.map((c) => ({
      namespace: c.namespace,
      pod: c.pod,
      type: PROFILE_TYPE_TO_PROTO[c.type],
      endTime: ts(c.until, 'cooldowns.until'),
    })),
    skippedPods: status.skippedPods.map((s) => ({ ...s })),
    episodes: status.episodes.map((e) => ({
      namespace: e.namespace,
      workload: e.workload,
      startTime: ts(e.startedAt, 'episodes.startedAt'),
      latestEndTime: ts(e.endsBy, 'episodes.endsBy'),
      maxPods: e.maxPods,
      profiledPods: [...e.profiledPods],
      deferredPods: [...e.deferredPods],
    })),
  });
}
