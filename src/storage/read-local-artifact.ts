/**
 * Opens one object of a local store for the HTTP artifact server, which
 * serves `/artifacts/<key>` without holding a store: a stream (profiles can
 * be tens of MB), its size for Content-Length and the type recorded at put.
 */
import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { localError, objectPath, readSidecar } from './local-layout.ts';
import { validateObjectKey } from './object-key.ts';

/** An opened artifact. The caller must consume or destroy `body`, which closes the file. */
export interface LocalArtifact {
  readonly body: Readable;
  readonly contentType: string;
  readonly size: number;
  readonly lastModified: Date;
}

/**
 * Opens `key` under a local store's `root`. Rejects with STORAGE_KEY_INVALID
 * for a bad key (so `../` in a URL never reaches the filesystem) and
 * STORAGE_NOT_FOUND when there is no such object. Symlinks are not followed.
 */
export async function readLocalArtifact(root: string, key: string, signal?: AbortSignal): Promise<LocalArtifact> {
  validateObjectKey(key);
  let handle: Awaited<ReturnType<typeof open>> | undefined;
  try {
    signal?.throwIfAborted();
    handle = await open(objectPath(root, key), constants.O_RDONLY | constants.O_NOFOLLOW);
    const stats = await handle.stat();
    if (!stats.isFile()) throw Object.assign(new Error('not a regular file'), { code: 'EISDIR' });
    const { contentType } = await readSidecar(root, key, signal);
    const body = handle.createReadStream({ autoClose: true });
    return { body, contentType, size: stats.size, lastModified: stats.mtime };
  } catch (err) {
    await handle?.close().catch(() => {});
    throw localError('read', key, err, signal);
  }
}
