/**
 * Random but valid pprof profiles, for differential tests against `go tool pprof`.
 *
 * Real Go profiles exercise only the shapes the Go runtime writes. The engine
 * must print what pprof prints for anything pprof accepts, so this generator
 * varies every trait that changes pprof's output: sample types and units,
 * default_sample_type, values (zeros, negatives, all-zero totals), stack depth,
 * direct and mutual recursion, inlined frames, address-only locations, several
 * mappings (including ones pprof merges), string and numeric labels, Go, C++,
 * Java and awkward function names, file names, headers, comments, drop_frames.
 *
 * Deterministic: the same seed and options always give the same bytes (a
 * seeded PRNG, never Math.random). Every profile is one Go's parser accepts.
 */
import { gzipSync } from 'node:zlib';
import {
  type FunctionInput,
  type LabelInput,
  type LocationInput,
  type MappingInput,
  Profile,
  type SampleInput,
  StringTable,
} from 'pprof-format';
import { randomFunctionName, randomSourceFile, randomMappingFile, type Rng, seededRng } from './random-names.ts';

/** What to generate; every field left out is chosen at random from the seed. */
export interface RandomProfileOptions {
  /** Number of samples (before pprof merges identical ones). Default 0–3000. */
  readonly samples: number | undefined;
  /** Number of functions. Default 5–300. */
  readonly functions: number | undefined;
  /** Deepest stack. Default 1–60. */
  readonly maxDepth: number | undefined;
  /**
   * 'any': every trait random. 'heap': a Go heap profile (4 sample types,
   * space/bytes period, `bytes` numeric labels, Go names), e.g. for benchmarks.
   */
  readonly shape: 'any' | 'heap';
}

/** A generated profile and a few facts a test needs to choose flags. */
export interface RandomProfile {
  /** The gzip-compressed profile.proto bytes. */
  readonly bytes: Uint8Array;
  /** Sample type names in order (for -sample_index). */
  readonly sampleTypes: readonly string[];
  /** Names of the functions that appear in at least one location. */
  readonly functionNames: readonly string[];
}

const DEFAULT_OPTIONS: RandomProfileOptions = { samples: undefined, functions: undefined, maxDepth: undefined, shape: 'any' };

/** The gzip bytes of a random valid profile for `seed`. */
export function randomProfile(seed: number, options: Partial<RandomProfileOptions> = {}): Uint8Array {
  return generateRandomProfile(seed, options).bytes;
}

type ValueTypePair = readonly [type: string, unit: string];

const PRESETS: readonly (readonly ValueTypePair[])[] = [
  [['samples', 'count'], ['cpu', 'nanoseconds']],
  [['alloc_objects', 'count'], ['alloc_space', 'bytes'], ['inuse_objects', 'count'], ['inuse_space', 'bytes']],
  [['contentions', 'count'], ['delay', 'nanoseconds']],
  [['goroutine', 'count']],
  [['threadcreate', 'count']],
];
const EXTRA_TYPES: readonly ValueTypePair[] = [
  ['samples', 'count'], ['cpu', 'nanoseconds'], ['wall', 'nanoseconds'], ['alloc_space', 'bytes'],
  ['inuse_space', 'bytes'], ['objects', 'count'], ['space', 'bytes'], ['delay', 'nanoseconds'],
  ['lock_time', 'milliseconds'], ['requests', 'count'], ['disk', 'kilobytes'], ['widgets', 'widgets'],
];
const LABEL_KEYS = ['thread', 'goroutine', 'handler', 'span id', 'region', 'tenant', 'q"uote'];
const LABEL_VALUES = ['main', 'worker-1', 'worker-2', '/api/v1/orders', 'GET /healthz', 'eu-west-1', 'a\\b', 'x y', '日本'];

