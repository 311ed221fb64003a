/**
 * Finding the external programs some tests need (go, influxd, prometheus…).
 *
 * Outside CI a missing program skips the test with a clear reason. In CI
 * (CI=true) `.ci/run` installs every one of them, so a missing program there is
 * a broken install and fails the test instead of skipping it silently.
 */
import { execFileSync } from 'node:child_process';
import type { TestContext } from 'node:test';

/** Absolute path of `name` on PATH, or undefined. */
export function findBinary(name: string): string | undefined {
  try {
    return execFileSync('sh', ['-c', `command -v ${JSON.stringify(name)}`], { encoding: 'utf8' }).trim() || undefined;
  } catch {
    return undefined;
  }
}

/**
 * Returns the binary's path, or skips the test (outside CI) / throws (in CI)
 * when it is missing. Use as `const go = requireBinary(t, 'go'); if (!go) return;`.
 */
export function requireBinary(t: TestContext, name: string): string | undefined {
  const path = findBinary(name);
  if (path) return path;
  t.skip(missingReason([name]));
  return undefined;
}

/**
 * The `skip` option of a suite whose every test needs all of `names`: false
 * when they are on PATH; outside CI, the reason to skip; in CI it throws, as
 * requireBinary does. Use as `describe('…', { skip: skipWithoutBinaries('go') }, …)`.
 */
export function skipWithoutBinaries(...names: string[]): false | string {
  const missing = names.filter((name) => findBinary(name) === undefined);
  return missing.length === 0 ? false : missingReason(missing);
}

/** Why tests needing `missing` cannot run; throws instead in CI, where a missing program is a broken install. */
function missingReason(missing: readonly string[]): string {
  const names = missing.join(' and ');
  const reason =
    missing.length === 1
      ? `${names} is not on PATH (apt-get install it, or run .ci/run)`
      : `${names} are not on PATH (apt-get install them, or run .ci/run)`;
  if (process.env.CI === 'true') throw new Error(`CI must have ${names}: ${reason}`);
  return reason;
}
