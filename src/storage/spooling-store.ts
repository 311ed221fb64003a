/**
 * Keeps captures when the object store is down: a put the primary cannot take
 * (STORAGE_UNAVAILABLE) lands in a local spool store instead, and a background
 * loop uploads spooled objects once the primary answers again, deleting each
 * from the spool only after the primary has it. Readers see the union, so a
 * capture is listable and downloadable the moment its put returns.
 *
 * Nothing is lost: the spool is written atomically and survives restarts (the
 * first pass uploads what an earlier process left), and a crash between
 * upload and spool delete only uploads the same bytes again.
 */
import { type GopprofError, isGopprofError } from '../errors.ts';
import { createKeyLock } from './key-lock.ts';
import { mergeListings } from './merge-listings.ts';
import type { ObjectInfo, ObjectStat, ObjectStore, PutOptions, PutResult, StoredIn, UrlOptions } from './object-store.ts';
import type { SpoolEvent, SpoolLogger, SpoolStats, SpoolTimers } from './spool-event.ts';

export interface SpoolingStoreOptions {
  /** Pause between upload passes (and between probes while the primary is down). */
  readonly retryIntervalMs: number;
  readonly logger?: SpoolLogger;
  readonly onEvent?: (event: SpoolEvent) => void;
  readonly timers?: SpoolTimers;
}

/** An ObjectStore that spools, with its background uploader and counters. */
export interface SpoolingStore extends ObjectStore {
  /** Starts the background loop; its first pass runs at once. Idempotent. */
  start(): void;
  /** Stops the loop and waits for the upload in flight. Idempotent; puts keep working (to primary or spool). */
  stop(): Promise<void>;
  /** Runs one upload pass now (after any pass in progress) and resolves when it is done. */
  drain(signal?: AbortSignal): Promise<void>;
  stats(): SpoolStats;
}

