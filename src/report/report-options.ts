/**
 * ReportOptions: what a DOT or top report shows, with `go tool pprof`'s
 * defaults in one place, validated once.
 */
import { GopprofError } from '../errors.ts';
import { GRANULARITIES, type Granularity } from '../pprof/index.ts';
import { checkTimeZone } from './go-time.ts';

/** The options of generateDot/generateTop/summarize, named after pprof's flags. */
export interface ReportOptions {
  /** Sample type name or 0-based index; '' = the profile's default (pprof's -sample_index). */
  readonly sampleIndex: string | number;
  /** Report the average value per event, dividing by the first sample value (pprof's -mean). */
  readonly mean: boolean;
  /** Most nodes to show; -1 = pprof's default (80 for dot, all for top). */
  readonly nodeCount: number;
  /** Hide nodes below this fraction of the total (-nodefraction). */
  readonly nodeFraction: number;
  /** Hide edges below this fraction of the total (-edgefraction). */
  readonly edgeFraction: number;
  /** Go regexps; '' = unset (-focus, -ignore, -hide, -show, -show_from). */
  readonly focus: string;
  readonly ignore: string;
  readonly hide: string;
  readonly show: string;
  readonly showFrom: string;
  /** 'functions' (default) or 'lines', 'files', 'filefunctions', 'addresses'. */
  readonly granularity: Granularity;
  /** Attribute inlined functions to their caller (-noinlines). */
  readonly noInlines: boolean;
  /** Drop nodes with negative values (-drop_negative). */
  readonly dropNegative: boolean;
  /** Sort the top list by cum instead of flat (-cum). */
  readonly cumSort: boolean;
  /** Percentages relative to the focused samples instead of all (-relative_percentages). */
  readonly relativePercentages: boolean;
  /** Divide every value by this (-divide_by); must not be 0. */
  readonly divideBy: number;
  /** Output unit, or 'minimum' to pick one from the values (-unit). */
  readonly unit: string;
  /** IANA zone for the `Time:` line; undefined = the process's zone, like Go. */
  readonly timeZone: string | undefined;
}

/** `go tool pprof`'s defaults. */
export const DEFAULT_REPORT_OPTIONS: ReportOptions = Object.freeze({
  sampleIndex: '',
  mean: false,
  nodeCount: -1,
  nodeFraction: 0.005,
  edgeFraction: 0.001,
  focus: '',
  ignore: '',
  hide: '',
  show: '',
  showFrom: '',
  granularity: 'functions',
  noInlines: false,
  dropNegative: false,
  cumSort: false,
  relativePercentages: false,
  divideBy: 1,
  unit: 'minimum',
  timeZone: undefined,
});

/** Merges `options` over the defaults and validates them (OPTION_INVALID names the bad value). */
export function resolveReportOptions(options: Partial<ReportOptions> = {}): ReportOptions {
  const o: ReportOptions = { ...DEFAULT_REPORT_OPTIONS };
  for (const [k, v] of Object.entries(options)) if (v !== undefined) (o as unknown as Record<string, unknown>)[k] = v;
  const bad = (option: string, value: unknown, want: string): never => {
    throw new GopprofError('OPTION_INVALID', `${option} ${JSON.stringify(value)} is invalid: want ${want}`, {
      details: { option, value: String(value) },
    });
  };
  if (typeof o.sampleIndex !== 'string' && !Number.isInteger(o.sampleIndex)) {
    bad('sampleIndex', o.sampleIndex, 'a sample type name or a 0-based index');
  }
  if (!Number.isSafeInteger(o.nodeCount) || o.nodeCount < -1) bad('nodeCount', o.nodeCount, 'an integer ≥ 0, or -1 for the default');
  if (!Number.isFinite(o.nodeFraction)) bad('nodeFraction', o.nodeFraction, 'a finite number such as 0.005');
  if (!Number.isFinite(o.edgeFraction)) bad('edgeFraction', o.edgeFraction, 'a finite number such as 0.001');
  for (const k of ['focus', 'ignore', 'hide', 'show', 'showFrom', 'unit'] as const) {
    if (typeof o[k] !== 'string') bad(k, o[k], 'a string');
  }
  if (!GRANULARITIES.includes(o.granularity)) bad('granularity', o.granularity, `one of ${GRANULARITIES.join(', ')}`);
  if (!Number.isFinite(o.divideBy) || o.divideBy === 0) bad('divideBy', o.divideBy, 'a non-zero number');
  if (o.timeZone !== undefined) checkTimeZone(o.timeZone);
  return Object.freeze(o);
}
