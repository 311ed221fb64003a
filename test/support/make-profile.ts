/**
 * makeProfile: small hand-written profiles (the Profile model, no protobuf)
 * for unit tests of the graph and report code.
 *
 * A stack lists frames from the root to the leaf. A frame is a function name,
 * or an array of names for one location with inlined calls, outermost first:
 * ['a', 'b'] is a location in `a` where `b` was inlined.
 */
import {
  EMPTY_LABEL_SET,
  type LabelSet,
  type Location,
  type Mapping,
  type Profile,
  type ProfileFunction,
  type ValueType,
} from '../../src/pprof/index.ts';

/** One sample of a test profile. */
export interface TestSample {
  readonly stack: readonly (string | readonly string[])[];
  readonly values: readonly number[];
  readonly labels?: Readonly<Record<string, readonly string[]>>;
  readonly numLabels?: Readonly<Record<string, readonly number[]>>;
}

/** What a test profile holds; omitted fields get neutral defaults. */
export interface TestProfile {
  readonly sampleTypes?: readonly ValueType[];
  readonly samples: readonly TestSample[];
  readonly mappingFile?: string;
  readonly timeNanos?: bigint;
  readonly durationNanos?: bigint;
  readonly dropFrames?: string;
  readonly keepFrames?: string;
  readonly comments?: readonly string[];
  /** File name of a function; default `<name>.go` without the package path. */
  readonly fileOf?: (fn: string) => string;
}

/** Builds the Profile model for `t` (see the file comment). */
export function makeProfile(t: TestProfile): Profile {
  const sampleTypes = t.sampleTypes ?? [{ type: 'samples', unit: 'count' }];
  const mapping: Mapping = {
    id: 1,
    start: 0x400000n,
    limit: 0x800000n,
    offset: 0n,
    file: t.mappingFile ?? '/bin/app',
    buildId: '',
    hasFunctions: true,
    hasFilenames: true,
    hasLineNumbers: true,
    hasInlineFrames: true,
  };
  const functions: ProfileFunction[] = [];
  const fnByName = new Map<string, ProfileFunction>();
  const fn = (name: string): ProfileFunction => {
    let f = fnByName.get(name);
    if (f === undefined) {
      const file = t.fileOf?.(name) ?? `${name.replace(/[^\w]+/g, '_')}.go`;
      f = { id: functions.length + 1, name, systemName: name, filename: file, startLine: 1 };
      functions.push(f);
      fnByName.set(name, f);
    }
    return f;
  };
  const locations: Location[] = [];
  const locByKey = new Map<string, number>();
  const loc = (frame: string | readonly string[]): number => {
    const names = typeof frame === 'string' ? [frame] : frame;
    const key = names.join('\u0000');
    let i = locByKey.get(key);
    if (i === undefined) {
      i = locations.length;
      const lines = [...names].reverse().map((n, k) => ({ function: fn(n), line: 10 + k }));
      locations.push({ id: i + 1, mapping, address: 0x401000n + BigInt(i) * 16n, lines, isFolded: false });
      locByKey.set(key, i);
    }
    return i;
  };
  const labelSets: LabelSet[] = [EMPTY_LABEL_SET];
  const setByKey = new Map<string, number>([['{}{}', 0]]);
  const offsets = [0];
  const index: number[] = [];
  const values: number[] = [];
  const sets: number[] = [];
  for (const s of t.samples) {
    if (s.values.length !== sampleTypes.length) throw new Error('one value per sample type');
    for (let k = s.stack.length - 1; k >= 0; k--) index.push(loc(s.stack[k]));
    offsets.push(index.length);
    values.push(...s.values);
    const labels = s.labels ?? {};
    const numLabels = s.numLabels ?? {};
    const key = JSON.stringify(labels) + JSON.stringify(numLabels);
    let set = setByKey.get(key);
    if (set === undefined) {
      set = labelSets.length;
      const numUnits = Object.fromEntries(Object.entries(numLabels).map(([k, v]) => [k, v.map(() => '')]));
      labelSets.push({ labels, numLabels, numUnits });
      setByKey.set(key, set);
    }
    sets.push(set);
  }
  return {
    sampleTypes,
    defaultSampleType: '',
    samples: {
      count: t.samples.length,
      locationOffsets: Uint32Array.from(offsets),
      locationIndex: Uint32Array.from(index),
      values: Float64Array.from(values),
      labelSet: Uint32Array.from(sets),
    },
    labelSets,
    mappings: [mapping],
    locations,
    functions,
    dropFrames: t.dropFrames ?? '',
    keepFrames: t.keepFrames ?? '',
    timeNanos: t.timeNanos ?? 0n,
    durationNanos: t.durationNanos ?? 0n,
    periodType: sampleTypes[sampleTypes.length - 1],
    period: 1,
    comments: t.comments ?? [],
  };
}

/**
 * The samples of `p` as readable stacks, root first; a location with inlined
 * lines reads "outer+inner". Handy to assert what a transform did.
 */
export function readStacks(p: Profile): { stack: string[]; values: number[] }[] {
  const s = p.samples;
  const n = p.sampleTypes.length;
  const out: { stack: string[]; values: number[] }[] = [];
  for (let i = 0; i < s.count; i++) {
    const stack: string[] = [];
    for (let k = s.locationOffsets[i + 1] - 1; k >= s.locationOffsets[i]; k--) {
      const loc = p.locations[s.locationIndex[k]];
      stack.push(
        [...loc.lines]
          .reverse()
          .map((l) => l.function?.name ?? '?')
          .join('+'),
      );
    }
    out.push({ stack, values: Array.from(s.values.subarray(i * n, i * n + n)) });
  }
  return out;
}
