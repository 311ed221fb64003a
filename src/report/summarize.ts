/**
 * summarize: the headline numbers of a profile for a capture record — total,
 * unit and the top functions — computed from the same graph as the top report.
 */
import type { Profile } from '../pprof/index.ts';
import { type TopItem, topItems } from './generate-top.ts';
import { percentage } from '../measurement/index.ts';
import { type PreparedReport, prepareReport } from './prepare-report.ts';
import { reportGraph } from './report-graph.ts';
import { type ReportOptions, resolveReportOptions } from './report-options.ts';

/** One function of a summary, with pprof's formatted values and percentages. */
export interface SummaryFunction extends TopItem {
  /** e.g. "18.64%" (trimmed). */
  readonly flatPercent: string;
  readonly cumPercent: string;
}

/** What a capture record shows about a profile. */
export interface ProfileSummary {
  /** The reported sample type, e.g. "cpu" or "inuse_space". */
  readonly sampleType: string;
  /** The sample unit, e.g. "nanoseconds", "bytes", "count". */
  readonly unit: string;
  /** The total (100%) in the sample unit, and formatted like pprof ("17.11s"). */
  readonly total: number;
  readonly totalFormatted: string;
  /** The heaviest functions by flat value, as `-top` lists them, at most `n`. */
  readonly functions: readonly SummaryFunction[];
}

/** Summarises `profile` with the top `n` functions (pprof's -top order: by flat, or by cum with cumSort). */
export function summarize(profile: Profile, options: Partial<ReportOptions> = {}, n = 10): ProfileSummary {
  return summarizeReport(prepareReport(profile, resolveReportOptions(options)), n);
}

/** Like summarize, from a report already prepared (e.g. the one a DOT was composed from). */
export function summarizeReport(prepared: PreparedReport, n = 10): ProfileSummary {
  const r = reportGraph(prepared, false);
  const total = r.prepared.total;
  const functions = topItems(r)
    .slice(0, Math.max(0, n))
    .map((item) => ({
      ...item,
      flatPercent: percentage(item.flat, total).trim(),
      cumPercent: percentage(item.cum, total).trim(),
    }));
  return {
    sampleType: r.prepared.sampleType,
    unit: r.prepared.sampleUnit,
    total,
    totalFormatted: r.formatValue(total),
    functions,
  };
}
