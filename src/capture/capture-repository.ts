/**
 * Capture records kept in the object store as JSON beside their artifacts, so
 * ListCaptures survives restarts and sees everything any replica stored.
 *
 * A listing walks the day partitions newest first (see capture-keys.ts): per
 * day it lists the capture directories (one level, not every object) and
 * reads records only until the page is full, so its cost follows the page,
 * not the store. `since`/`until` and the page token bound the days it visits.
 */
import { GopprofError, isGopprofError } from '../errors.ts';
import type { ObjectStore, StoredIn } from '../storage/index.ts';
import type { Capture, CaptureFilter, CapturePage } from './capture.ts';
import {
  captureIdDay,
  captureIdTime,
  captureKeys,
  dayOf,
  dayPrefix,
  isCaptureId,
  legacyMetadataKey,
  locateCaptureKey,
  previousDay,
} from './capture-keys.ts';
import { oldestCaptureDay } from './oldest-capture-day.ts';

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 500;

/** Records read at once while filling a page: enough to hide an object store's latency, never far past the page. */
const READ_AHEAD = 16;

/**
 * A replica whose clock runs ahead files its captures under a later day than
 * ours: near midnight the listing starts at the day this far ahead.
 */
const CLOCK_SKEW_MS = 10 * 60_000;

/** Options of createCaptureRepository. */
export interface CaptureRepositoryOptions {
  /** Records kept in memory, least recently used evicted first: the store holds them all, the process must not. */
  readonly cacheSize: number;
  /** The clock: a listing without `until` starts at today's partition. */
  readonly now: () => Date;
}

/** A few MB of records: every page a caller is likely to turn, without growing with the store. */
export const CAPTURE_REPOSITORY_DEFAULTS: CaptureRepositoryOptions = { cacheSize: 10_000, now: () => new Date() };

export interface CaptureRepository {
  save(capture: Capture, signal?: AbortSignal): Promise<StoredIn>;
  /** The record of `id`, in the day layout or, for captures stored before it, the flat one. */
  get(id: string, signal?: AbortSignal): Promise<Capture>;
  /** Newest first. The page token is the last id of the previous page. */
  list(filter: CaptureFilter, signal?: AbortSignal): Promise<CapturePage>;
  /** Drops a cached record whose capture was deleted (by retention), so `get` no longer returns it. */
  forget(id: string): void;
}

function matches(c: Capture, f: CaptureFilter): boolean {
  return (
    (!f.targetId || c.targetId === f.targetId || c.targetName === f.targetId) &&
    (!f.type || c.type === f.type) &&
    (!f.trigger || c.trigger === f.trigger)
  );
}

/** Normalises a time bound to the ISO form ids decode to, so strings compare as times. */
function isoTime(s: string, name: string): string {
  const d = new Date(s);
  if (Number.isNaN(d.getTime())) throw new GopprofError('OPTION_INVALID', `${name}: "${s}" is not a time`);
  return d.toISOString();
}

