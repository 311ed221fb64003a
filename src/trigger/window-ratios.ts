/**
 * Turns one pod's usage windows into usage / limit ratios for one resource,
 * on the exact grid of windows the evaluation asked for, so "consecutive"
 * means consecutive in time and a window the source had no data for is a gap,
 * never skipped over.
 */
import type { PodUsage, Resource, UsageWindow } from '../metrics/index.ts';

/** What a ratio was measured against. */
export type RatioBasis = 'limit' | 'request';

/** The ratios of one pod for one resource, oldest window first; undefined where there was no data. */
export interface WindowRatios {
  readonly basis: RatioBasis;
  readonly ratios: readonly (number | undefined)[];
}

/** Why a pod cannot be judged for a resource. */
export interface RatioSkip {
  readonly skip: string;
}

type Field = 'Usage' | 'Limit' | 'Request';
const FIELDS: Readonly<Record<Resource, Readonly<Record<Field, keyof UsageWindow>>>> = {
  cpu: { Usage: 'cpuUsage', Limit: 'cpuLimit', Request: 'cpuRequest' },
  memory: { Usage: 'memoryUsage', Limit: 'memoryLimit', Request: 'memoryRequest' },
};

const positive = (v: number | undefined): v is number => v !== undefined && Number.isFinite(v) && v > 0;

/**
 * The pod's windows placed on the grid `starts` (ms, oldest first): the
 * source's windows usually are that grid already, but a window it left out
 * or one outside the grid must not shift the rest.
 */
export function alignWindows(pod: PodUsage, starts: readonly number[]): readonly (UsageWindow | undefined)[] {
  const w = pod.windows;
  // Usually the source's windows are the grid, or end with it (it was asked for more).
  const offset = w.length - starts.length;
  if (offset >= 0 && starts.every((s, i) => w[offset + i].start === s)) return offset === 0 ? w : w.slice(offset);
  const byStart = new Map<number, UsageWindow>();
  for (const x of w) byStart.set(x.start, x);
  return starts.map((s) => byStart.get(s));
}

/**
 * Ratios of usage to limit per window. A window's own limit is used when it
 * has one, else the latest limit seen in the other windows (limits change
 * rarely, and a source may report them at other times than usage). With no
 * limit in any window, the request is used if `useRequest`, else the pod is
 * skipped; a pod with no data at all is skipped too.
 */
export function windowRatios(
  windows: readonly (UsageWindow | undefined)[],
  resource: Resource,
  useRequest: boolean,
): WindowRatios | RatioSkip {
  const f = FIELDS[resource];
  let latestLimit: number | undefined;
  let latestRequest: number | undefined;
  let anyUsage = false;
  for (const w of windows) {
    if (w === undefined) continue;
    const limit = w[f.Limit] as number | undefined;
    const request = w[f.Request] as number | undefined;
    if (positive(limit)) latestLimit = limit;
    if (positive(request)) latestRequest = request;
    if (w[f.Usage] !== undefined) anyUsage = true;
  }
  let basis: RatioBasis;
  let field: keyof UsageWindow;
  let fallback: number;
  if (latestLimit !== undefined) {
    basis = 'limit';
    field = f.Limit;
    fallback = latestLimit;
  } else if (useRequest && latestRequest !== undefined) {
    basis = 'request';
    field = f.Request;
    fallback = latestRequest;
  } else if (!anyUsage) {
    return { skip: `no ${resource} data` };
  } else {
    return { skip: useRequest ? `no ${resource} limit or request` : `no ${resource} limit` };
  }
  const ratios = windows.map((w) => {
    const usage = w?.[f.Usage] as number | undefined;
    if (usage === undefined || !Number.isFinite(usage)) return undefined;
    const own = w?.[field] as number | undefined;
    return usage / (positive(own) ? own : fallback);
  });
  return { basis, ratios };
}

/** How many windows at the end of `ratios` are at or above `threshold`, without a gap. */
export function trailingStreak(ratios: readonly (number | undefined)[], threshold: number): number {
  let n = 0;
  for (let i = ratios.length - 1; i >= 0; i--) {
    const r = ratios[i];
    if (r === undefined || !(r >= threshold)) break;
    n++;
  }
  return n;
}
