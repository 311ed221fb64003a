/**
 * Per-target health for ListTargets: the last capture, the last error and a
 * note. Pod targets come and go (every restart is a new id), so entries of
 * targets that are no longer known are dropped once the map has grown well
 * past the live set, instead of piling up for the life of the process.
 */
import type { TargetStatus } from './capture.ts';

/** What is remembered about one target. */
export type TargetHealthEntry = { -readonly [K in Exclude<keyof TargetStatus, 'target'>]?: TargetStatus[K] };

/** The health of the targets a service has captured from. */
export interface TargetHealth {
  get(targetId: string): Readonly<TargetHealthEntry> | undefined;
  /** Changes (creating if needed) the entry of `targetId`. */
  update(targetId: string, change: (entry: TargetHealthEntry) => void): void;
  /** Drops the note of `targetId`, creating nothing. */
  clearNote(targetId: string): void;
  /** Entries held now. */
  readonly size: number;
}

/** Below this many entries nothing is pruned: a small map costs nothing. */
const MIN_PRUNE_SIZE = 1024;

/**
 * A health map that forgets targets `currentIds` no longer lists, whenever it
 * has grown to twice its size after the last pruning (amortised O(1) per update).
 */
export function createTargetHealth(currentIds: () => Iterable<string>, minPruneSize: number = MIN_PRUNE_SIZE): TargetHealth {
  const entries = new Map<string, TargetHealthEntry>();
  let pruneAt = minPruneSize;

  const prune = (): void => {
    const current = new Set(currentIds());
    for (const id of entries.keys()) if (!current.has(id)) entries.delete(id);
    pruneAt = Math.max(minPruneSize, 2 * entries.size);
  };

  return {
    get: (targetId) => entries.get(targetId),
    update(targetId, change) {
      const entry = entries.get(targetId) ?? {};
      change(entry);
      entries.set(targetId, entry);
      if (entries.size > pruneAt) prune();
    },
    clearNote(targetId) {
      delete entries.get(targetId)?.note;
    },
    get size() {
      return entries.size;
    },
  };
}
