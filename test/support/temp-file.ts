/**
 * A file with given contents in a fresh temporary directory: what tests of
 * file-reading code (the config loader) hand it, one directory per file so
 * tests running side by side never share one.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Writes `text` to `name` in a new directory under the OS temp dir whose name starts with `prefix`; returns the file's path. */
export async function writeTempFile(prefix: string, name: string, text: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  const path = join(dir, name);
  await writeFile(path, text);
  return path;
}
