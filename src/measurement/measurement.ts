/**
 * Units of sample values and their labels: a port of pprof's
 * `internal/measurement` as vendored in Go 1.19 (pprof a41b82acbcb1).
 *
 * Every number in a DOT label, a legend line or a `top` row passes through
 * here, so the rules (unit aliases, auto-scaling, `%.2f` with ".00" trimmed,
 * the percentage bands) must be Go's to the byte. Inputs that are int64 in Go
 * are `number`s here; fractions are truncated toward zero as Go's `int64()`
 * conversion would have done before the call. Checked against the vendored
 * Go code itself in measurement.test.ts.
 */

import { GopprofError } from '../errors.ts';
import type { ValueType } from '../pprof/index.ts';
import { formatFloat, sprintf } from './format-go.ts';

/** One unit: its printed name, the lower-case aliases it is known by, and its size in base units. */
export interface Unit {
  readonly canonicalName: string;
  readonly aliases: readonly string[];
  readonly factor: number;
}

/** A family of convertible units (memory, time, GCU) and the unit to use when none fits. */
export interface UnitType {
  readonly defaultUnit: Unit;
  readonly units: readonly Unit[];
}

/** The unit families pprof knows, in its lookup order (memory, time, GCU). */
export const unitTypes: readonly UnitType[] = [
  {
    units: [
      { canonicalName: 'B', aliases: ['b', 'byte'], factor: 1 },
      { canonicalName: 'kB', aliases: ['kb', 'kbyte', 'kilobyte'], factor: 2 ** 10 },
      { canonicalName: 'MB', aliases: ['mb', 'mbyte', 'megabyte'], factor: 2 ** 20 },
      { canonicalName: 'GB', aliases: ['gb', 'gbyte', 'gigabyte'], factor: 2 ** 30 },
      { canonicalName: 'TB', aliases: ['tb', 'tbyte', 'terabyte'], factor: 2 ** 40 },
      { canonicalName: 'PB', aliases: ['pb', 'pbyte', 'petabyte'], factor: 2 ** 50 },
    ],
    defaultUnit: { canonicalName: 'B', aliases: ['b', 'byte'], factor: 1 },
  },
  {
    units: [
      { canonicalName: 'ns', aliases: ['ns', 'nanosecond'], factor: 1 },
      { canonicalName: 'us', aliases: ['μs', 'us', 'microsecond'], factor: 1e3 },
      { canonicalName: 'ms', aliases: ['ms', 'millisecond'], factor: 1e6 },
      { canonicalName: 's', aliases: ['s', 'sec', 'second'], factor: 1e9 },
      { canonicalName: 'hrs', aliases: ['hour', 'hr'], factor: 3.6e12 },
    ],
    defaultUnit: { canonicalName: 's', aliases: [], factor: 1e9 },
  },
  {
    units: [
      { canonicalName: 'n*GCU', aliases: ['nanogcu'], factor: 1e-9 },
      { canonicalName: 'u*GCU', aliases: ['microgcu'], factor: 1e-6 },
      { canonicalName: 'm*GCU', aliases: ['milligcu'], factor: 1e-3 },
      { canonicalName: 'GCU', aliases: ['gcu'], factor: 1 },
      { canonicalName: 'k*GCU', aliases: ['kilogcu'], factor: 1e3 },
      { canonicalName: 'M*GCU', aliases: ['megagcu'], factor: 1e6 },
      { canonicalName: 'G*GCU', aliases: ['gigagcu'], factor: 1e9 },
      { canonicalName: 'T*GCU', aliases: ['teragcu'], factor: 1e12 },
      { canonicalName: 'P*GCU', aliases: ['petagcu'], factor: 1e15 },
    ],
    defaultUnit: { canonicalName: 'GCU', aliases: [], factor: 1 },
  },
];

const [memoryUnits, timeUnits, gcuUnits] = unitTypes as [UnitType, UnitType, UnitType];

/**
 * The unit of `type` that `unit` names, or undefined: lower-cased, and one
 * trailing "s" dropped from names longer than two bytes ("Bytes", "seconds",
 * also "hrs" → "hr"). The length is Go's, in UTF-8 bytes, so "μs" (3 bytes)
 * becomes "μ" and matches nothing, exactly as in pprof.
 */
export function sniffUnit(type: UnitType, unit: string): Unit | undefined {
  let u = unit.toLowerCase();
  if (Buffer.byteLength(u, 'utf8') > 2 && u.endsWith('s')) u = u.slice(0, -1);
  return type.units.find((x) => x.aliases.includes(u));
}

/** The unit family `unit` belongs to, if any. */
export function unitTypeOf(unit: string): UnitType | undefined {
  return unitTypes.find((t) => sniffUnit(t, unit) !== undefined);
}

/** True for memory units (bytes and their multiples). */
export function isMemoryUnit(unit: string): boolean {
  return sniffUnit(memoryUnits, unit) !== undefined;
}

