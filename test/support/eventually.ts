/**
 * Waiting in a test for something that happens asynchronously (a watch
 * event, an evaluation, a delivery) by polling, with a deadline that fails
 * the test naming what never happened.
 */
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';

/** What eventually() polls: a value once the thing has happened, a falsy one before. */
export type Check<T> = () => T | undefined | false | Promise<T | undefined | false>;

/** Polls `check` every 20 ms until it returns something truthy, and returns that; fails naming `what` after `timeoutMs`. */
export async function eventually<T>(what: string, check: Check<T>, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > deadline) assert.fail(`${what}: not within ${timeoutMs} ms`);
    await sleep(20);
  }
}
