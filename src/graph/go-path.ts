/**
 * Go's path/filepath.Clean and filepath.Base for slash-separated paths.
 *
 * pprof keys graph nodes on `filepath.Clean(function.filename)` and prints
 * `filepath.Base` of files and binaries, so two spellings of one file must
 * collapse exactly as they do in Go (on Linux, where the goldens come from).
 */

/**
 * Lexically cleans a path like Go's filepath.Clean on Unix: collapses
 * repeated slashes, drops `.` elements, resolves `..` against the previous
 * element, and returns "." for an empty result.
 */
export function cleanPath(path: string): string {
  if (path === '') return '.';
  const rooted = path.charCodeAt(0) === 47; // '/'
  if (!needsCleaning(path)) return path;
  const out: string[] = [];
  let dotdot = 0; // leading '..' elements kept in a relative path
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (out.length > dotdot) out.pop();
      else if (!rooted) {
        out.push('..');
        dotdot++;
      }
      continue;
    }
    out.push(part);
  }
  const joined = out.join('/');
  if (rooted) return '/' + joined;
  return joined === '' ? '.' : joined;
}

/** Fast path: most file names in profiles are already clean. */
function needsCleaning(path: string): boolean {
  if (path.length > 1 && path.endsWith('/')) return true;
  return (
    path.includes('//') ||
    path.includes('/./') ||
    path.includes('/../') ||
    path.startsWith('./') ||
    path.startsWith('../') ||
    path.endsWith('/.') ||
    path.endsWith('/..')
  );
}

/**
 * The last element of a path like Go's filepath.Base on Unix: trailing
 * slashes are removed first; "" gives "." and a path of only slashes "/".
 */
export function basePath(path: string): string {
  if (path === '') return '.';
  let end = path.length;
  while (end > 0 && path.charCodeAt(end - 1) === 47) end--;
  if (end === 0) return '/';
  const start = path.lastIndexOf('/', end - 1) + 1;
  return path.slice(start, end);
}
