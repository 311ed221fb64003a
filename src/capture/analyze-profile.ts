/**
 * The engine step of a capture: raw profile bytes → DOT and a summary of the
 * top functions, with the caller's engine options. Gunzip runs on libuv's pool;
 * decoding and graph building run on the calling thread (tens of milliseconds
 * for typical profiles).
 */
import { decodeProfileAsync } from '../pprof/index.ts';
import {
  composeDot,
  prepareReport,
  type ReportOptions,
  reportGraph,
  resolveReportOptions,
  summarizeReport,
} from '../report/index.ts';
import type { EngineOptions } from './capture.ts';
import type { Analysis } from './capture-service.ts';

/** How many functions a capture's summary lists. */
export const SUMMARY_TOP_N = 10;

/** Maps a capture's engine options onto the report's. */
export function reportOptionsOf(o: EngineOptions): Partial<ReportOptions> {
  return {
    sampleIndex: o.sampleIndex ?? '',
    nodeCount: o.nodeCount ?? -1,
    ...(o.nodeFraction !== undefined ? { nodeFraction: o.nodeFraction } : {}),
    ...(o.edgeFraction !== undefined ? { edgeFraction: o.edgeFraction } : {}),
    focus: o.focus ?? '',
    ignore: o.ignore ?? '',
    hide: o.hide ?? '',
    show: o.show ?? '',
    granularity: o.lines ? 'lines' : 'functions',
  };
}

/** Creates the analyse step with a cap on the decompressed profile size. */
export function createAnalyzer(maxDecompressedBytes: number) {
  return async (bytes: Uint8Array, options: EngineOptions, signal?: AbortSignal): Promise<Analysis> => {
    const profile = await decodeProfileAsync(bytes, { maxDecompressedBytes, signal });
    // One preparation (merge, filters, granularity) serves both the DOT and the summary.
    const prepared = prepareReport(profile, resolveReportOptions(reportOptionsOf(options)));
    const s = summarizeReport(prepared, SUMMARY_TOP_N);
    return {
      dot: composeDot(reportGraph(prepared, true)),
      summary: {
        sampleType: s.sampleType,
        unit: s.unit,
        total: s.total,
        totalLabel: s.totalFormatted,
        top: s.functions.map((f) => ({
          name: f.name,
          flat: f.flat,
          cum: f.cum,
          flatLabel: f.flatFormatted,
          flatPercent: f.flatPercent,
          cumLabel: f.cumFormatted,
          cumPercent: f.cumPercent,
        })),
      },
    };
  };
}
