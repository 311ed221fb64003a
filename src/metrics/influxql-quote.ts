/**
 * Quoting for InfluxQL. Measurement names here contain `/` (`cpu/usage_rate`)
 * and the retention policy `default` is a keyword, so every identifier is
 * double-quoted; names and tag values come from configuration and from the
 * query's namespaces, so quotes, backslashes and newlines are escaped rather
 * than trusted (InfluxQL's scanner understands `\\`, `\"`, `\'` and `\n`).
 */

/** `name` as a double-quoted InfluxQL identifier. */
export function quoteIdentifier(name: string): string {
  return `"${escapeText(name)}"`;
}

/** `value` as a single-quoted InfluxQL string literal. */
export function quoteString(value: string): string {
  return `'${escapeText(value)}'`;
}

function escapeText(s: string): string {
  return s.replace(/[\\"'\n]/g, (c) => (c === '\n' ? '\\n' : `\\${c}`));
}
