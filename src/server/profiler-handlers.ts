/**
 * The ProfilerService methods: decode and validate (from-proto.ts), call the
 * capture use case with the call's AbortSignal, encode the answer
 * (to-proto.ts). Errors propagate as GopprofErrors; bind-service.ts turns them
 * into statuses.
 */
import type { CaptureService } from '../capture/capture.ts';
import type { ProfilerService } from '../gen/gopprof/v1/profiler_pb.js';
import { type AutoProfilerStatusProvider, autoProfilerStatusToProto } from './auto-profiler-status.ts';
import type { ServiceHandlersOf } from './bind-service.ts';
import {
  captureFilterFromProto,
  captureGroupFromProto,
  captureIdFromProto,
  captureRequestFromProto,
  groupSelectorFromProto,
} from './from-proto.ts';
import { type NotificationStatusProvider, notificationReceiverToProto } from './notification-status.ts';
import { resolveTargetId, selectProblems, selectTargets } from './select-targets.ts';
import type { ServerLimits } from './server-limits.ts';
import { compareProblems, type TargetProblemsProvider, targetProblemToProto } from './target-problems.ts';
import { captureToProto, targetStatusToProto } from './to-proto.ts';

/** The status the API shows besides the captures; each is absent when the service runs no such part. */
export interface StatusSources {
  readonly autoProfiler?: AutoProfilerStatusProvider;
  readonly notificationStatus?: NotificationStatusProvider;
  readonly targetProblems?: TargetProblemsProvider;
}

/** Handlers for every ProfilerService method, backed by `captures` and whatever status `sources` the service has. */
export function profilerHandlers(
  captures: CaptureService,
  limits: ServerLimits,
  sources: StatusSources = {},
): ServiceHandlersOf<typeof ProfilerService> {
  const knownTargets = () => captures.targets().map((s) => s.target);
  return {
    async profilePod(request, { signal }) {
      const targets = knownTargets();
      const captureRequest = captureRequestFromProto(request, (ref) => resolveTargetId(ref, targets), limits);
      const capture = await captures.profile(captureRequest, signal);
      return { capture: captureToProto(capture) };
    },

    async *profilePods(request, { signal }) {
      const targets = knownTargets();
      const group = captureGroupFromProto(request, (selector) => selectTargets(selector, targets), limits);
      if (group.requests.length === 0) return;
      for await (const capture of captures.profileMany(group.requests, { concurrency: group.concurrency }, signal)) {
        yield { capture: captureToProto(capture) };
      }
    },

    async getCapture(request, { signal }) {
      const capture = await captures.get(captureIdFromProto(request, limits), signal);
      return { capture: captureToProto(capture) };
    },

    async listCaptures(request, { signal }) {
      const page = await captures.list(captureFilterFromProto(request, limits), signal);
      return { captures: page.captures.map(captureToProto), nextPageToken: page.nextPageToken };
    },

    async listTargets(request) {
      const selector = groupSelectorFromProto(request.selector, limits);
      const statuses = captures.targets();
      const selected = new Set(selectTargets(selector, statuses.map((s) => s.target)).map((t) => t.id));
      const targets = statuses
        .filter((s) => selected.has(s.target.id))
        .sort((a, b) => (a.target.id < b.target.id ? -1 : a.target.id > b.target.id ? 1 : 0))
        .map(targetStatusToProto);
      const problems = selectProblems(selector, sources.targetProblems?.() ?? [])
        .sort(compareProblems)
        .map(targetProblemToProto);
      return { targets, problems };
    },

    async getAutoProfilerStatus() {
      const response = autoProfilerStatusToProto(sources.autoProfiler?.status());
      response.notifications = (sources.notificationStatus?.() ?? []).map(notificationReceiverToProto);
      return response;
    },
  };
}
