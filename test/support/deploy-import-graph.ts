/**
 * The files and packages the service loads at run time, found by following
 * imports from its entry points: static and dynamic `import`, `export … from`,
 * and worker files named by `new URL('./x.ts', import.meta.url)`. Lets
 * deploy.test.ts check that the image (production dependencies, src/ and bin/
 * only) holds everything the service needs and no test code.
 */
import { existsSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, relative, resolve } from 'node:path';

/** What the entry points reach: repository-relative files, and the bare package names they import. */
export interface ImportGraph {
  readonly files: ReadonlySet<string>;
  readonly packages: ReadonlySet<string>;
  /** Where each package is first imported from (for messages). */
  readonly importedFrom: ReadonlyMap<string, string>;
}

const SPECIFIERS = [
  /\b(?:import|export)\s+(?!type\s)[^'"`;]*?\bfrom\s*['"]([^'"]+)['"]/g,
  /\bimport\s*['"]([^'"]+)['"]/g,
  /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
  /\bnew\s+URL\(\s*['"](\.{1,2}\/[^'"]+\.(?:ts|js|mjs|cjs))['"]\s*,\s*import\.meta\.url\s*\)/g,
];

/** `@scope/name/sub` → `@scope/name`; `name/sub` → `name`. */
function packageName(spec: string): string {
  const parts = spec.split('/');
  return spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

/** Strips comments so commented-out imports do not count (string contents are kept). */
function stripComments(source: string): string {
  return source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"\\])\/\/.*$/gm, '$1');
}

/** Follows imports from `entries` (paths relative to `root`). Throws on a relative import that does not resolve to a file. */
export function importGraph(root: string, entries: readonly string[]): ImportGraph {
  const files = new Set<string>();
  const packages = new Set<string>();
  const importedFrom = new Map<string, string>();
  const queue = entries.map((e) => resolve(root, e));
  while (queue.length > 0) {
    const file = queue.pop()!;
    const rel = relative(root, file);
    if (files.has(rel)) continue;
    if (!existsSync(file)) throw new Error(`${rel} is imported but does not exist`);
    files.add(rel);
    const source = stripComments(readFileSync(file, 'utf8'));
    for (const pattern of SPECIFIERS) {
      for (const m of source.matchAll(pattern)) {
        const spec = m[1];
        if (spec.startsWith('.') || spec.startsWith('/')) queue.push(resolve(dirname(file), spec));
        else if (spec.startsWith('node:') || builtinModules.includes(packageName(spec))) continue;
        else {
          const name = packageName(spec);
          packages.add(name);
          if (!importedFrom.has(name)) importedFrom.set(name, rel);
        }
      }
    }
  }
  return { files, packages, importedFrom };
}
