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
  const reason = `${name} is not on PATH (apt-get install it, or run .ci/run)`;
  if (process.env.CI === 'true') throw new Error(`CI must have ${name}: ${reason}`);
  t.skip(reason);
  return undefined;
}
