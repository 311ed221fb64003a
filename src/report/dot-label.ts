/**
 * Node names as DOT labels: escaping and pprof's multi-line short names.
 */
import { basePath, type NodeInfo, nameComponents, shortenFunctionName } from '../graph/index.ts';

/**
 * pprof's escapeForDot: backslashes and double quotes escaped, newlines
 * turned into Graphviz's left-justified line break `\l`.
 */
export function escapeForDot(s: string): string {
  return s.replaceAll('\\', '\\\\').replaceAll('"', '\\"').replaceAll('\n', '\\l');
}

/**
 * pprof's multilinePrintableName: the shortened function name broken at
 * every `.` and `::` (Go's `[...]` type parameters kept as `[…]`), the file
 * reduced to its base name, each component on its own line, ending with a
 * line break.
 */
export function multilinePrintableName(info: NodeInfo): string {
  let name = escapeForDot(shortenFunctionName(info.name));
  name = name.replaceAll('::', '\\n').replaceAll('[...]', '[…]').replaceAll('.', '\\n');
  const file = info.file !== '' ? basePath(info.file) : '';
  return `${nameComponents({ ...info, name, file }).join('\\n')}\\n`;
}
