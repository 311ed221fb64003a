/**
 * An object store in a local directory: the store for single-node installs
 * and tests, and the spool that keeps captures while S3 is down. Writes are
 * atomic (temp file, fsync, rename) so a crash never leaves half an object,
 * and the content type lives in a sidecar so the HTTP artifact server can
 * serve each file with the right type (see `readLocalArtifact`).
 */
import type { Dirent } from 'node:fs';
import { access, constants, lstat, mkdir, readdir, readFile, rmdir, unlink } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { abortError, GopprofError } from '../errors.ts';
import {
  isMissing,
  localError,
  objectPath,
  readSidecar,
  type Sidecar,
  sidecarPath,
  tmpDir,
  writeFileAtomic,
} from './local-layout.ts';
import { isValidKeySegment, validateKeyPrefix, validateObjectKey } from './object-key.ts';
import type { ObjectInfo, ObjectStat, ObjectStore, PutOptions, PutResult, UrlOptions } from './object-store.ts';
import { validatePutOptions, validateUrlOptions } from './put-options.ts';

export interface LocalStoreOptions {
  /** The directory that holds everything; created when missing. */
  readonly root: string;
  /** Base address of the HTTP artifact server, e.g. 'http://gopprof.example:8080'; links are `${base}/artifacts/${key}`. */
  readonly publicBaseUrl: string;
}

