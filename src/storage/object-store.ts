/**
 * The object store contract every backend (local directory, S3/MinIO, the
 * spooling decorator) implements, so the capture layer stores its artifacts
 * without knowing where they land.
 *
 * Keys are '/'-separated paths checked by `validateObjectKey`; every backend
 * accepts exactly the same keys, so an object can move from the spool to S3
 * unchanged. Errors are GopprofError: STORAGE_NOT_FOUND, STORAGE_KEY_INVALID,
 * STORAGE_UNAVAILABLE (unreachable, timed out: worth retrying or spooling),
 * STORAGE_FAILED (rejected: retrying will not help) and ABORTED.
 */

/** What to record beside the bytes. */
export interface PutOptions {
  /** MIME type served back with the object, e.g. 'image/svg+xml'. */
  readonly contentType: string;
  /**
   * Small user metadata (S3 `x-amz-meta-*`). Names: lowercase [a-z0-9-];
   * values: printable ASCII. Kept small: S3 caps all metadata at 2 KB.
   */
  readonly metadata?: Readonly<Record<string, string>>;
}

/** Where a `put` landed: the primary store, or the local spool while the primary is down. */
export type StoredIn = 'primary' | 'spool';

/** The result of a `put`; plain stores always answer 'primary'. */
export interface PutResult {
  readonly key: string;
  readonly size: number;
  readonly storedIn: StoredIn;
}

/** One entry of a listing. */
export interface ObjectInfo {
  readonly key: string;
  readonly size: number;
  readonly lastModified: Date;
}

/** What `head` knows about an object without reading its bytes. */
export interface ObjectStat extends ObjectInfo {
  readonly contentType: string;
  readonly metadata: Readonly<Record<string, string>>;
}

/** Options of a download link. */
export interface UrlOptions {
  /** Lifetime of a presigned link, 1 s … 7 days (S3's limit); ignored by the local store. */
  readonly expiresSeconds: number;
}

/** A place to keep capture artifacts. Every method honours `signal` and has a deadline. */
export interface ObjectStore {
  /** Stores `body` under `key`, replacing any object there. Atomic: readers see old or new bytes, never a mix. */
  put(key: string, body: Uint8Array, options: PutOptions, signal?: AbortSignal): Promise<PutResult>;
  /** The bytes of `key`; STORAGE_NOT_FOUND when there is none. */
  get(key: string, signal?: AbortSignal): Promise<Uint8Array>;
  /** Size, time, content type and metadata of `key`; STORAGE_NOT_FOUND when there is none. */
  head(key: string, signal?: AbortSignal): Promise<ObjectStat>;
  /**
   * Every object whose key starts with `prefix` ('' for all), in ascending
   * lexicographic key order (as S3 lists), fetched lazily page by page.
   */
  list(prefix: string, signal?: AbortSignal): AsyncIterable<ObjectInfo>;
  /**
   * The distinct "directories" one level below `prefix`: each key that starts
   * with `prefix` cut after the next '/' (S3's CommonPrefixes with delimiter
   * '/'), ascending, each once. Lets a caller walk a tree level by level, e.g.
   * the captures of one day, without reading every key beneath.
   */
  listPrefixes(prefix: string, signal?: AbortSignal): AsyncIterable<string>;
  /** Removes `key`; removing a missing key succeeds (as on S3), so retries are safe. */
  delete(key: string, signal?: AbortSignal): Promise<void>;
  /**
   * A link a person or service can download `key` from: presigned on S3, the
   * HTTP artifact server's address for the local store. Does not check that
   * the object exists.
   */
  url(key: string, options: UrlOptions, signal?: AbortSignal): Promise<string>;
  /**
   * Where `key` is kept now: 'spool' while a spooling store still holds it on
   * local disk, 'primary' otherwise. Optional: a plain store keeps everything
   * in one place.
   */
  locate?(key: string, signal?: AbortSignal): Promise<StoredIn>;
  /** Readiness: resolves when the store can take writes now, rejects with the reason otherwise. */
  check(signal?: AbortSignal): Promise<void>;
  /** One line for logs and status pages; never contains a secret. */
  describe(): string;
}
