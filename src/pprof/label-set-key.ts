/**
 * Helpers for building interned LabelSets, shared by both decoders so that
 * they intern identically.
 */
import type { LabelSet } from './profile.ts';

/** A string equal for two label sets exactly when they are deep-equal, key order included. */
export function labelSetKey(set: LabelSet): string {
  return JSON.stringify([set.labels, set.numLabels, set.numUnits]);
}

/**
 * The list under `key`, created as an own property if missing, so that a
 * label key such as "__proto__" or "constructor" is just a key.
 */
export function ownList<T>(record: Record<string, T[]>, key: string): T[] {
  if (Object.hasOwn(record, key)) return record[key];
  const list: T[] = [];
  Object.defineProperty(record, key, { value: list, enumerable: true, writable: true, configurable: true });
  return list;
}
