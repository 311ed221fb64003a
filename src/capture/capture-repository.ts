/**
 * Capture records kept in the object store as JSON beside their artifacts, so
 * ListCaptures survives restarts and sees everything any replica stored.
 */
import { GopprofError, isGopprofError } from '../errors.ts';
import type { ObjectStore, StoredIn } from '../storage/index.ts';
import type { Capture, CaptureFilter, CapturePage } from './capture.ts';
import { CAPTURES_PREFIX, captureIdTime, captureKeys, idOfMetadataKey, isCaptureId } from './capture-keys.ts';

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 500;

/** Options of createCaptureRepository. */
export interface CaptureRepositoryOptions {
  /** Records kept in memory, least recently used evicted first: the store holds them all, the process must not. */
  readonly cacheSize: number;
}

/** A few MB of records: every page a caller is likely to turn, without growing with the store. */
export const CAPTURE_REPOSITORY_DEFAULTS: CaptureRepositoryOptions = { cacheSize: 10_000 };

export interface CaptureRepository {
  save(capture: Capture, signal?: AbortSignal): Promise<StoredIn>;
  get(id: string, signal?: AbortSignal): Promise<Capture>;
  /** Newest first. The page token is the last id of the previous page. */
  list(filter: CaptureFilter, signal?: AbortSignal): Promise<CapturePage>;
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
  const { cacheSize } = { ...CAPTURE_REPOSITORY_DEFAULTS, ...options };
  // A Map iterates in insertion order: re-inserting on use makes its first key the least recently used.
  const cache = new Map<string, Capture>();
  const remember = (id: string, capture: Capture): void => {
    cache.delete(id);
    cache.set(id, capture);
    if (cache.size > cacheSize) cache.delete(cache.keys().next().value as string);
  };

  const get = async (id: string, signal?: AbortSignal): Promise<Capture> => {
    if (!isCaptureId(id)) throw new GopprofError('CAPTURE_NOT_FOUND', `"${id}" is not a capture id`);
    const hit = cache.get(id);
    if (hit) {
      remember(id, hit);
      return hit;
    }
    let bytes: Uint8Array;
    try {
      bytes = await store.get(captureKeys(id).metadata, signal);
    } catch (err) {
      if (isGopprofError(err, 'STORAGE_NOT_FOUND')) {
        throw new GopprofError('CAPTURE_NOT_FOUND', `no capture ${id}`, { cause: err });
      }
      throw err;
    }
    const capture = JSON.parse(new TextDecoder().decode(bytes)) as Capture;
    remember(id, capture);
    return capture;
  };

  return {
    async save(capture, signal) {
      const body = new TextEncoder().encode(`${JSON.stringify(capture, null, 2)}\n`);
      const r = await store.put(captureKeys(capture.id).metadata, body, { contentType: 'application/json' }, signal);
      remember(capture.id, capture);
      return r.storedIn;
    },
    get,
    async list(filter, signal) {
      const pageSize = Math.min(Math.max(filter.pageSize || DEFAULT_PAGE_SIZE, 1), MAX_PAGE_SIZE);
      if (filter.pageToken && !isCaptureId(filter.pageToken)) {
        throw new GopprofError('OPTION_INVALID', `invalid page token "${filter.pageToken}"`);
      }
      const since = filter.since ? isoTime(filter.since, 'since') : '';
      const until = filter.until ? isoTime(filter.until, 'until') : '';
      const ids: string[] = [];
      for await (const o of store.list(CAPTURES_PREFIX, signal)) {
        const id = idOfMetadataKey(o.key);
        if (!id) continue;
        if (filter.pageToken && id >= filter.pageToken) continue;
        const t = captureIdTime(id);
        if (since && t < since) continue;
        if (until && t > until) continue;
        if (filter.type && !id.includes(`-${filter.type}-`)) continue;
        ids.push(id);
      }
      ids.sort().reverse();
      const captures: Capture[] = [];
      let last = '';
      for (const id of ids) {
        if (captures.length === pageSize) break;
        last = id;
        const c = await get(id, signal);
        if (matches(c, filter)) captures.push(c);
      }
      const more = captures.length === pageSize && ids.indexOf(last) < ids.length - 1;
      return { captures, nextPageToken: more ? last : '' };
    },
  };
}
