/**
 * formatProfileTime: the `Time:` legend line's timestamp exactly as Go 1.19's
 * pprof prints it, `time.Unix(0, ns).Format("Jan 2, 2006 at 3:04pm (MST)")`.
 *
 * Go prints the zone *abbreviation* from the tz database ("UTC", "CET",
 * "PDT", "+03"); Intl cannot produce those (it says "GMT+1"), so the
 * wall-clock fields come from Intl and the abbreviation from the zoneinfo
 * file Go itself would read. The default zone is the process's, resolved as
 * Go resolves Local: $TZ ("" or unknown → UTC), else /etc/localtime.
 */
import { readFileSync, readlinkSync } from 'node:fs';
import { GopprofError } from '../errors.ts';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const ZONEINFO_DIRS = ['/usr/share/zoneinfo/', '/usr/share/lib/zoneinfo/', '/usr/lib/locale/TZ/'];

/** Formats `timeNanos` (Unix ns) in `timeZone` (IANA name; undefined = the process's zone like Go's Local). */
export function formatProfileTime(timeNanos: bigint, timeZone: string | undefined): string {
  const zone = timeZone ?? localZoneName();
  const ms = Number(timeNanos / 1_000_000n) - (timeNanos % 1_000_000n < 0n ? 1 : 0);
  const seconds = Math.floor(ms / 1000);
  let parts: WallClock;
  let abbr: string;
  const name = zone === 'UTC' || zone === '' ? 'UTC' : intlName(zone);
  if (zone === 'UTC' || zone === '') {
    parts = wallClock(ms, 'UTC');
    abbr = 'UTC';
  } else if (name !== undefined) {
    parts = wallClock(ms, name);
    abbr = zoneType(zone, seconds, parts.offsetSeconds)?.abbr ?? intlAbbreviation(ms, name);
  } else {
    // A zone file Intl has no name for (TZ=Factory, right/…, a custom file): Go reads the
    // file, so take the offset and abbreviation from it (its standard time past the last
    // transition) rather than fail every report.
    const type = zoneType(zone, seconds, undefined);
    parts = wallClock(ms + (type?.offset ?? 0) * 1000, 'UTC');
    abbr = type?.abbr ?? 'UTC';
  }
  const h12 = parts.hour % 12 === 0 ? 12 : parts.hour % 12;
  const ampm = parts.hour < 12 ? 'am' : 'pm';
  const min = String(parts.minute).padStart(2, '0');
  const year = parts.year < 0 ? `-${String(-parts.year).padStart(4, '0')}` : String(parts.year).padStart(4, '0');
  return `${MONTHS[parts.month - 1]} ${parts.day}, ${year} at ${h12}:${min}${ampm} (${abbr})`;
}

/** Checks a time zone name, throwing OPTION_INVALID for names Intl does not know. */
export function checkTimeZone(timeZone: string): void {
  if (timeZone === 'UTC' || timeZone === '') return;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
  } catch (err) {
    throw new GopprofError('OPTION_INVALID', `timeZone ${JSON.stringify(timeZone)} is not a known IANA time zone`, {
      cause: err,
      details: { option: 'timeZone', value: timeZone },
    });
  }
}

/**
 * The name Intl knows `zone` by: itself, or for posix/X (a copy of X's file)
 * X; undefined for zone files Intl does not name ("Factory", "right/UTC").
 */
function intlName(zone: string): string | undefined {
  for (const name of zone.startsWith('posix/') ? [zone, zone.slice('posix/'.length)] : [zone]) {
    try {
      wallClockFormat(name);
      return name;
    } catch {
      // not a zone Intl knows
    }
  }
  return undefined;
}

interface WallClock {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly offsetSeconds: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function wallClockFormat(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (f === undefined) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      era: 'short',
    });
    formatters.set(zone, f);
  }
  return f;
}

function wallClock(ms: number, zone: string): WallClock {
  const get: Record<string, string> = {};
  for (const p of wallClockFormat(zone).formatToParts(new Date(ms))) get[p.type] = p.value;
  let year = Number(get.year);
  if (get.era === 'BC' || get.era === 'B') year = 1 - year;
  const month = Number(get.month);
  const day = Number(get.day);
  const hour = Number(get.hour);
  const minute = Number(get.minute);
  const second = Number(get.second);
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day);
  d.setUTCHours(hour, minute, second, 0);
  const offsetSeconds = Math.round((d.getTime() - Math.floor(ms / 1000) * 1000) / 1000);
  return { year, month, day, hour, minute, offsetSeconds };
}

/** The zone Go would use as Local. */
function localZoneName(): string {
  const tz = process.env.TZ;
  if (tz !== undefined) {
    const name = tz.startsWith(':') ? tz.slice(1) : tz;
    if (name === '' || name === 'UTC') return 'UTC';
    if (readZoneFile(name) === undefined) return 'UTC';
    return name.startsWith('/') ? zoneNameFromPath(name) : name;
  }
  try {
    return zoneNameFromPath(readlinkSync('/etc/localtime'));
  } catch {
    return Intl.DateTimeFormat().resolvedOptions().timeZone ?? 'UTC';
  }
}

function zoneNameFromPath(path: string): string {
  const i = path.indexOf('zoneinfo/');
  return i >= 0 ? path.slice(i + 'zoneinfo/'.length) : 'UTC';
}

const zoneFiles = new Map<string, Uint8Array | undefined>();

