/**
 * Units and numbers as Go prints them: pprof's internal/measurement (scaling,
 * labels, percentages) and Go-compatible float formatting. Shared by pprof/
 * (unit conversion when merging profiles) and report/ (every printed number).
 */
export * from './measurement.ts';
export { type FloatFormat, formatFloat, type GoArg, sprintf } from './format-go.ts';
