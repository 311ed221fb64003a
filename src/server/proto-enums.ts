/**
 * The correspondence between proto enums and the domain's string unions, in
 * both directions, in one place. The tables are typed as Records over the
 * domain unions, so a new profile type or trigger fails the type-check here
 * until it has a proto value.
 */
import {
  ArtifactKind,
  CaptureStatus as ProtoCaptureStatus,
  ProfileType as ProtoProfileType,
  StorageLocation,
  Trigger as ProtoTrigger,
} from '../gen/gopprof/v1/capture_pb.js';
import type { Capture, CaptureStatus, Trigger } from '../capture/capture.ts';
import type { ProfileType } from '../targets/target.ts';

/** Domain profile type → proto. */
export const PROFILE_TYPE_TO_PROTO: Readonly<Record<ProfileType, ProtoProfileType>> = Object.freeze({
  cpu: ProtoProfileType.CPU,
  heap: ProtoProfileType.HEAP,
  allocs: ProtoProfileType.ALLOCS,
  goroutine: ProtoProfileType.GOROUTINE,
  mutex: ProtoProfileType.MUTEX,
  block: ProtoProfileType.BLOCK,
  threadcreate: ProtoProfileType.THREADCREATE,
});

/** Proto profile type → domain; UNSPECIFIED and unknown numbers are absent. */
export const PROFILE_TYPE_FROM_PROTO: ReadonlyMap<number, ProfileType> = new Map(
  Object.entries(PROFILE_TYPE_TO_PROTO).map(([k, v]) => [v, k as ProfileType]),
);

/** Domain trigger → proto. */
export const TRIGGER_TO_PROTO: Readonly<Record<Trigger, ProtoTrigger>> = Object.freeze({
  manual: ProtoTrigger.MANUAL,
  auto: ProtoTrigger.AUTO,
});

/** Proto trigger → domain; UNSPECIFIED and unknown numbers are absent. */
export const TRIGGER_FROM_PROTO: ReadonlyMap<number, Trigger> = new Map(
  Object.entries(TRIGGER_TO_PROTO).map(([k, v]) => [v, k as Trigger]),
);

/** Domain capture status → proto. */
export const CAPTURE_STATUS_TO_PROTO: Readonly<Record<CaptureStatus, ProtoCaptureStatus>> = Object.freeze({
  ok: ProtoCaptureStatus.OK,
  failed: ProtoCaptureStatus.FAILED,
});

/** Domain storage location → proto. */
export const STORED_IN_TO_PROTO: Readonly<Record<Capture['storedIn'], StorageLocation>> = Object.freeze({
  primary: StorageLocation.PRIMARY,
  spool: StorageLocation.SPOOL,
});

/** Domain artifact slot → proto artifact kind. */
export const ARTIFACT_KIND_TO_PROTO: Readonly<Record<keyof Capture['artifacts'], ArtifactKind>> = Object.freeze({
  profile: ArtifactKind.PROFILE,
  svg: ArtifactKind.SVG,
  dot: ArtifactKind.DOT,
  metadata: ArtifactKind.METADATA,
});
