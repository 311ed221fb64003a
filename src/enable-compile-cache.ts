/**
 * Node's on-disk compile cache, for this process and the worker threads it
 * starts. gopprof is TypeScript run by type stripping, and stripping plus
 * compiling its modules is most of a short run: `gopprof pprof -dot` on a
 * small profile took 0.18 s (97 MB) without the cache and 0.06 s (59 MB) with
 * it; a fresh analysis worker's first job 259 ms → 126 ms. Workers only use
 * the cache when NODE_COMPILE_CACHE is in the environment they start with,
 * so the directory is put there too. Best effort: where the directory cannot
 * be written (a read-only root without a /tmp volume) everything runs as
 * before, only slower to start.
 */
import module from 'node:module';

/**
 * Turns the cache on in `directory` (default: NODE_COMPILE_CACHE, else
 * `node-compile-cache` in the temporary directory) and returns the directory
 * used, or undefined when the cache could not be enabled.
 */
export function enableCompileCache(directory?: string): string | undefined {
  const result = module.enableCompileCache(directory);
  const { ENABLED, ALREADY_ENABLED } = module.constants.compileCacheStatus;
  if ((result.status !== ENABLED && result.status !== ALREADY_ENABLED) || !result.directory) return undefined;
  process.env.NODE_COMPILE_CACHE = result.directory;
  return result.directory;
}
