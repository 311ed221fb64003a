/**
 * Collects (pod, window, metric) → values as a source parses its answer, then
 * hands out PodUsage[] in the contract's shape: each cell is the mean of the
 * values added to it (one value when the backend already averaged; every raw
 * point when the InfluxQL source averages itself). Shared by every source so
 * the window arithmetic, the memory fallback and the output order are the
 * same whichever backend answered. Sums and counts live in typed arrays per
 * pod because an evaluation may cover tens of thousands of pods.
 */
import type { PodUsage, UsageWindow } from './usage-source.ts';
import type { WindowGrid } from './window-grid.ts';

/** The value fields of a UsageWindow: what a source fills in. */
export type UsageField = Exclude<keyof UsageWindow, 'start'>;

/**
 * What a source can report: each UsageWindow field, plus memory usage meant
 * only as a fallback when working set is missing (heapster's `memory/usage`).
 */
export type UsageSeries = UsageField | 'memoryUsageFallback';

/** Every UsageSeries, in slot order. */
export const USAGE_SERIES: readonly UsageSeries[] = [
  'cpuUsage',
  'cpuLimit',
  'cpuRequest',
  'memoryUsage',
  'memoryLimit',
  'memoryRequest',
  'memoryUsageFallback',
];

const SLOTS = USAGE_SERIES.length;
const FALLBACK = USAGE_SERIES.indexOf('memoryUsageFallback');

/** The slot of a series in a pod's row; see UsageAccumulator.set. */
export function seriesSlot(series: UsageSeries): number {
  return USAGE_SERIES.indexOf(series);
}

/** The cells of one pod: `count × slots` sums and how many values each holds. */
export interface PodRow {
  readonly sums: Float64Array;
  readonly counts: Uint32Array;
}

/** Built per query by createUsageAccumulator. */
export interface UsageAccumulator {
  /** The row of (namespace, pod), created on first use. */
  row(namespace: string, pod: string): PodRow;
  /**
   * Adds `value` to the cell of the window containing `time` (ms). Values
   * outside the grid and non-finite values are ignored. Returns whether the
   * value was kept.
   */
  add(row: PodRow, slot: number, time: number, value: number): boolean;
  /** The pods seen, sorted by namespace then pod, each with `count` windows. */
  finish(): PodUsage[];
}

interface PodEntry {
  readonly namespace: string;
  readonly pod: string;
  readonly cells: PodRow;
}

/** A fresh accumulator for one query's windows. */
export function createUsageAccumulator(grid: WindowGrid): UsageAccumulator {
  const pods = new Map<string, PodEntry>();
  const { start, windowMs, count } = grid;
  return {
    row(namespace, pod) {
      const key = namespace + '\u0000' + pod;
      let entry = pods.get(key);
      if (entry === undefined) {
        entry = { namespace, pod, cells: { sums: new Float64Array(count * SLOTS), counts: new Uint32Array(count * SLOTS) } };
        pods.set(key, entry);
      }
      return entry.cells;
    },
    add(row, slot, time, value) {
      const index = Math.floor((time - start) / windowMs);
      if (!(index >= 0 && index < count) || !Number.isFinite(value)) return false;
      const cell = index * SLOTS + slot;
      row.sums[cell] += value;
      row.counts[cell]++;
      return true;
    },
    finish() {
      const entries = [...pods.values()].sort(compareEntries);
      return entries.map((e) => ({ namespace: e.namespace, pod: e.pod, windows: toWindows(e.cells, start, windowMs, count) }));
    },
  };
}

function compareEntries(a: PodEntry, b: PodEntry): number {
  if (a.namespace !== b.namespace) return a.namespace < b.namespace ? -1 : 1;
  return a.pod < b.pod ? -1 : a.pod > b.pod ? 1 : 0;
}

function toWindows({ sums, counts }: PodRow, start: number, windowMs: number, count: number): UsageWindow[] {
  const windows: UsageWindow[] = new Array(count);
  for (let i = 0; i < count; i++) {
    const base = i * SLOTS;
    const w: { -readonly [K in keyof UsageWindow]: UsageWindow[K] } = { start: start + i * windowMs };
    for (let s = 0; s < FALLBACK; s++) {
      const n = counts[base + s];
      if (n > 0) w[USAGE_SERIES[s] as UsageField] = n === 1 ? sums[base + s] : sums[base + s] / n;
    }
    if (w.memoryUsage === undefined && counts[base + FALLBACK] > 0) {
      w.memoryUsage = sums[base + FALLBACK] / counts[base + FALLBACK];
    }
    windows[i] = w;
  }
  return windows;
}
