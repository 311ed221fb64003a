/**
 * Requests → domain values, validated. Every bad field fails here with a
 * GopprofError (OPTION_INVALID or PROFILE_TYPE_INVALID) naming the field, so
 * the capture service only ever sees well-formed requests and a caller learns
 * exactly what to fix.
 *
 * Regular expressions (focus, ignore, hide, show) are not compiled here: they
 * follow Go's RE2 syntax (e.g. `(?i)`), which the engine checks with
 * REGEXP_INVALID; sample_index is checked against the profile by the engine.
 */
import { type Timestamp, timestampDate } from '@bufbuild/protobuf/wkt';
import type { CaptureFilter, CaptureRequest, EngineOptions } from '../capture/capture.ts';
import { GopprofError } from '../errors.ts';
import type { EngineOptions as ProtoEngineOptions } from '../gen/gopprof/v1/capture_pb.js';
import type { GetCaptureRequest, ListCapturesRequest, ProfilePodRequest, ProfilePodsRequest } from '../gen/gopprof/v1/profiler_pb.js';
import type { GroupSelector, TargetRef } from '../gen/gopprof/v1/target_pb.js';
import type { ProfileType, Target } from '../targets/target.ts';
import { PROFILE_TYPE_FROM_PROTO, TRIGGER_FROM_PROTO } from './proto-enums.ts';
import { type GroupSelectorInput, isEmptySelector, type TargetRefInput } from './select-targets.ts';
import type { ServerLimits } from './server-limits.ts';

/** Largest node_count accepted: far beyond any readable graph, well below one that takes minutes to lay out. */
export const MAX_NODE_COUNT = 5000;

function invalid(field: string, why: string): GopprofError {
  return new GopprofError('OPTION_INVALID', `${field}: ${why}`, { details: { field } });
}

function checkLength(field: string, value: string, limits: ServerLimits): string {
  if (value.length > limits.maxStringLength) throw invalid(field, `longer than ${limits.maxStringLength} characters`);
  return value;
}

/** The domain profile type; UNSPECIFIED or an unknown number is PROFILE_TYPE_INVALID. */
export function profileTypeFromProto(type: number): ProfileType {
  const domain = PROFILE_TYPE_FROM_PROTO.get(type);
  if (domain === undefined) {
    throw new GopprofError('PROFILE_TYPE_INVALID', `type: ${type === 0 ? 'required' : `unknown profile type ${type}`}`, {
      details: { field: 'type' },
    });
  }
  return domain;
}

/**
 * Validated duration: cpu needs 1..maxSeconds (0 = defaultSeconds); the other
 * types take 0 (a snapshot) or a delta over 1..maxSeconds.
 */
export function secondsFromProto(type: ProfileType, seconds: number, limits: ServerLimits): number {
  if (type === 'cpu' && seconds === 0) return limits.defaultSeconds;
  if (seconds > limits.maxSeconds) throw invalid('seconds', `${seconds} is more than the maximum ${limits.maxSeconds}`);
  return seconds;
}

/** Engine options with unset and empty fields left out; fractions must lie in 0..1. */
export function engineOptionsFromProto(options: ProtoEngineOptions | undefined, limits: ServerLimits): EngineOptions {
  if (options === undefined) return {};
  const out: { -readonly [K in keyof EngineOptions]: EngineOptions[K] } = {};
  for (const key of ['sampleIndex', 'focus', 'ignore', 'hide', 'show'] as const) {
    const value = options[key];
    if (value !== undefined && value !== '') out[key] = checkLength(`options.${key}`, value, limits);
  }
  if (options.nodeCount !== undefined) {
    if (options.nodeCount < 1 || options.nodeCount > MAX_NODE_COUNT) {
      throw invalid('options.node_count', `${options.nodeCount} is outside 1..${MAX_NODE_COUNT}`);
    }
    out.nodeCount = options.nodeCount;
  }
  for (const [key, field] of [
    ['nodeFraction', 'options.node_fraction'],
    ['edgeFraction', 'options.edge_fraction'],
  ] as const) {
    const value = options[key];
    if (value === undefined) continue;
    if (!(value >= 0 && value <= 1)) throw invalid(field, `${value} is outside 0..1`);
    out[key] = value;
  }
  if (options.lines !== undefined) out.lines = options.lines;
  return out;
}

/** A TargetRef as plain data; exactly one of id, name or pod must be set and non-empty. */
export function targetRefFromProto(ref: TargetRef | undefined, limits: ServerLimits): TargetRefInput {
  const kind = ref?.kind;
  switch (kind?.case) {
    case 'id':
      if (kind.value === '') throw invalid('target.id', 'empty');
      return { kind: 'id', id: checkLength('target.id', kind.value, limits) };
    case 'name':
      if (kind.value === '') throw invalid('target.name', 'empty');
      return { kind: 'name', name: checkLength('target.name', kind.value, limits) };
    case 'pod':
      if (kind.value.namespace === '' || kind.value.name === '') throw invalid('target.pod', 'namespace and name are both required');
      return {
        kind: 'pod',
        namespace: checkLength('target.pod.namespace', kind.value.namespace, limits),
        name: checkLength('target.pod.name', kind.value.name, limits),
      };
    default:
      throw invalid('target', 'required: set id, name or pod');
  }
}

