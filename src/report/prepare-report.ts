/**
 * prepareReport: the steps `go tool pprof` takes between reading a profile
 * and building its graph, in pprof's order:
 *
 * 1. what pprof does while reading any profile: merging (identical samples
 *    add up), drop_frames/keep_frames pruning, blanking URL mapping names;
 * 2. the sample value to report (-sample_index, -mean);
 * 3. the total, computed *before* focus filtering so percentages stay
 *    relative to the whole profile (unless relativePercentages);
 * 4. focus/ignore/hide/show/show_from;
 * 5. the granularity.
 */
import { GopprofError } from '../errors.ts';
import { basePath, type GraphSource, prepareGraphSource } from '../graph/index.ts';
import {
  aggregate,
  BASE_LABEL,
  compileGoRegexp,
  filterSamplesByName,
  hasMergeableMappings,
  mergeProfiles,
  type Profile,
  removeUninteresting,
  sampleIndexByName,
  showFrom,
  unsourceMappings,
} from '../pprof/index.ts';
import { scaledLabel } from '../measurement/index.ts';
import type { ReportOptions } from './report-options.ts';

/** A profile ready for graph building, and what the report header needs. */
export interface PreparedReport {
  /** The profile after pruning, filtering and aggregation. */
  readonly profile: Profile;
  readonly source: GraphSource;
  readonly options: ReportOptions;
  readonly valueIndex: number;
  /** -1 unless options.mean. */
  readonly meanIndex: number;
  /** The reported sample type ("mean_" prefixed with options.mean). */
  readonly sampleType: string;
  readonly sampleUnit: string;
  /** pprof's rpt.total: Σ|value| (of the diff base when there is one), the 100% of percentages. */
  readonly total: number;
  /** base(Mapping[0].File), '' when unknown. */
  readonly title: string;
  /** "focus=…" etc. for the legend. */
  readonly activeFilters: readonly string[];
}

/** Runs steps 1–5 (see the file comment) and interns the result for the graph builder. */
export function prepareReport(input: Profile, options: ReportOptions): PreparedReport {
  let p = input;
  // pprof merges every profile it reads (even one). That changes what we print when identical
  // samples cancel (+x and -x change the total), when mappings fold into one (their `[binary]`
  // nodes take the first one's file), and with addresses. It also drops all-zero samples, which
  // numLabelUnit skips instead. Otherwise it only drops repeated comments, and skipping it
  // saves a pass over every sample (~0.5 s for 825k samples).
  if (options.granularity === 'addresses' || hasNegativeValue(p) || hasMergeableMappings(p)) p = mergeProfiles([p]);
  else if (new Set(p.comments).size !== p.comments.length) p = { ...p, comments: [...new Set(p.comments)] };
  p = unsourceMappings(removeUninteresting(p));
  const bytesUnit = numLabelUnit(p, 'bytes');
  if (options.relativePercentages) p = applyFocus(p, options);
  if (p.sampleTypes.length === 0) throw new GopprofError('SAMPLE_INDEX_INVALID', 'profile has no samples');
  const valueIndex = sampleIndexByName(p, options.sampleIndex);
  const meanIndex = options.mean ? 0 : -1;
  const type = p.sampleTypes[valueIndex];
  const total = computeTotal(p, valueIndex, meanIndex);
  if (!options.relativePercentages) p = applyFocus(p, options);
  p = aggregate(p, options.granularity, options.noInlines);
  const source = prepareGraphSource(p, {
    bytesUnit,
    formatTag: (v, unit) => scaledLabel(v, unit, options.unit),
    trimPath: trimPath,
  });
  const m0 = p.mappings[0];
  return {
    profile: p,
    source,
    options,
    valueIndex,
    meanIndex,
    sampleType: (options.mean ? 'mean_' : '') + type.type,
    sampleUnit: type.unit,
    total,
    title: m0 !== undefined && m0.file !== '' ? basePath(m0.file) : '',
    activeFilters: activeFilters(options),
  };
}

