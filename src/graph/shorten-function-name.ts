/**
 * shortenFunctionName: the short function names DOT node labels show
 * (`github.com/x/y.(*T).M` → `y.(*T).M`), pprof's ShortenFunctionName as of
 * Go 1.19.
 *
 * The patterns are pprof's, with Go's `.` (any character but \n) spelled
 * `[^\n]` because JavaScript's `.` also stops at \r, U+2028 and U+2029.
 */

const cppAnonymousPrefix = /^\(anonymous namespace\)::/;
/** Drops a module major version (`/v2`) from a package path. */
const goVersion = /^([^\n]*?)\/v(?:[2-9]|[1-9][0-9]+)([./][^\n]*)$/;
/** Go 1.19's goRegExp (later pprof requires a '.' in the last element). */
const goName = /^(?:[\w\-.]+\/)+([^\n]+)/;
const javaName = /^(?:[a-z]\w*\.)*([A-Z][\w$]*\.(?:<init>|[a-z][\w$]*(?:\$\d+)?))(?:(?:\()|$)/;
const cppName = /^(?:[_a-zA-Z]\w*::)+(_*[A-Z]\w*::~?[_a-zA-Z]\w*(?:<[^\n]*>)?)/;

/** Returns the shortened form of a function name, or the name itself when no rule applies. */
export function shortenFunctionName(name: string): string {
  let f = name.replace(cppAnonymousPrefix, '');
  f = f.replace(goVersion, '$1$2');
  for (const re of [goName, javaName, cppName]) {
    const m = re.exec(f);
    if (m !== null && m.length >= 2) return m.slice(1).map((g) => g ?? '').join('');
  }
  return f;
}
