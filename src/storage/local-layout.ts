/**
 * Where the local store keeps things under its root, shared by the store and
 * by `readLocalArtifact` (which the HTTP artifact server calls without a store):
 *
 *   <root>/objects/<key>   the bytes, exactly as put
 *   <root>/meta/<key>      a JSON sidecar: content type and user metadata
 *   <root>/tmp/            partial writes, renamed into place when complete
 *
 * The sidecar tree mirrors the object tree, so two keys collide in one tree
 * exactly when they collide in the other.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, open, readFile, rename, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { GopprofError } from '../errors.ts';

/** What the sidecar records. */
export interface Sidecar {
  readonly contentType: string;
  readonly metadata: Readonly<Record<string, string>>;
}

/** Absolute-or-relative paths of one key under `root` (the key must be validated first). */
export function objectPath(root: string, key: string): string {
  return join(root, 'objects', ...key.split('/'));
}

export function sidecarPath(root: string, key: string): string {
  return join(root, 'meta', ...key.split('/'));
}

export function tmpDir(root: string): string {
  return join(root, 'tmp');
}

const TYPES_BY_SUFFIX: readonly (readonly [string, string])[] = [
  ['.svg', 'image/svg+xml'],
  ['.dot', 'text/vnd.graphviz'],
  ['.json', 'application/json'],
  ['.txt', 'text/plain; charset=utf-8'],
  ['.html', 'text/html; charset=utf-8'],
];

/** A content type for an object whose sidecar is missing (written by hand, or lost in a crash). */
export function guessContentType(key: string): string {
  for (const [suffix, type] of TYPES_BY_SUFFIX) {
    if (key.endsWith(suffix)) return type;
  }
  return 'application/octet-stream';
}

/** The sidecar of `key`, or a guess from its name when the sidecar is missing or unreadable. */
export async function readSidecar(root: string, key: string, signal?: AbortSignal): Promise<Sidecar> {
  try {
    const parsed: unknown = JSON.parse(await readFile(sidecarPath(root, key), { encoding: 'utf8', signal }));
    if (parsed !== null && typeof parsed === 'object') {
      const { contentType, metadata } = parsed as Record<string, unknown>;
      if (typeof contentType === 'string') {
        return {
          contentType,
          metadata: metadata !== null && typeof metadata === 'object' ? (metadata as Record<string, string>) : {},
        };
      }
    }
  } catch (err) {
    if (signal?.aborted) throw err;
    // Missing or corrupt sidecar: the bytes are still good; fall back to a guess.
  }
  return { contentType: guessContentType(key), metadata: {} };
}

/**
 * Writes `body` to `target` atomically: a temp file in `<root>/tmp`, fsync,
 * then rename. Readers see the old file or the new one, never a prefix, and a
 * crash leaves at most an orphan in tmp/.
 */
export async function writeFileAtomic(
  root: string,
  target: string,
  body: Uint8Array | string,
  signal?: AbortSignal,
): Promise<void> {
  const dir = tmpDir(root);
  await mkdir(dir, { recursive: true });
  const tmp = join(dir, randomUUID());
  const handle = await open(tmp, 'wx', 0o644);
  try {
    try {
      await handle.writeFile(body, { signal });
      await handle.sync();
    } finally {
      await handle.close();
    }
    // A concurrent delete may prune the parent directory between our mkdir and rename (ENOENT),
    // or during the recursive mkdir itself (ENOTDIR): make it again and retry. A real clash
    // with a file still fails after the last attempt.
    for (let attempt = 1; ; attempt++) {
      try {
        await mkdir(dirname(target), { recursive: true });
        await rename(tmp, target);
        return;
      } catch (err) {
        if ((errno(err) !== 'ENOENT' && errno(err) !== 'ENOTDIR') || attempt >= 10) throw err;
      }
    }
  } catch (err) {
    await unlink(tmp).catch(() => {});
    throw err;
  }
}

/** The `code` of a Node system error ('ENOENT', …), or undefined. */
export function errno(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** Errors meaning "there is no object at this key": nothing there, or a directory/file in the way. */
export function isMissing(err: unknown): boolean {
  const code = errno(err);
  return code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR';
}

/** Maps a filesystem error to a GopprofError naming the operation and the key. */
export function localError(op: string, key: string, err: unknown, signal?: AbortSignal): GopprofError {
  if (err instanceof GopprofError) return err;
  if (signal?.aborted || (err as Error | null)?.name === 'AbortError') {
    return new GopprofError('ABORTED', `local store ${op} '${key}': cancelled`, { cause: err });
  }
  if (isMissing(err) && (op === 'get' || op === 'head' || op === 'read')) {
    return new GopprofError('STORAGE_NOT_FOUND', `local store: no object '${key}'`, { cause: err, details: { key } });
  }
  const code = errno(err) ?? 'error';
  const why =
    code === 'EISDIR' || code === 'ENOTDIR' || code === 'EEXIST'
      ? 'the key clashes with an existing key used as a directory (or the reverse)'
      : ((err as Error | null)?.message ?? String(err));
  return new GopprofError('STORAGE_FAILED', `local store ${op} '${key}' failed (${code}): ${why}`, {
    cause: err,
    details: { key, errno: code },
  });
}
