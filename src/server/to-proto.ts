/**
 * Domain records → proto messages for responses. The domain's ISO 8601 times
 * become google.protobuf.Timestamp, its string unions become enums, and its
 * named artifact slots become a list tagged by kind. Target addresses are
 * never copied: the API names targets, it does not reveal where they live.
 */
import { create } from '@bufbuild/protobuf';
import { type Timestamp, timestampFromDate } from '@bufbuild/protobuf/wkt';
import type { Capture, EngineOptions, TargetStatus } from '../capture/capture.ts';
import { GopprofError } from '../errors.ts';
import {
  type Artifact as ProtoArtifact,
  ArtifactSchema,
  type Capture as ProtoCapture,
  CaptureSchema,
  type EngineOptions as ProtoEngineOptions,
  EngineOptionsSchema,
} from '../gen/gopprof/v1/capture_pb.js';
import {
  type Target as ProtoTarget,
  type TargetStatus as ProtoTargetStatus,
  TargetSchema,
  TargetStatusSchema,
} from '../gen/gopprof/v1/target_pb.js';
import type { Target } from '../targets/target.ts';
import {
  ARTIFACT_KIND_TO_PROTO,
  CAPTURE_STATUS_TO_PROTO,
  PROFILE_TYPE_TO_PROTO,
  STORED_IN_TO_PROTO,
  TRIGGER_TO_PROTO,
} from './proto-enums.ts';

/** An ISO 8601 time as a Timestamp; a malformed stored time is an INTERNAL error, not a silent epoch. */
export function timestampFromIso(iso: string, what: string): Timestamp {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) throw new GopprofError('INTERNAL', `${what} is not an ISO 8601 time: ${JSON.stringify(iso)}`);
  return timestampFromDate(date);
}

/** A target without its fetch address. */
export function targetToProto(target: Pick<Target, 'id' | 'name' | 'labels' | 'owner' | 'pod'>): ProtoTarget {
  return create(TargetSchema, {
    id: target.id,
    name: target.name,
    labels: { ...target.labels },
    owner: target.owner,
    pod: target.pod && { ...target.pod },
  });
}

/** Engine options with only the fields that were set. */
export function engineOptionsToProto(options: EngineOptions): ProtoEngineOptions {
  return create(EngineOptionsSchema, { ...options });
}

/** A capture record as the API returns it. */
export function captureToProto(capture: Capture): ProtoCapture {
  const artifacts: ProtoArtifact[] = [];
  for (const slot of ['profile', 'svg', 'dot', 'metadata'] as const) {
    const a = capture.artifacts[slot];
    if (a === undefined) continue;
    artifacts.push(
      create(ArtifactSchema, {
        kind: ARTIFACT_KIND_TO_PROTO[slot],
        key: a.key,
        url: a.url,
        contentType: a.contentType,
        size: BigInt(a.size),
      }),
    );
  }
  return create(CaptureSchema, {
    id: capture.id,
    target: targetToProto({
      id: capture.targetId,
      name: capture.targetName,
      labels: capture.target.labels,
      owner: capture.target.owner,
      pod: capture.target.pod,
    }),
    type: PROFILE_TYPE_TO_PROTO[capture.type],
    seconds: capture.seconds,
    trigger: TRIGGER_TO_PROTO[capture.trigger],
    autoTrigger: capture.auto && {
      rule: capture.auto.rule,
      metric: capture.auto.metric,
      threshold: capture.auto.threshold,
      values: [...capture.auto.values],
      windowStartTimes: capture.auto.windows.map((w) => timestampFromIso(w, 'auto.windows')),
    },
    options: engineOptionsToProto(capture.options),
    startTime: timestampFromIso(capture.startedAt, 'startedAt'),
    finishTime: timestampFromIso(capture.finishedAt, 'finishedAt'),
    status: CAPTURE_STATUS_TO_PROTO[capture.status],
    error: capture.error && { code: capture.error.code, message: capture.error.message },
    artifacts,
    summary: capture.summary && {
      sampleType: capture.summary.sampleType,
      unit: capture.summary.unit,
      total: capture.summary.total,
      totalLabel: capture.summary.totalLabel,
      top: capture.summary.top.map((f) => ({ ...f })),
    },
    storedIn: STORED_IN_TO_PROTO[capture.storedIn],
  });
}

/** A target's status as ListTargets returns it. */
export function targetStatusToProto(s: TargetStatus): ProtoTargetStatus {
  return create(TargetStatusSchema, {
    target: targetToProto(s.target),
    lastCaptureTime: s.lastCaptureAt === undefined ? undefined : timestampFromIso(s.lastCaptureAt, 'lastCaptureAt'),
    lastCaptureId: s.lastCaptureId ?? '',
    lastError: s.lastError && {
      code: s.lastError.code,
      message: s.lastError.message,
      time: timestampFromIso(s.lastError.at, 'lastError.at'),
    },
    note: s.note ?? '',
  });
}