/** Creates a store that keeps objects under `options.root`. */
export function createLocalStore(options: LocalStoreOptions): ObjectStore {
  const root = resolve(options.root);
  const base = options.publicBaseUrl.replace(/\/+$/, '');
  if (!/^https?:\/\/[^/]/.test(base)) {
    throw new GopprofError('CONFIG_INVALID', `local store: publicBaseUrl '${options.publicBaseUrl}' must be an http(s) URL`);
  }

  async function put(key: string, body: Uint8Array, putOptions: PutOptions, signal?: AbortSignal): Promise<PutResult> {
    validateObjectKey(key);
    validatePutOptions(putOptions);
    try {
      signal?.throwIfAborted();
      const sidecar: Sidecar = { contentType: putOptions.contentType, metadata: { ...putOptions.metadata } };
      // Sidecar first: the object's rename is the commit point, so a crash in between leaves
      // the old bytes (or none) with a harmless newer sidecar, never new bytes without a type.
      await writeFileAtomic(root, sidecarPath(root, key), JSON.stringify(sidecar), signal);
      await writeFileAtomic(root, objectPath(root, key), body, signal);
      return { key, size: body.byteLength, storedIn: 'primary' };
    } catch (err) {
      throw localError('put', key, err, signal);
    }
  }

  async function get(key: string, signal?: AbortSignal): Promise<Uint8Array> {
    validateObjectKey(key);
    try {
      signal?.throwIfAborted();
      const bytes = await readFile(objectPath(root, key), { signal });
      return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    } catch (err) {
      throw localError('get', key, err, signal);
    }
  }

  async function head(key: string, signal?: AbortSignal): Promise<ObjectStat> {
    validateObjectKey(key);
    try {
      signal?.throwIfAborted();
      const stats = await lstat(objectPath(root, key));
      if (!stats.isFile()) throw Object.assign(new Error('not a regular file'), { code: 'EISDIR' });
      const sidecar = await readSidecar(root, key, signal);
      return { key, size: stats.size, lastModified: stats.mtime, ...sidecar };
    } catch (err) {
      throw localError('head', key, err, signal);
    }
  }

  /** Where a listing of `prefix` starts: the directory, its key, and how the names in it must begin. */
  function listingStart(prefix: string): { dir: string; dirKey: string; partial: string } {
    validateKeyPrefix(prefix);
    const cut = prefix.lastIndexOf('/') + 1;
    const dirKey = prefix.slice(0, cut);
    const dir = dirKey === '' ? join(root, 'objects') : objectPath(root, dirKey.slice(0, -1));
    return { dir, dirKey, partial: prefix.slice(cut) };
  }

  /** The entries of one directory of a listing; none when it does not exist (nothing stored there). */
  async function readListedDir(dir: string, key: string, signal?: AbortSignal): Promise<Dirent[]> {
    if (signal?.aborted) throw abortError(signal, 'local store list');
    try {
      return await readdir(dir, { withFileTypes: true });
    } catch (err) {
      if (isMissing(err)) return [];
      throw localError('list', key, err, signal);
    }
  }

  async function* list(prefix: string, signal?: AbortSignal): AsyncIterable<ObjectInfo> {
    const { dir, dirKey, partial } = listingStart(prefix);
    yield* walk(dir, dirKey, partial, signal);
  }

  async function* listPrefixes(prefix: string, signal?: AbortSignal): AsyncIterable<string> {
    const { dir, dirKey, partial } = listingStart(prefix);
    const entries = await readListedDir(dir, prefix, signal);
    // One readdir, no stat per object: a directory holds at least one object (deletes prune empty ones).
    const names = entries
      .filter((e) => e.isDirectory() && e.name.startsWith(partial) && isValidKeySegment(e.name))
      .map((e) => `${dirKey}${e.name}/`)
      .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    yield* names;
  }

  async function* walk(dir: string, keyPrefix: string, partial: string, signal?: AbortSignal): AsyncIterable<ObjectInfo> {
    const entries = await readListedDir(dir, keyPrefix, signal);
    // Sorting directories as 'name/' makes a depth-first walk yield keys in S3's order:
    // 'a-b' < 'a/x' because '-' < '/', although 'a' < 'a-b'.
    const items = entries
      .filter((e) => (e.isFile() || e.isDirectory()) && e.name.startsWith(partial) && isValidKeySegment(e.name))
      .map((e) => ({ name: e.name, isDir: e.isDirectory(), order: e.isDirectory() ? `${e.name}/` : e.name }))
      .sort((a, b) => (a.order < b.order ? -1 : a.order > b.order ? 1 : 0));
    // A directory's files are stat'ed together (one round trip to the thread pool, not one per file).
    const stats = await Promise.all(
      items.map((item) => (item.isDir ? undefined : lstat(join(dir, item.name)).catch((err: unknown) => err as Error))),
    );
    for (const [i, item] of items.entries()) {
      if (item.isDir) {
        yield* walk(join(dir, item.name), `${keyPrefix}${item.name}/`, '', signal);
        continue;
      }
      const s = stats[i];
      if (s instanceof Error) {
        if (!isMissing(s)) throw localError('list', keyPrefix + item.name, s, signal);
        continue; // deleted while we walked: S3 listings are not snapshots either
      }
      if (s?.isFile()) yield { key: keyPrefix + item.name, size: s.size, lastModified: s.mtime };
    }
  }

  async function remove(key: string, signal?: AbortSignal): Promise<void> {
    validateObjectKey(key);
    try {
      signal?.throwIfAborted();
      await unlinkIfPresent(objectPath(root, key));
      await unlinkIfPresent(sidecarPath(root, key));
      await pruneEmptyDirs(dirname(objectPath(root, key)), join(root, 'objects'));
      await pruneEmptyDirs(dirname(sidecarPath(root, key)), join(root, 'meta'));
    } catch (err) {
      throw localError('delete', key, err, signal);
    }
  }

  async function url(key: string, urlOptions: UrlOptions): Promise<string> {
    validateObjectKey(key);
    validateUrlOptions(urlOptions);
    return `${base}/artifacts/${key.split('/').map(encodeURIComponent).join('/')}`;
  }

  async function check(signal?: AbortSignal): Promise<void> {
    try {
      signal?.throwIfAborted();
      await mkdir(tmpDir(root), { recursive: true });
      await access(tmpDir(root), constants.W_OK);
    } catch (err) {
      throw localError('check', root, err, signal);
    }
  }

  return {
    put,
    get,
    head,
    list,
    listPrefixes,
    delete: remove,
    url,
    check,
    describe: () => `local store at ${root} (links under ${base}/artifacts/)`,
  };
}

async function unlinkIfPresent(path: string): Promise<void> {
  try {
    await unlink(path);
  } catch (err) {
    if (!isMissing(err)) throw err;
  }
}

/** Removes now-empty parents of a deleted object up to (not including) `top`, so a drained spool is empty. */
async function pruneEmptyDirs(dir: string, top: string): Promise<void> {
  for (let current = dir; current.startsWith(`${top}/`); current = dirname(current)) {
    try {
      await rmdir(current);
    } catch {
      return; // not empty (or already gone): stop climbing
    }
  }
}