/** A repository over `store`. Records are immutable once written, so the recent ones are cached. */
export function createCaptureRepository(store: ObjectStore, options: Partial<CaptureRepositoryOptions> = {}): CaptureRepository {
  const { cacheSize, now } = { ...CAPTURE_REPOSITORY_DEFAULTS, ...options };
  // A Map iterates in insertion order: re-inserting on use makes its first key the least recently used.
  const cache = new Map<string, Capture>();
  const remember = (id: string, capture: Capture): void => {
    cache.delete(id);
    cache.set(id, capture);
    if (cache.size > cacheSize) cache.delete(cache.keys().next().value as string);
  };

  /** The record at `key`, or undefined when there is none (a capture in progress, or being deleted). */
  const read = async (id: string, key: string, signal?: AbortSignal): Promise<Capture | undefined> => {
    const hit = cache.get(id);
    if (hit) {
      remember(id, hit);
      return hit;
    }
    let bytes: Uint8Array;
    try {
      bytes = await store.get(key, signal);
    } catch (err) {
      if (isGopprofError(err, 'STORAGE_NOT_FOUND')) return undefined;
      throw err;
    }
    const capture = JSON.parse(new TextDecoder().decode(bytes)) as Capture;
    remember(id, capture);
    return capture;
  };

  /** The ids filed under `day`, ascending. */
  const idsOfDay = async (day: string, signal?: AbortSignal): Promise<string[]> => {
    const ids: string[] = [];
    for await (const prefix of store.listPrefixes(dayPrefix(day), signal)) {
      const at = locateCaptureKey(prefix);
      if (at && !at.legacy) ids.push(at.id);
    }
    return ids;
  };

  return {
    async save(capture, signal) {
      const body = new TextEncoder().encode(`${JSON.stringify(capture, null, 2)}\n`);
      const r = await store.put(captureKeys(capture.id).metadata, body, { contentType: 'application/json' }, signal);
      remember(capture.id, capture);
      return r.storedIn;
    },

    async get(id, signal) {
      if (!isCaptureId(id)) throw new GopprofError('CAPTURE_NOT_FOUND', `"${id}" is not a capture id`);
      const capture = (await read(id, captureKeys(id).metadata, signal)) ?? (await read(id, legacyMetadataKey(id), signal));
      if (!capture) throw new GopprofError('CAPTURE_NOT_FOUND', `no capture ${id}`);
      return capture;
    },

    async list(filter, signal) {
      const pageSize = Math.min(Math.max(filter.pageSize || DEFAULT_PAGE_SIZE, 1), MAX_PAGE_SIZE);
      const token = filter.pageToken ?? '';
      if (token && !isCaptureId(token)) throw new GopprofError('OPTION_INVALID', `invalid page token "${token}"`);
      const since = filter.since ? isoTime(filter.since, 'since') : '';
      const until = filter.until ? isoTime(filter.until, 'until') : '';
      // Only ids tell time and type: a record is read only for an id that passes these.
      const candidate = (id: string): boolean => {
        if (token && id >= token) return false;
        const t = captureIdTime(id);
        return (!since || t >= since) && (!until || t <= until) && (!filter.type || id.includes(`-${filter.type}-`));
      };

      let top = dayOf(new Date(now().getTime() + CLOCK_SKEW_MS));
      if (until && dayOf(new Date(until)) < top) top = dayOf(new Date(until));
      if (token && captureIdDay(token) < top) top = captureIdDay(token);
      let floor: string | undefined;
      const captures: Capture[] = [];
      let last = '';
      for (let day = top; ; day = previousDay(day)) {
        if (day !== top) {
          // Past the first day: stop at `since` or at the oldest stored day, found once (nothing stored: stop).
          if (floor === undefined) {
            floor = (await oldestCaptureDay(store, signal)) ?? '9999-12-31';
            if (since && dayOf(new Date(since)) > floor) floor = dayOf(new Date(since));
          }
          if (day < floor) break;
        }
        const ids = (await idsOfDay(day, signal)).filter(candidate).reverse();
        // A page filled at the end of the previous day has a next page if any candidate is left.
        if (captures.length === pageSize) {
          if (ids.length > 0) return { captures, nextPageToken: last };
          continue;
        }
        let used = 0;
        while (used < ids.length && captures.length < pageSize) {
          const batch = ids.slice(used, used + Math.min(pageSize - captures.length, READ_AHEAD));
          const records = await Promise.all(batch.map((id) => read(id, captureKeys(id).metadata, signal)));
          for (const c of records) {
            last = ids[used++];
            if (c && matches(c, filter)) captures.push(c);
            if (captures.length === pageSize) break;
          }
        }
        if (captures.length === pageSize && used < ids.length) return { captures, nextPageToken: last };
      }
      return { captures, nextPageToken: '' };
    },

    forget(id) {
      cache.delete(id);
    },
  };
}
