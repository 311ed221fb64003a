/**
 * One retention pass over the capture store: deletes whole captures older
 * than the age limit, then the oldest captures while the store holds more
 * than the byte limit.
 *
 * A capture's record goes first, then its artifacts. The record is what makes
 * a capture exist for GetCapture and ListCaptures, so a pass cut short (an
 * error, a stop) never leaves a listed capture with dead links; the leftover
 * artifacts are found again by the next pass, which walks key prefixes and
 * needs no record. Deleting the record last would instead list a capture
 * whose graph or profile is already gone.
 *
 * A capture with any object still in the spool (waiting for the object store
 * to come back) is never deleted: the spool's copy is the only one, and its
 * upload would bring the deleted objects back. It goes on a later pass.
 */
import { abortError } from '../errors.ts';
import type { ObjectInfo, ObjectStore } from '../storage/index.ts';
import {
  CAPTURES_PREFIX,
  captureIdTime,
  dayOf,
  dayPrefix,
  isMetadataKey,
  locateCaptureKey,
  nextDay,
} from './capture-keys.ts';
import { oldestCaptureDay } from './oldest-capture-day.ts';

/** How long captures are kept. */
export interface RetentionPolicy {
  /** Captures started longer ago than this are deleted; 0 keeps them whatever their age. */
  readonly maxAgeHours: number;
  /** While the captures' objects take more bytes than this, the oldest are deleted; 0 for no limit. */
  readonly maxTotalBytes: number;
}

/** A capture a pass deleted. */
export interface PrunedCapture {
  readonly id: string;
  readonly reason: 'age' | 'size';
  readonly bytes: number;
}

/** What one pass did. */
export interface PruneResult {
  readonly deleted: number;
  readonly deletedBytes: number;
  /** Captures due for deletion but kept because part of them is still in the spool. */
  readonly keptInSpool: number;
  /** Bytes of all captures after the pass; only counted when there is a byte limit. */
  readonly totalBytes?: number;
}

export interface PruneDeps {
  readonly store: ObjectStore;
  readonly now: () => Date;
  /** Told of each capture as soon as it is deleted, so a pass cut short still reports what it did. */
  readonly onDeleted?: (capture: PrunedCapture) => void;
}

/**
 * A capture without a record this young may still be being written; the
 * byte limit leaves it alone. Every capture finishes well within this
 * (capture.maxSeconds + analysis + rendering + the store's deadline).
 */
const IN_PROGRESS_MS = 3_600_000;

/** One capture's objects, as listed. */
interface Listed {
  readonly id: string;
  readonly objects: ObjectInfo[];
}

/** Groups a listing's capture objects by capture, in listing order; other keys are left alone. */
async function groupByCapture(listing: AsyncIterable<ObjectInfo>): Promise<Listed[]> {
  const byPrefix = new Map<string, Listed>();
  for await (const o of listing) {
    const at = locateCaptureKey(o.key);
    if (!at) continue;
    const group = byPrefix.get(at.prefix);
    if (group) group.objects.push(o);
    else byPrefix.set(at.prefix, { id: at.id, objects: [o] });
  }
  return [...byPrefix.values()];
}

const bytesOf = (c: Listed): number => c.objects.reduce((sum, o) => sum + o.size, 0);

/** Runs one pass with `policy`; rejects on the first store error (the next pass resumes where this one stopped). */
export async function pruneCaptures(deps: PruneDeps, policy: RetentionPolicy, signal?: AbortSignal): Promise<PruneResult> {
  const { store } = deps;
  let deleted = 0;
  let deletedBytes = 0;
  let keptInSpool = 0;

  /** Deletes one capture, record first; false when it is (partly) in the spool and was kept. */
  const remove = async (c: Listed, reason: PrunedCapture['reason']): Promise<boolean> => {
    if (signal?.aborted) throw abortError(signal, 'pruning captures');
    if (store.locate) {
      const places = await Promise.all(c.objects.map((o) => store.locate?.(o.key, signal)));
      if (places.includes('spool')) {
        keptInSpool++;
        return false;
      }
    }
    const ordered = [...c.objects].sort((a, b) => Number(isMetadataKey(b.key)) - Number(isMetadataKey(a.key)));
    for (const o of ordered) await store.delete(o.key, signal);
    const bytes = bytesOf(c);
    deleted++;
    deletedBytes += bytes;
    deps.onDeleted?.({ id: c.id, reason, bytes });
    return true;
  };

  const now = deps.now();
  if (policy.maxAgeHours > 0) {
    const cutoff = new Date(now.getTime() - policy.maxAgeHours * 3_600_000).toISOString();
    const expired = (id: string) => captureIdTime(id) < cutoff;
    // Captures of earlier versions, flat under captures/<id>/: the top level lists them (and the days).
    for await (const prefix of store.listPrefixes(CAPTURES_PREFIX, signal)) {
      const at = locateCaptureKey(prefix);
      if (!at?.legacy || !expired(at.id)) continue;
      for (const c of await groupByCapture(store.list(at.prefix, signal))) await remove(c, 'age');
    }
    // Whole days before the cutoff's day, then the part of that day before it: one prefix each.
    const last = dayOf(new Date(cutoff));
    const first = await oldestCaptureDay(store, signal);
    for (let day = first; day !== undefined && day <= last; day = nextDay(day)) {
      for (const c of await groupByCapture(store.list(dayPrefix(day), signal))) {
        if (expired(c.id)) await remove(c, 'age');
      }
    }
  }

  let totalBytes: number | undefined;
  if (policy.maxTotalBytes > 0) {
    // Every object's size: a full listing, oldest capture first (ids start with their time).
    const all = (await groupByCapture(store.list(CAPTURES_PREFIX, signal))).sort((a, b) => (a.id < b.id ? -1 : 1));
    totalBytes = all.reduce((sum, c) => sum + bytesOf(c), 0);
    const young = new Date(now.getTime() - IN_PROGRESS_MS).toISOString();
    for (const c of all) {
      if (totalBytes <= policy.maxTotalBytes) break;
      const inProgress = !c.objects.some((o) => isMetadataKey(o.key)) && captureIdTime(c.id) > young;
      if (!inProgress && (await remove(c, 'size'))) totalBytes -= bytesOf(c);
    }
  }
  return { deleted, deletedBytes, keptInSpool, ...(totalBytes === undefined ? {} : { totalBytes }) };
}
