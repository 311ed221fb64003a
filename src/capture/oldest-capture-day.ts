/**
 * The oldest day anything is filed under in the capture store: where a
 * listing that walks days backwards may stop, and where retention starts.
 */
import type { ObjectStore } from '../storage/index.ts';
import { CAPTURES_PREFIX, captureIdDay, locateCaptureKey } from './capture-keys.ts';

/**
 * The day of the first capture key in the store's (ascending) listing, or
 * undefined when no capture is stored. One list request: the listing is
 * abandoned after its first capture key. A flat-layout key of earlier
 * versions sorts after the day partitions of its own year, so its day is
 * still no later than any partition listed after it: a safe lower bound.
 */
export async function oldestCaptureDay(store: ObjectStore, signal?: AbortSignal): Promise<string | undefined> {
  for await (const o of store.list(CAPTURES_PREFIX, signal)) {
    const at = locateCaptureKey(o.key);
    if (at) return captureIdDay(at.id);
  }
  return undefined;
}