function hasNegativeValue(p: Profile): boolean {
  const v = p.samples.values;
  for (let i = 0; i < v.length; i++) if (v[i] < 0) return true;
  return false;
}

/** Compiles the name filters (REGEXP_INVALID on a bad pattern) and applies them. */
function applyFocus(p: Profile, o: ReportOptions): Profile {
  const rx = (value: string, name: string) => (value === '' ? undefined : compileGoRegexp(value, name));
  const focus = rx(o.focus, 'focus');
  const ignore = rx(o.ignore, 'ignore');
  const hide = rx(o.hide, 'hide');
  const show = rx(o.show, 'show');
  const from = rx(o.showFrom, 'show_from');
  let out = p;
  // With no patterns pprof still drops samples without locations; they add nothing to a graph.
  if (focus !== undefined || ignore !== undefined || hide !== undefined || show !== undefined) {
    out = filterSamplesByName(out, { focus, ignore, hide, show }).profile;
  }
  if (from !== undefined) out = showFrom(out, from).profile;
  return out;
}

/** The filters pprof lists under "Active filters:", in its order. */
function activeFilters(o: ReportOptions): string[] {
  const out: string[] = [];
  const add = (k: string, v: string) => {
    if (v !== '') out.push(`${k}=${v}`);
  };
  add('focus', o.focus);
  add('ignore', o.ignore);
  add('hide', o.hide);
  add('show', o.show);
  add('show_from', o.showFrom);
  return out;
}

/**
 * pprof's computeTotal: Σ|value| over all samples, or over the samples
 * labelled pprof::base=true when any exist (a -diff_base report), divided by
 * the summed divisors when there are any.
 */
export function computeTotal(p: Profile, valueIndex: number, meanIndex: number): number {
  const isBase = p.labelSets.map((s) => (s.labels[BASE_LABEL] ?? []).includes('true'));
  const stride = p.sampleTypes.length;
  const { count, values, labelSet } = p.samples;
  let total = 0;
  let div = 0;
  let diffTotal = 0;
  let diffDiv = 0;
  for (let i = 0; i < count; i++) {
    const v = Math.abs(values[i * stride + valueIndex]);
    const d = meanIndex >= 0 ? values[i * stride + meanIndex] : 0;
    total += v;
    div += d;
    if (isBase[labelSet[i]]) {
      diffTotal += v;
      diffDiv += d;
    }
  }
  if (diffTotal > 0) {
    total = diffTotal;
    div = diffDiv;
  }
  return div !== 0 ? Math.trunc(total / div) : total;
}

/**
 * pprof's Profile.NumLabelUnits for one key: the first non-empty unit seen
 * on it in sample order, else inferred from the key ("request" and
 * "alignment" are bytes, any other key is its own unit). Samples whose
 * values are all zero do not count: pprof's merge has dropped them.
 */
export function numLabelUnit(p: Profile, key: string): string {
  const seen = new Uint8Array(p.labelSets.length);
  const { count, labelSet, values } = p.samples;
  const stride = p.sampleTypes.length;
  for (let i = 0; i < count; i++) {
    const s = labelSet[i];
    if (seen[s] === 1 || isZeroSample(values, i * stride, stride)) continue;
    seen[s] = 1;
    for (const u of p.labelSets[s].numUnits[key] ?? []) if (u !== '') return u;
  }
  return key === 'request' || key === 'alignment' ? 'bytes' : key;
}

function isZeroSample(values: Float64Array, from: number, stride: number): boolean {
  for (let t = from; t < from + stride; t++) if (values[t] !== 0) return false;
  return true;
}

/** pprof's trimPath with no -trim_path/-source_path: strips the /proc/self/cwd prefixes Bazel builds leave. */
function trimPath(path: string): string {
  for (const prefix of ['/proc/self/cwd/./', '/proc/self/cwd/']) if (path.startsWith(prefix)) return path.slice(prefix.length);
  return path;
}