/** True for time units (nanoseconds to hours). */
export function isTimeUnit(unit: string): boolean {
  return sniffUnit(timeUnits, unit) !== undefined;
}

/** True for Google Compute Unit units. */
export function isGcuUnit(unit: string): boolean {
  return sniffUnit(gcuUnits, unit) !== undefined;
}

/** The largest unit in which `value` (in base units) is at least 1. */
function autoScale(type: UnitType, value: number): [number, string] | undefined {
  let f = 0;
  let name = '';
  for (const u of type.units) {
    if (u.factor >= f && value / u.factor >= 1) {
      f = u.factor;
      name = u.canonicalName;
    }
  }
  return f === 0 ? undefined : [value / f, name];
}

function convertUnit(type: UnitType, value: number, from: string, to: string): [number, string] | undefined {
  const fromUnit = sniffUnit(type, from);
  if (fromUnit === undefined) return undefined;
  const v = value * fromUnit.factor;
  if (to === 'minimum' || to === 'auto') {
    return autoScale(type, v) ?? [v / type.defaultUnit.factor, type.defaultUnit.canonicalName];
  }
  const toUnit = sniffUnit(type, to) ?? type.defaultUnit;
  return [v / toUnit.factor, toUnit.canonicalName];
}

const MIN_INT64 = -(2 ** 63);

/**
 * Converts an int64 `value` from `fromUnit` to `toUnit` ("auto"/"minimum"
 * pick the largest unit that keeps it ≥ 1). The unit comes back empty for
 * uninteresting units (count, sample…), which are then printed bare.
 */
export function scale(value: number, fromUnit: string, toUnit: string): [number, string] {
  value = Math.trunc(value);
  // Go negates int64 values; -MinInt64 overflows, so Go does not recurse on it.
  if (value < 0 && value !== MIN_INT64) {
    const [v, u] = scale(-value, fromUnit, toUnit);
    return [-v, u];
  }
  for (const type of unitTypes) {
    const r = convertUnit(type, value, fromUnit, toUnit);
    if (r !== undefined) return r;
  }
  switch (toUnit) {
    case 'count':
    case 'sample':
    case 'unit':
    case 'minimum':
    case 'auto':
      return [value, ''];
    default:
      return [value, toUnit];
  }
}

/** `value` in `fromUnit` printed in `toUnit` as pprof prints it: "1.50MB", "10ms", "0". */
export function scaledLabel(value: number, fromUnit: string, toUnit: string): string {
  const [v, u] = scale(value, fromUnit, toUnit);
  let sv = formatFloat(v, 'f', 2);
  if (sv.endsWith('.00')) sv = sv.slice(0, -3);
  if (sv === '0' || sv === '-0') return '0';
  return sv + u;
}

/** `value` in `unit`, auto-scaled to the most readable unit. */
export function label(value: number, unit: string): string {
  return scaledLabel(value, unit, 'auto');
}

/** `value` as a percentage of `total` with at least two digits: "  100%", "12.34%", "0.89%", "1.2e-05%". */
export function percentage(value: number, total: number): string {
  let ratio = 0;
  if (total !== 0) ratio = Math.abs(Math.trunc(value) / Math.trunc(total)) * 100;
  if (ratio >= 99.95 && ratio <= 100.05) return '  100%';
  if (ratio >= 1) return sprintf('%5.2f%%', ratio);
  return sprintf('%5.2g%%', ratio);
}

/**
 * Whether two value types can be merged or diffed: same type up to one
 * trailing "s", and units that are equal or of one family. An undefined
 * side is compatible with anything, as in pprof.
 */
export function compatibleValueTypes(a: ValueType | undefined, b: ValueType | undefined): boolean {
  if (a === undefined || b === undefined) return true;
  const trim = (t: string): string => (t.endsWith('s') ? t.slice(0, -1) : t);
  if (trim(a.type) !== trim(b.type)) return false;
  if (a.unit === b.unit) return true;
  return unitTypes.some((t) => sniffUnit(t, a.unit) !== undefined && sniffUnit(t, b.unit) !== undefined);
}

/**
 * The finest of a set of compatible value types (pprof scales merged profiles
 * to it so no precision is lost); undefined for fewer than two types.
 * Throws PROFILE_MISMATCH naming the pair that cannot be combined.
 */
export function commonValueType(types: readonly ValueType[]): ValueType | undefined {
  if (types.length <= 1) return undefined;
  let min = types[0]!;
  for (const t of types.slice(1)) {
    if (!compatibleValueTypes(min, t)) {
      throw new GopprofError('PROFILE_MISMATCH', `incompatible types: {${min.type} ${min.unit}} {${t.type} ${t.unit}}`, {
        details: { first: `${min.type}/${min.unit}`, second: `${t.type}/${t.unit}` },
      });
    }
    if (scale(1, t.unit, min.unit)[0] < 1) min = t;
  }
  return { type: min.type, unit: min.unit };
}