const unrefTimers: SpoolTimers = {
  setTimeout: (callback, ms) => setTimeout(callback, ms).unref(),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/** Wraps `primary` so writes fall back to `spool` (a local store) while the primary is unavailable. */
export function createSpoolingStore(
  primary: ObjectStore,
  spool: ObjectStore,
  options: SpoolingStoreOptions,
): SpoolingStore {
  const timers = options.timers ?? unrefTimers;
  const log = options.logger;
  const lock = createKeyLock();
  const pending = new Set<string>();
  /** Until the first pass has listed the spool, any key may have a spooled copy from an earlier run. */
  let scanned = false;
  let state: 'up' | 'down' = 'up';
  let counts = { spooled: 0, uploaded: 0, failures: 0 };
  let lastError: SpoolStats['lastError'];
  let passes: Promise<void> = Promise.resolve();
  let started = false;
  let stopping: Promise<void> | undefined;
  let timer: unknown;

  const emit = (event: SpoolEvent) => {
    try {
      options.onEvent?.(event);
    } catch (err) {
      log?.error({ err }, 'spool event listener threw');
    }
  };

  const remember = (err: GopprofError) => {
    lastError = { code: err.code, message: err.message, at: new Date().toISOString() };
  };

  const markDown = (err: GopprofError) => {
    remember(err);
    if (state === 'down') return;
    state = 'down';
    log?.warn({ err }, 'object store unavailable, spooling to local disk');
    emit({ type: 'primary-down', code: err.code, message: err.message });
  };

  const markUp = () => {
    if (state === 'up') return;
    state = 'up';
    log?.info({ pending: pending.size }, 'object store available again');
    emit({ type: 'primary-up' });
  };

  async function put(key: string, body: Uint8Array, putOptions: PutOptions, signal?: AbortSignal): Promise<PutResult> {
    return lock.run(key, async () => {
      if (state === 'up') {
        try {
          const result = await primary.put(key, body, putOptions, signal);
          // An older spooled copy must not be uploaded over this newer one later.
          if (!scanned || pending.has(key)) {
            await spool.delete(key, signal);
            pending.delete(key);
          }
          return { ...result, storedIn: 'primary' };
        } catch (err) {
          if (!isGopprofError(err, 'STORAGE_UNAVAILABLE')) throw err;
          markDown(err);
        }
      }
      const result = await spool.put(key, body, putOptions, signal);
      pending.add(key);
      counts = { ...counts, spooled: counts.spooled + 1 };
      emit({ type: 'spooled', key, size: result.size });
      return { ...result, storedIn: 'spool' };
    });
  }

  /** Uploads one spooled object; false when the primary is unavailable (the pass should stop). */
  async function upload(key: string, signal?: AbortSignal): Promise<boolean> {
    return lock.run(key, async () => {
      let stat: ObjectStat;
      let body: Uint8Array;
      try {
        stat = await spool.head(key, signal);
        body = await spool.get(key, signal);
      } catch (err) {
        if (!isGopprofError(err, 'STORAGE_NOT_FOUND')) throw err;
        pending.delete(key); // uploaded or deleted meanwhile
        return true;
      }
      try {
        await primary.put(key, body, { contentType: stat.contentType, metadata: stat.metadata }, signal);
      } catch (err) {
        if (!isGopprofError(err)) throw err;
        counts = { ...counts, failures: counts.failures + 1 };
        remember(err);
        emit({ type: 'upload-failed', key, code: err.code, message: err.message });
        if (err.code === 'STORAGE_UNAVAILABLE') {
          markDown(err);
          return false;
        }
        if (err.code === 'ABORTED') throw err;
        log?.error({ err, key }, 'the object store rejected a spooled object; it stays in the spool');
        return true;
      }
      // The primary has the bytes: only now may the spool forget them. A crash here re-uploads.
      await spool.delete(key, signal);
      pending.delete(key);
      counts = { ...counts, uploaded: counts.uploaded + 1 };
      emit({ type: 'uploaded', key, size: body.byteLength });
      markUp(); // the primary answers: new puts may go there again while the rest drains
      return true;
    });
  }

  async function pass(background: boolean, signal?: AbortSignal): Promise<void> {
    const spooled: ObjectInfo[] = [];
    for await (const item of spool.list('', signal)) spooled.push(item);
    scanned = true;
    for (const item of spooled) pending.add(item.key);
    if (spooled.length === 0) {
      if (state === 'down') await probe(signal);
      return;
    }
    // Oldest first, so the primary receives a capture's objects in the order they were written.
    spooled.sort((a, b) => a.lastModified.getTime() - b.lastModified.getTime() || (a.key < b.key ? -1 : 1));
    let uploaded = 0;
    for (const item of spooled) {
      if (background && stopping !== undefined) break; // stop() waits for this upload, not the whole spool
      if (!(await upload(item.key, signal))) return;
      uploaded++;
    }
    if (uploaded > 0) log?.info({ uploaded, pending: pending.size }, 'uploaded spooled objects');
    markUp();
  }

  async function probe(signal?: AbortSignal): Promise<void> {
    try {
      await primary.check(signal);
      markUp();
    } catch (err) {
      if (!isGopprofError(err) || err.code === 'ABORTED') throw err;
      remember(err);
    }
  }

  function drain(signal?: AbortSignal): Promise<void> {
    return enqueuePass(false, signal);
  }

  /** Passes never overlap: the loop's and explicit drains queue behind each other. */
  function enqueuePass(background: boolean, signal?: AbortSignal): Promise<void> {
    const run = passes.then(() => pass(background, signal));
    passes = run.catch(() => {});
    return run;
  }

  function schedule(delayMs: number): void {
    timer = timers.setTimeout(() => {
      timer = undefined;
      enqueuePass(true)
        .catch((err: unknown) => {
          counts = { ...counts, failures: counts.failures + 1 };
          if (isGopprofError(err)) remember(err);
          log?.error({ err }, 'spool upload pass failed');
        })
        .finally(() => {
          if (stopping === undefined) schedule(options.retryIntervalMs);
        });
    }, delayMs);
  }

  async function get(key: string, signal?: AbortSignal): Promise<Uint8Array> {
    try {
      return await spool.get(key, signal);
    } catch (err) {
      if (!isGopprofError(err, 'STORAGE_NOT_FOUND')) throw err;
    }
    return primary.get(key, signal);
  }

  async function head(key: string, signal?: AbortSignal): Promise<ObjectStat> {
    try {
      return await spool.head(key, signal);
    } catch (err) {
      if (!isGopprofError(err, 'STORAGE_NOT_FOUND')) throw err;
    }
    return primary.head(key, signal);
  }

  /** While the primary is down the spool alone is listed: callers see what was just captured. */
  const listingDegraded = (prefix: string) => (err: unknown) => {
    if (!isGopprofError(err, 'STORAGE_UNAVAILABLE')) throw err;
    // The 'list-degraded' event and the log say the listing is partial.
    log?.warn({ err, prefix }, 'object store unavailable: listing the spool only');
    emit({ type: 'list-degraded', prefix, code: err.code, message: err.message });
  };

  function list(prefix: string, signal?: AbortSignal): AsyncIterable<ObjectInfo> {
    return mergeListings(spool.list(prefix, signal), primary.list(prefix, signal), listingDegraded(prefix));
  }

  async function* listPrefixes(prefix: string, signal?: AbortSignal): AsyncIterable<string> {
    const keyed = async function* (prefixes: AsyncIterable<string>) {
      for await (const key of prefixes) yield { key };
    };
    const merged = mergeListings(
      keyed(spool.listPrefixes(prefix, signal)),
      keyed(primary.listPrefixes(prefix, signal)),
      listingDegraded(prefix),
    );
    for await (const item of merged) yield item.key;
  }

  async function remove(key: string, signal?: AbortSignal): Promise<void> {
    await lock.run(key, async () => {
      await spool.delete(key, signal);
      pending.delete(key);
      await primary.delete(key, signal);
    });
  }

  async function url(key: string, urlOptions: UrlOptions, signal?: AbortSignal): Promise<string> {
    try {
      await spool.head(key, signal);
      return await spool.url(key, urlOptions, signal);
    } catch (err) {
      if (!isGopprofError(err, 'STORAGE_NOT_FOUND')) throw err;
    }
    return primary.url(key, urlOptions, signal);
  }

  async function locate(key: string, signal?: AbortSignal): Promise<StoredIn> {
    try {
      await spool.head(key, signal);
      return 'spool';
    } catch (err) {
      if (!isGopprofError(err, 'STORAGE_NOT_FOUND')) throw err;
    }
    return 'primary';
  }

  return {
    put,
    get,
    head,
    list,
    listPrefixes,
    delete: remove,
    url,
    locate,
    // Ready when writes can land somewhere: the spool is enough; the primary's state is in stats().
    check: (signal) => spool.check(signal),
    describe: () => `spooling store (primary: ${primary.describe()}; spool: ${spool.describe()})`,
    start() {
      if (started) return;
      started = true;
      schedule(0);
    },
    stop() {
      if (stopping !== undefined) return stopping;
      stopping = (async () => {
        if (timer !== undefined) timers.clearTimeout(timer);
        timer = undefined;
        await passes;
      })();
      return stopping;
    },
    drain,
    stats: () => ({ ...counts, pending: pending.size, primary: state, ...(lastError ? { lastError } : {}) }),
  };
}