function readZoneFile(name: string): Uint8Array | undefined {
  if (zoneFiles.has(name)) return zoneFiles.get(name);
  let data: Uint8Array | undefined;
  const candidates = name.startsWith('/') ? [name] : ZONEINFO_DIRS.map((d) => d + name);
  if (process.env.ZONEINFO) candidates.unshift(`${process.env.ZONEINFO}/${name}`);
  for (const path of candidates) {
    try {
      data = readFileSync(path);
      break;
    } catch {
      // try the next directory
    }
  }
  zoneFiles.set(name, data);
  return data;
}

/** A local time type of a zone: its abbreviation and UTC offset in seconds. */
interface ZoneType {
  readonly abbr: string;
  readonly offset: number;
}

/**
 * The tz database abbreviation (and offset) in effect at `seconds` in zone
 * `name`, from its TZif file: the ttinfo of the last transition at or before
 * the time; past the last transition, the footer rule's standard or daylight
 * name, whichever has the offset Intl reports (standard when there is none).
 */
function zoneType(name: string, seconds: number, offsetSeconds: number | undefined): ZoneType | undefined {
  const data = readZoneFile(name);
  if (data === undefined || data.length < 44 || String.fromCharCode(...data.subarray(0, 4)) !== 'TZif') return undefined;
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const version = data[4];
  let off = 0;
  let header = readHeader(view, off);
  let timeSize = 4;
  if (version >= 0x32) {
    // Skip the v1 block to the 64-bit v2+ block.
    off += 44 + v1Size(header, 4);
    header = readHeader(view, off);
    timeSize = 8;
  }
  const { isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt } = header;
  let p = off + 44;
  const times: number[] = [];
  for (let i = 0; i < timecnt; i++, p += timeSize) {
    times.push(timeSize === 8 ? Number(view.getBigInt64(p)) : view.getInt32(p));
  }
  const idx: number[] = [];
  for (let i = 0; i < timecnt; i++, p++) idx.push(data[p]);
  const types: { offset: number; isDst: boolean; abbrIndex: number }[] = [];
  for (let i = 0; i < typecnt; i++, p += 6) {
    types.push({ offset: view.getInt32(p), isDst: data[p + 4] === 1, abbrIndex: data[p + 5] });
  }
  const chars = data.subarray(p, p + charcnt);
  p += charcnt + leapcnt * (timeSize + 4) + isstdcnt + isutcnt;
  const abbrAt = (i: number): string => {
    let end = i;
    while (end < chars.length && chars[end] !== 0) end++;
    return String.fromCharCode(...chars.subarray(i, end));
  };
  const typeOf = (t: { offset: number; abbrIndex: number }): ZoneType => ({ abbr: abbrAt(t.abbrIndex), offset: t.offset });
  if (types.length === 0) return undefined;
  if (timecnt === 0 || seconds < times[0]) return typeOf(types.find((t) => !t.isDst) ?? types[0]);
  let k = timecnt - 1;
  while (k > 0 && times[k] > seconds) k--;
  const last = timecnt - 1;
  if (k === last && version >= 0x32) {
    const footer = footerNames(data, p);
    if (footer !== undefined) {
      if (footer.dst === undefined || offsetSeconds === undefined || offsetSeconds === footer.stdOffset) {
        return { abbr: footer.std, offset: footer.stdOffset };
      }
      return { abbr: footer.dst, offset: offsetSeconds };
    }
  }
  return typeOf(types[idx[k]]);
}

interface TzifHeader {
  readonly isutcnt: number;
  readonly isstdcnt: number;
  readonly leapcnt: number;
  readonly timecnt: number;
  readonly typecnt: number;
  readonly charcnt: number;
}

function readHeader(view: DataView, off: number): TzifHeader {
  return {
    isutcnt: view.getUint32(off + 20),
    isstdcnt: view.getUint32(off + 24),
    leapcnt: view.getUint32(off + 28),
    timecnt: view.getUint32(off + 32),
    typecnt: view.getUint32(off + 36),
    charcnt: view.getUint32(off + 40),
  };
}

function v1Size(h: TzifHeader, timeSize: number): number {
  return h.timecnt * (timeSize + 1) + h.typecnt * 6 + h.charcnt + h.leapcnt * (timeSize + 4) + h.isstdcnt + h.isutcnt;
}

/** Standard and daylight names (and the standard UTC offset) of the POSIX TZ string after the v2 data. */
function footerNames(data: Uint8Array, p: number): { std: string; stdOffset: number; dst?: string } | undefined {
  if (data[p] !== 0x0a) return undefined;
  const end = data.indexOf(0x0a, p + 1);
  if (end < 0) return undefined;
  const tz = String.fromCharCode(...data.subarray(p + 1, end));
  const m = /^(<[^>]*>|[A-Za-z]+)([+-]?\d{1,3}(?::\d{1,2}){0,2})(<[^>]*>|[A-Za-z]+)?/.exec(tz);
  if (m === null) return undefined;
  const strip = (s: string) => (s.startsWith('<') ? s.slice(1, -1) : s);
  const [hh, mm = '0', ss = '0'] = m[2].replace(/^[+-]/, '').split(':');
  const sign = m[2].startsWith('-') ? 1 : -1; // POSIX offsets are west-positive
  const stdOffset = sign * (Number(hh) * 3600 + Number(mm) * 60 + Number(ss));
  return { std: strip(m[1]), stdOffset, dst: m[3] === undefined ? undefined : strip(m[3]) };
}

/** Fallback when no zoneinfo file exists: Intl's short name. */
function intlAbbreviation(ms: number, zone: string): string {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'short' }).formatToParts(new Date(ms));
  return parts.find((p) => p.type === 'timeZoneName')?.value ?? zone;
}
