/**
 * Capture ids and the object-store keys of a capture's artifacts. Ids start
 * with the UTC start time, so key order is time order and listings can page
 * and filter by time without reading every record.
 */
import { randomBytes } from 'node:crypto';
import type { ProfileType } from '../targets/target.ts';

const ID_RE = /^(\d{8}T\d{6}\d{3}Z)-([a-z]+)-([0-9a-f]{8})$/;

/** A new id such as `20261125T031500123Z-cpu-1a2b3c4d`. */
export function newCaptureId(now: Date, type: ProfileType, random: () => string = () => randomBytes(4).toString('hex')): string {
  const iso = now.toISOString(); // 2026-11-25T03:15:00.123Z
  const stamp = `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}T${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}${iso.slice(20, 23)}Z`;
  return `${stamp}-${type}-${random()}`;
}

/** True for ids this service makes (and so safe to put in a key). */
export function isCaptureId(id: string): boolean {
  return ID_RE.test(id);
}

/** The start time encoded in an id, as ISO 8601. */
export function captureIdTime(id: string): string {
  const s = ID_RE.exec(id)?.[1] ?? '';
  return `${s.slice(0, 4)}-${s.slice(4, 6)}-${s.slice(6, 8)}T${s.slice(9, 11)}:${s.slice(11, 13)}:${s.slice(13, 15)}.${s.slice(15, 18)}Z`;
}

/** Where captures live in the store. */
export const CAPTURES_PREFIX = 'captures/';

/** The keys of one capture's objects. */
export function captureKeys(id: string): { profile: string; svg: string; dot: string; metadata: string } {
  const base = `${CAPTURES_PREFIX}${id}/`;
  return { profile: `${base}profile.pb.gz`, svg: `${base}graph.svg`, dot: `${base}graph.dot`, metadata: `${base}capture.json` };
}

/** The capture id of a metadata key, or undefined for other keys. */
export function idOfMetadataKey(key: string): string | undefined {
  const m = /^captures\/([^/]+)\/capture\.json$/.exec(key);
  return m && isCaptureId(m[1]) ? m[1] : undefined;
}
