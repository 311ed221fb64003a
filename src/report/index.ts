/**
 * src/report/: call graph → the DOT and text reports of `go tool pprof`,
 * legends, and Go-compatible number formatting.
 */
export { type ReportOptions, DEFAULT_REPORT_OPTIONS, resolveReportOptions } from './report-options.ts';
export { composeDot, generateDot } from './generate-dot.ts';
export { composeTop, generateTop, type TopItem, topItems } from './generate-top.ts';
export { type ProfileSummary, type SummaryFunction, summarize, summarizeReport } from './summarize.ts';
export { computeTotal, numLabelUnit, type PreparedReport, prepareReport } from './prepare-report.ts';
export { type ReportGraph, reportGraph } from './report-graph.ts';
export { profileLabels, reportLabels } from './legend.ts';
export { dotColor } from './dot-color.ts';
export { escapeForDot, multilinePrintableName } from './dot-label.ts';
export { collapsedTags, nodelets, sortTags } from './nodelets.ts';
export { checkTimeZone, formatProfileTime } from './go-time.ts';
