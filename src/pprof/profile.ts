/**
 * The plain Profile model that every layer above src/pprof/ reads.
 *
 * It mirrors pprof's profile.proto after string-table and id resolution, with
 * one deliberate difference: samples are stored column-wise in typed arrays,
 * because a 40 MB heap profile holds ~825k samples and an object per sample
 * costs seconds and hundreds of megabytes.
 *
 * Conventions:
 * - int64 sample values are `number`; the decoder rejects |v| > 2^53 with
 *   PROFILE_VALUE_RANGE instead of rounding silently. Negative values (delta
 *   and diff profiles) are kept as negative numbers.
 * - Addresses and mapping bounds are `bigint` (they are uint64 and may exceed 2^53).
 * - `timeNanos` and `durationNanos` are `bigint` (a current time in ns exceeds 2^53).
 * - References are resolved: a Line points at its ProfileFunction, a Location at
 *   its Mapping; samples reference locations by index into `Profile.locations`.
 */

/** One sample type or the period type, e.g. {type: 'cpu', unit: 'nanoseconds'}. */
export interface ValueType {
  readonly type: string;
  readonly unit: string;
}

export interface ProfileFunction {
  /** The id from the profile (non-zero). */
  readonly id: number;
  readonly name: string;
  readonly systemName: string;
  readonly filename: string;
  readonly startLine: number;
}

export interface Line {
  /** undefined when the proto line had function_id 0. */
  readonly function: ProfileFunction | undefined;
  readonly line: number;
}

export interface Mapping {
  readonly id: number;
  readonly start: bigint;
  readonly limit: bigint;
  readonly offset: bigint;
  readonly file: string;
  readonly buildId: string;
  readonly hasFunctions: boolean;
  readonly hasFilenames: boolean;
  readonly hasLineNumbers: boolean;
  readonly hasInlineFrames: boolean;
}

export interface Location {
  /** The id from the profile (non-zero). */
  readonly id: number;
  readonly mapping: Mapping | undefined;
  readonly address: bigint;
  /** lines[0] is the innermost inlined callee; lines[len-1] the outermost (physical) function. */
  readonly lines: readonly Line[];
  readonly isFolded: boolean;
}

/**
 * The labels of one sample, interned: samples with identical labels share one
 * LabelSet. Keys keep the order of first appearance in the sample.
 */
export interface LabelSet {
  readonly labels: Readonly<Record<string, readonly string[]>>;
  readonly numLabels: Readonly<Record<string, readonly number[]>>;
  /** Units of numLabels, parallel to each value list; '' when unset. */
  readonly numUnits: Readonly<Record<string, readonly string[]>>;
}

/** The empty label set; labelSets[0] is always this. */
export const EMPTY_LABEL_SET: LabelSet = Object.freeze({
  labels: Object.freeze({}),
  numLabels: Object.freeze({}),
  numUnits: Object.freeze({}),
});

/**
 * All samples, column-wise. Sample i:
 * - locations: `locationIndex[locationOffsets[i] .. locationOffsets[i+1])`, leaf first
 *   (the proto's order), each an index into Profile.locations;
 * - values: `values[i * sampleTypes.length + t]` for sample type t;
 * - labels: `labelSets[labelSet[i]]`.
 */
export interface Samples {
  readonly count: number;
  readonly locationOffsets: Uint32Array;
  readonly locationIndex: Uint32Array;
  readonly values: Float64Array;
  readonly labelSet: Uint32Array;
}

export interface Profile {
  readonly sampleTypes: readonly ValueType[];
  /** The proto's default_sample_type, '' when unset. */
  readonly defaultSampleType: string;
  readonly samples: Samples;
  /** labelSets[0] is EMPTY_LABEL_SET. */
  readonly labelSets: readonly LabelSet[];
  readonly mappings: readonly Mapping[];
  readonly locations: readonly Location[];
  readonly functions: readonly ProfileFunction[];
  readonly dropFrames: string;
  readonly keepFrames: string;
  readonly timeNanos: bigint;
  readonly durationNanos: bigint;
  readonly periodType: ValueType | undefined;
  readonly period: number;
  readonly comments: readonly string[];
}

/** The number of values per sample (the number of sample types). */
export function valuesPerSample(p: Profile): number {
  return p.sampleTypes.length;
}
