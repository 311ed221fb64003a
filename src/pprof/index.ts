/**
 * src/pprof/: profile bytes → the Profile model, and operations on profiles.
 */
export * from './profile.ts';
export {
  type DecodeOptions,
  DEFAULT_DECODE_OPTIONS,
  DEFAULT_MAX_DECOMPRESSED_BYTES,
  DEFAULT_MAX_TABLE_ENTRIES,
} from './decode-options.ts';
export { type DecodeAsyncOptions, decodeProfile, decodeProfileAsync } from './decode-profile.ts';
// Profile transforms (the steps `go tool pprof` applies before building a report).
export { BASE_LABEL } from './base-label.ts';
export { sampleIndexByName } from './sample-index.ts';
export { compileGoRegexp, translateGoRegexp } from './go-regexp.ts';
export { type NameFilterResult, type NameFilters, filterSamplesByName } from './filter-samples-by-name.ts';
export { type ShowFromResult, showFrom } from './show-from.ts';
export { prune, removeUninteresting, simplifyFunc } from './remove-uninteresting.ts';
export { aggregate, aggregateProfile, GRANULARITIES, type Granularity } from './aggregate.ts';
export { goRound, scaleProfile } from './scale-profile.ts';
export { checkCompatible, hasMergeableMappings, mergeProfiles } from './merge-profiles.ts';
export { type CombineMode, type CombineOptions, combineProfiles } from './combine-profiles.ts';
export { isAbsoluteUrl, unsourceMappings } from './unsource-mappings.ts';