/** Generates the profile and the facts about it (see RandomProfile). */
export function generateRandomProfile(seed: number, options: Partial<RandomProfileOptions> = {}): RandomProfile {
  const opts: RandomProfileOptions = { ...DEFAULT_OPTIONS, ...options };
  const rng = seededRng(seed);
  const heap = opts.shape === 'heap';
  const strings = new StringTable();
  const str = (s: string): number => strings.dedup(s);

  // Sample types, period, default type.
  let types: ValueTypePair[];
  if (heap) types = [...PRESETS[1]];
  else if (rng.chance(0.6)) types = [...rng.pick(PRESETS)];
  else {
    types = [];
    for (let n = rng.int(1, 4); types.length < n; ) {
      const t = rng.pick(EXTRA_TYPES);
      if (!types.some(([name]) => name === t[0])) types.push(t);
    }
  }
  const defaultType = heap ? '' : rng.chance(0.3) ? rng.pick(types)[0] : '';
  const period: { type: ValueTypePair; value: number } | undefined = heap
    ? { type: ['space', 'bytes'], value: 512 * 1024 }
    : rng.chance(0.75)
      ? rng.pick([
          { type: ['cpu', 'nanoseconds'] as const, value: 10_000_000 },
          { type: ['space', 'bytes'] as const, value: 524_288 },
          { type: ['contentions', 'count'] as const, value: rng.int(1, 100) },
          { type: rng.pick(types), value: rng.int(0, 1000) },
        ])
      : undefined;

  // Functions.
  const nFunctions = opts.functions ?? rng.int(5, 300);
  const style = heap ? 'go' : rng.pick(['go', 'go', 'go', 'cpp', 'java', 'mixed'] as const);
  const functions: FunctionInput[] = [];
  const functionNames: string[] = [];
  const functionIdBase = rng.chance(0.2) ? rng.int(2, 100_000) : 1;
  for (let i = 0; i < nFunctions; i++) {
    // Sometimes repeat an earlier name: as an identical duplicate (pprof merges it) or in another file.
    const dup = i > 0 && rng.chance(0.03) ? functions[rng.int(0, i - 1)] : undefined;
    const name = dup ? functionNames[Number(dup.id) - functionIdBase] : randomFunctionName(rng, style, i);
    const file = dup && rng.chance(0.5) ? strings.strings[Number(dup.filename)] : randomSourceFile(rng, name);
    const systemName = rng.chance(0.9) ? name : rng.chance(0.5) ? '' : `_Z${name.length}${name.replace(/\W/g, '')}v`;
    functionNames.push(name);
    functions.push({
      id: functionIdBase + i,
      name: str(name),
      systemName: str(systemName),
      filename: str(file),
      startLine: rng.chance(0.7) ? rng.int(1, 3000) : 0,
    });
  }

  // Mappings.
  const mappings: MappingInput[] = [];
  const nMappings = heap ? 1 : rng.pick([0, 1, 1, 1, 2, 3, 4]);
  for (let i = 0; i < nMappings; i++) {
    const start = 0x400000 + i * 0x10000000 + rng.int(0, 255) * 0x1000;
    const size = rng.int(1, 4096) * 0x1000;
    const copyOf = i > 0 && rng.chance(0.15) ? mappings[rng.int(0, i - 1)] : undefined;
    mappings.push({
      id: i + 1 + (rng.chance(0.1) ? 1000 : 0),
      memoryStart: start,
      memoryLimit: copyOf ? start + (Number(copyOf.memoryLimit) - Number(copyOf.memoryStart)) : start + size,
      fileOffset: copyOf ? copyOf.fileOffset : rng.chance(0.7) ? 0 : rng.int(1, 64) * 0x1000,
      filename: copyOf ? copyOf.filename : str(heap ? '/usr/local/bin/server' : randomMappingFile(rng)),
      buildId: copyOf ? copyOf.buildId : str(rng.chance(0.4) ? rng.hex(20) : ''),
      hasFunctions: rng.chance(0.8),
      hasFilenames: rng.chance(0.7),
      hasLineNumbers: rng.chance(0.7),
      hasInlineFrames: rng.chance(0.6),
    });
  }

  // Locations: most with one line, some inlined (several lines), some address-only.
  const locations: LocationInput[] = [];
  const nLocations = Math.max(1, Math.round(nFunctions * (heap ? 1.2 : rng.float(0.8, 2))));
  const pAddressOnly = heap ? 0 : rng.pick([0, 0, 0.05, 0.2]);
  const pInline = rng.pick([0, 0.1, 0.3]);
  const locationIdBase = rng.chance(0.2) ? rng.int(2, 1_000_000) : 1;
  for (let i = 0; i < nLocations; i++) {
    const mapping = mappings.length > 0 && rng.chance(0.95) ? rng.pick(mappings) : undefined;
    const address = mapping
      ? rng.int(Number(mapping.memoryStart), Number(mapping.memoryLimit) - 1)
      : rng.chance(0.7) ? rng.int(0x1000, 0xffffff) : 0;
    const lines = [];
    if (!rng.chance(pAddressOnly)) {
      const depth = rng.chance(pInline) ? rng.int(2, 4) : 1;
      // A stable function per location index, so stacks revisit the same functions.
      for (let d = 0; d < depth; d++) {
        const f = d === depth - 1 && i < nFunctions ? functions[i] : rng.pick(functions);
        lines.push({ functionId: f.id, line: rng.chance(0.9) ? rng.int(1, 5000) : 0 });
      }
    }
    const dupOf = i > 0 && rng.chance(0.02) ? locations[rng.int(0, i - 1)] : undefined;
    locations.push(
      dupOf
        ? { ...dupOf, id: locationIdBase + i }
        : { id: locationIdBase + i, mappingId: mapping?.id ?? 0, address, line: lines, isFolded: rng.chance(0.02) },
    );
  }

  // Call structure: each location calls a few preferred callees, so stacks share paths.
  const callees = locations.map(() => Array.from({ length: rng.int(1, 4) }, () => rng.int(0, nLocations - 1)));
  const roots = Array.from({ length: rng.int(1, 3) }, () => rng.int(0, nLocations - 1));
  const maxDepth = opts.maxDepth ?? (heap ? 40 : rng.int(1, 60));
  const pDirect = rng.pick([0, 0.02, 0.1]);
  const pMutual = rng.pick([0, 0.02, 0.1]);
  const pJump = rng.pick([0.01, 0.1]);
  const stacks: number[][] = [];
  // A Go heap profile has one sample per distinct stack (and size): give each heap sample its own walk.
  const nStacks = heap ? Math.max(1, opts.samples ?? 1000) : rng.int(1, 400);
  for (let s = 0; s < nStacks; s++) {
    const rootToLeaf = [rng.pick(roots)];
    const depth = Math.min(maxDepth, 1 + Math.floor(rng.float(0, 1) ** 2 * maxDepth));
    while (rootToLeaf.length < depth) {
      const cur = rootToLeaf[rootToLeaf.length - 1];
      const r = rng.float(0, 1);
      if (r < pDirect) rootToLeaf.push(cur);
      else if (r < pDirect + pMutual && rootToLeaf.length >= 2) rootToLeaf.push(rootToLeaf[rootToLeaf.length - 2]);
      else if (r < pDirect + pMutual + pJump) rootToLeaf.push(rng.int(0, nLocations - 1));
      else rootToLeaf.push(rng.pick(callees[cur]));
    }
    stacks.push(rootToLeaf.reverse());
  }
  if (!heap && rng.chance(0.05)) stacks.push([]); // a sample without locations

  // Label sets.
  const labelSets: LabelInput[][] = [[]];
  const nLabelSets = heap ? 0 : rng.pick([0, 0, 1, 3, 8]);
  const bytesUnit = rng.pick(['', '', 'bytes', 'kilobytes']);
  for (let i = 0; i < nLabelSets; i++) {
    const set: LabelInput[] = [];
    for (let k = rng.int(0, 2); k > 0; k--) {
      const value = rng.chance(0.03) ? '' : rng.pick(LABEL_VALUES);
      set.push({ key: str(rng.pick(LABEL_KEYS)), str: str(value) });
    }
    if (rng.chance(0.4)) set.push({ key: str('bytes'), num: rng.pick([0, 8, 64, 1024, 4096, 1 << 20]), numUnit: str(bytesUnit) });
    if (rng.chance(0.2)) set.push({ key: str(rng.pick(['request', 'alignment', 'pid', 'bytes'])), num: rng.int(1, 1 << 16) });
    if (rng.chance(0.03)) set.push({ key: str('pprof::base'), str: str('true') });
    labelSets.push(set);
  }

  // Samples.
  const nSamples = opts.samples ?? (rng.chance(0.03) ? 0 : rng.int(1, 3000));
  const delta = !heap && rng.chance(0.2);
  const pZero = rng.pick([0, 0, 0.05, 0.3]);
  const zeroType = !heap && rng.chance(0.05) ? rng.int(0, types.length - 1) : -1;
  const samples: SampleInput[] = [];
  const heapSizes = [8, 16, 24, 32, 48, 64, 96, 128, 256, 512, 1024, 4096, 8192, 32768, 65536];
  for (let i = 0; i < nSamples; i++) {
    const stack = heap ? stacks[i % stacks.length] : stacks[Math.floor(rng.float(0, 1) ** 2 * stacks.length)];
    const locationId = stack.map((l) => locations[l].id as number);
    if (heap) {
      const size = rng.pick(heapSizes);
      const allocs = rng.int(1, 64);
      const inuse = rng.chance(0.4) ? rng.int(0, allocs) : 0;
      samples.push({
        locationId,
        value: [allocs, allocs * size, inuse, inuse * size],
        label: [{ key: str('bytes'), num: size }],
      });
      continue;
    }
    const value = types.map(([, unit], t) => {
      if (t === zeroType || rng.chance(pZero)) return 0;
      const v = randomValue(rng, unit, period?.value ?? 0);
      return delta && rng.chance(0.4) ? -v : v;
    });
    samples.push({ locationId, value, label: rng.pick(labelSets) });
  }

  // Headers.
  const comments = heap ? [] : Array.from({ length: rng.pick([0, 0, 1, 3]) }, () => rng.pick(['generated by a test', '#hidden comment', 'build: v1.2.3', 'note "quoted" \\ here']));
  const dropFrames = !heap && rng.chance(0.15) ? rng.pick([escapeRegExp(rng.pick(functionNames)), 'runtime\\..*', '.*malloc.*|operator new.*', 'main\\.f1.*']) : '';
  const keepFrames = dropFrames !== '' && rng.chance(0.3) ? escapeRegExp(rng.pick(functionNames)) : '';
  const timeNanos = heap || rng.chance(0.7) ? BigInt(rng.int(1_500_000_000, 1_900_000_000)) * 1_000_000_000n + BigInt(rng.int(0, 999_999_999)) : 0n;
  const durationNanos = !heap && rng.chance(0.6) ? rng.pick([1_000_000_000, 10_000_000_000, rng.int(1, 60_000_000_000)]) : 0;

  const profile = new Profile({
    sampleType: types.map(([type, unit]) => ({ type: str(type), unit: str(unit) })),
    sample: samples,
    mapping: rng.shuffle(mappings),
    location: rng.shuffle(locations),
    function: rng.shuffle(functions),
    stringTable: strings,
    dropFrames: str(dropFrames),
    keepFrames: str(keepFrames),
    timeNanos,
    durationNanos,
    periodType: period ? { type: str(period.type[0]), unit: str(period.type[1]) } : undefined,
    period: period?.value ?? 0,
    comment: comments.map(str),
    defaultSampleType: str(defaultType),
  });
  const used = new Set(locations.flatMap((l) => (l.line ?? []).map((ln) => Number(ln.functionId))));
  return {
    bytes: gzipSync(profile.encode()),
    sampleTypes: types.map(([t]) => t),
    functionNames: [...new Set(functions.filter((f) => used.has(Number(f.id))).map((f) => strings.strings[Number(f.name)]))],
  };
}

/** A plausible positive value for a sample of the given unit. */
function randomValue(rng: Rng, unit: string, period: number): number {
  switch (unit) {
    case 'nanoseconds':
      return rng.chance(0.7) && period > 0 ? rng.int(1, 50) * period : rng.int(1, 10_000_000_000);
    case 'bytes':
      return rng.pick([8, 16, 64, 512, 4096, 65536, 1 << 20]) * rng.int(1, rng.chance(0.05) ? 1 << 20 : 64);
    default:
      return rng.chance(0.9) ? rng.int(1, 100) : rng.int(1, 1_000_000);
  }
}

/** Escapes a string for a Go (RE2) regular expression. */
function escapeRegExp(s: string): string {
  return s.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&');
}