/** A GroupSelector as plain data (an unset selector is an empty one). */
export function groupSelectorFromProto(selector: GroupSelector | undefined, limits: ServerLimits): GroupSelectorInput {
  const targetIds = selector?.targetIds ?? [];
  if (targetIds.length > limits.maxGroupSize) {
    throw invalid('selector.target_ids', `${targetIds.length} ids is more than the maximum ${limits.maxGroupSize}`);
  }
  for (const id of targetIds) {
    if (id === '') throw invalid('selector.target_ids', 'contains an empty id');
    checkLength('selector.target_ids', id, limits);
  }
  return {
    namespace: checkLength('selector.namespace', selector?.namespace ?? '', limits),
    labelSelector: checkLength('selector.label_selector', selector?.labelSelector ?? '', limits),
    workload: checkLength('selector.workload', selector?.workload ?? '', limits),
    targetIds,
  };
}

/** A manual capture request for one target, resolved against the known targets. */
export function captureRequestFromProto(
  request: ProfilePodRequest,
  resolveTargetId: (ref: TargetRefInput) => string,
  limits: ServerLimits,
): CaptureRequest {
  const ref = targetRefFromProto(request.target, limits);
  const type = profileTypeFromProto(request.type);
  return {
    targetId: resolveTargetId(ref),
    type,
    seconds: secondsFromProto(type, request.seconds, limits),
    options: engineOptionsFromProto(request.options, limits),
    trigger: 'manual',
  };
}

/** The group of a ProfilePods request: one capture request per target, and the concurrency to use. */
export function captureGroupFromProto(
  request: ProfilePodsRequest,
  selectTargets: (selector: GroupSelectorInput) => readonly Target[],
  limits: ServerLimits,
): { readonly requests: readonly CaptureRequest[]; readonly concurrency: number } {
  const selector = groupSelectorFromProto(request.selector, limits);
  if (isEmptySelector(selector)) {
    throw invalid('selector', 'required: set target_ids, label_selector, namespace or workload (an empty selector would match every target)');
  }
  const type = profileTypeFromProto(request.type);
  const seconds = secondsFromProto(type, request.seconds, limits);
  const options = engineOptionsFromProto(request.options, limits);
  if (request.concurrency > limits.maxConcurrency) {
    throw invalid('concurrency', `${request.concurrency} is more than the maximum ${limits.maxConcurrency}`);
  }
  if (request.maxTargets > limits.maxGroupSize) {
    throw invalid('max_targets', `${request.maxTargets} is more than the maximum ${limits.maxGroupSize}`);
  }
  const maxTargets = request.maxTargets === 0 ? limits.maxGroupSize : request.maxTargets;
  const targets = selectTargets(selector);
  if (targets.length > maxTargets) {
    throw invalid('selector', `matches ${targets.length} targets, more than max_targets ${maxTargets}; narrow it or raise max_targets`);
  }
  return {
    requests: targets.map((t) => ({ targetId: t.id, type, seconds, options, trigger: 'manual' as const })),
    concurrency: request.concurrency === 0 ? limits.defaultConcurrency : request.concurrency,
  };
}

function isoFromProto(field: string, ts: Timestamp | undefined): string | undefined {
  if (ts === undefined) return undefined;
  const date = timestampDate(ts);
  if (Number.isNaN(date.getTime()) || ts.nanos < 0 || ts.nanos > 999_999_999) throw invalid(field, 'not a valid timestamp');
  return date.toISOString();
}

/** A capture filter; page_size 0 takes the default, above the maximum is lowered to it, negative is invalid. */
export function captureFilterFromProto(request: ListCapturesRequest, limits: ServerLimits): CaptureFilter {
  if (request.pageSize < 0) throw invalid('page_size', `${request.pageSize} is negative`);
  const since = isoFromProto('start_time_from', request.startTimeFrom);
  const until = isoFromProto('start_time_to', request.startTimeTo);
  if (since !== undefined && until !== undefined && since > until) {
    throw invalid('start_time_from', `${since} is after start_time_to ${until}`);
  }
  const trigger = TRIGGER_FROM_PROTO.get(request.trigger);
  if (request.trigger !== 0 && trigger === undefined) throw invalid('trigger', `unknown trigger ${request.trigger}`);
  return {
    targetId: request.targetId === '' ? undefined : checkLength('target_id', request.targetId, limits),
    type: request.type === 0 ? undefined : profileTypeFromProto(request.type),
    trigger,
    since,
    until,
    pageSize: request.pageSize === 0 ? limits.defaultPageSize : Math.min(request.pageSize, limits.maxPageSize),
    pageToken: request.pageToken === '' ? undefined : request.pageToken,
  };
}

/** The capture id of a GetCapture request; required. */
export function captureIdFromProto(request: GetCaptureRequest, limits: ServerLimits): string {
  if (request.id === '') throw invalid('id', 'required');
  return checkLength('id', request.id, limits);
}
