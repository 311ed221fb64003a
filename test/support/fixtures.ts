/**
 * Where test fixtures live: the project's own copies of the real Go profiles and
 * their go tool pprof goldens, and the large profiles in ../shared/profiles/.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { TestContext } from 'node:test';

/** test/fixtures/profiles/ (absolute, with a trailing slash). */
export const PROFILES_DIR = fileURLToPath(new URL('../fixtures/profiles/', import.meta.url));

/** ../shared/profiles/ beside the repository (absolute, trailing slash); may not exist. */
export const SHARED_PROFILES_DIR = fileURLToPath(new URL('../../../shared/profiles/', import.meta.url));

/** One case of golden/manifest.jsonl. */
export interface GoldenCase {
  readonly name: string;
  readonly profile: string;
  readonly format: 'dot' | 'top';
  readonly args: readonly string[];
  readonly expected: string;
}

/** The golden cases, in manifest order. */
export function goldenCases(): GoldenCase[] {
  return readFileSync(`${PROFILES_DIR}golden/manifest.jsonl`, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as GoldenCase);
}

/**
 * The folder holding `file`: the project's fixtures, else ../shared/profiles.
 * When neither has it, skips the test (or fails it in CI, where shared/ is always beside the clone).
 */
export function profileDir(t: TestContext, file: string): string | undefined {
  if (existsSync(PROFILES_DIR + file)) return PROFILES_DIR;
  if (existsSync(SHARED_PROFILES_DIR + file)) return SHARED_PROFILES_DIR;
  const reason = `${file} is in neither test/fixtures/profiles nor ../shared/profiles`;
  if (process.env.CI === 'true') throw new Error(`CI must have ${file}: ${reason}`);
  t.skip(reason);
  return undefined;
}
