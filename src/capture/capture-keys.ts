/**
 * Capture ids and the object-store keys of a capture's artifacts. Ids start
 * with the UTC start time, and captures are partitioned by UTC day:
 *
 *   captures/<YYYY-MM-DD>/<id>/{profile.pb.gz,graph.dot,graph.svg,capture.json}
 *
 * so a listing walks days newest first and stops when a page is full, a time
 * range touches only its days, and expiring a day is one prefix. Captures
 * stored before the partitions live under `captures/<id>/` (the legacy
 * layout), which reads and retention still understand.
 */
import { randomBytes } from 'node:crypto';
import type { ProfileType } from '../targets/target.ts';

const ID_RE = /^(\d{8}T\d{6}\d{3}Z)-([a-z]+)-([0-9a-f]{8})$/;
const DAY_RE = /^\d{4}-\d{2}-\d{2}$/;
const MS_PER_DAY = 86_400_000;

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

/** The UTC day of an id, `YYYY-MM-DD`: the partition its objects live in. */
export function captureIdDay(id: string): string {
  return `${id.slice(0, 4)}-${id.slice(4, 6)}-${id.slice(6, 8)}`;
}

/** The UTC day of a time, `YYYY-MM-DD`. */
export function dayOf(time: Date): string {
  return time.toISOString().slice(0, 10);
}

/** The day before `day` (both `YYYY-MM-DD`). */
export function previousDay(day: string): string {
  return dayOf(new Date(Date.parse(`${day}T00:00:00Z`) - MS_PER_DAY));
}

/** The day after `day` (both `YYYY-MM-DD`). */
export function nextDay(day: string): string {
  return dayOf(new Date(Date.parse(`${day}T00:00:00Z`) + MS_PER_DAY));
}

/** True for a `YYYY-MM-DD` partition name. */
export function isDay(name: string): boolean {
  return DAY_RE.test(name) && !Number.isNaN(Date.parse(`${name}T00:00:00Z`));
}

/** Where captures live in the store. */
export const CAPTURES_PREFIX = 'captures/';

/** The prefix of one day's captures. */
export function dayPrefix(day: string): string {
  return `${CAPTURES_PREFIX}${day}/`;
}

/** The prefix of all objects of one capture. */
export function capturePrefix(id: string): string {
  return `${dayPrefix(captureIdDay(id))}${id}/`;
}

/** The prefix of a capture stored before day partitions. */
export function legacyCapturePrefix(id: string): string {
  return `${CAPTURES_PREFIX}${id}/`;
}

/** The key names of a capture's objects under its prefix; the record is `capture.json`. */
const NAMES = { profile: 'profile.pb.gz', svg: 'graph.svg', dot: 'graph.dot', metadata: 'capture.json' } as const;

/** The keys of one capture's objects. */
export function captureKeys(id: string): { profile: string; svg: string; dot: string; metadata: string } {
  const base = capturePrefix(id);
  return { profile: base + NAMES.profile, svg: base + NAMES.svg, dot: base + NAMES.dot, metadata: base + NAMES.metadata };
}

/** The record's key of a capture stored before day partitions. */
export function legacyMetadataKey(id: string): string {
  return legacyCapturePrefix(id) + NAMES.metadata;
}

/** True when `key` is a capture's record (in either layout). */
export function isMetadataKey(key: string): boolean {
  return key.endsWith(`/${NAMES.metadata}`);
}

/** Where a capture's objects live, read from any of its keys. */
export interface CaptureLocation {
  readonly id: string;
  /** `captures/<day>/<id>/`, or `captures/<id>/` for the legacy layout. */
  readonly prefix: string;
  readonly legacy: boolean;
}

/**
 * The capture a key (or a capture prefix) belongs to, in either layout;
 * undefined for anything else under `captures/` (stray objects are left alone).
 */
export function locateCaptureKey(key: string): CaptureLocation | undefined {
  const parts = key.split('/');
  if (parts[0] !== 'captures' || parts.length < 3) return undefined;
  if (isDay(parts[1])) {
    const id = parts[2];
    if (parts.length < 4 || !isCaptureId(id) || captureIdDay(id) !== parts[1]) return undefined;
    return { id, prefix: `${CAPTURES_PREFIX}${parts[1]}/${id}/`, legacy: false };
  }
  return isCaptureId(parts[1]) ? { id: parts[1], prefix: legacyCapturePrefix(parts[1]), legacy: true } : undefined;
}
