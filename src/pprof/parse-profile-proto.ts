/**
 * The streaming profile.proto decoder: raw (uncompressed) bytes → Profile.
 *
 * Two passes over the bytes: pass 1 (read-profile-tables.ts) decodes the
 * string table, mappings, functions and locations and counts the samples;
 * pass 2 (decode-samples.ts) fills the typed sample arrays directly. Between
 * them, string indices and ids are resolved and checked as Go's pprof does
 * (profile.Parse + CheckValid): string_table[0] must be "", ids must be
 * non-zero and unique, references must point at something that exists.
 */
import { GopprofError } from '../errors.ts';
import { DEFAULT_MAX_DECOMPRESSED_BYTES, DEFAULT_MAX_TABLE_ENTRIES } from './decode-options.ts';
import { decodeSamples, type LocationLookup } from './decode-samples.ts';
import { LabelInterner } from './label-interner.ts';
import type { Location, Mapping, Profile, ProfileFunction, ValueType } from './profile.ts';
import { ProtobufReader } from './protobuf-reader.ts';
import { type RawProfileTables, readProfileTables } from './read-profile-tables.ts';
import type { RawValueType } from './read-table-entries.ts';

/**
 * Decodes uncompressed profile.proto bytes into the Profile model. The
 * sample columns may take at most `maxSampleBytes` (the decoder passes its
 * maxDecompressedBytes).
 */
export function parseProfileProto(
  raw: Uint8Array,
  maxTableEntries: number = DEFAULT_MAX_TABLE_ENTRIES,
  maxSampleBytes: number = DEFAULT_MAX_DECOMPRESSED_BYTES,
): Profile {
  const r = new ProtobufReader(raw);
  const t = readProfileTables(r, maxTableEntries);
  const strings = t.strings;
  if (strings.length === 0) throw invalid('the string table is empty (string_table[0] must be "")');
  if (strings[0] !== '') throw invalid(`string_table[0] must be "", got ${JSON.stringify(strings[0].slice(0, 40))}`);
  const str = (index: number, what: string): string => {
    if (index < strings.length) return strings[index];
    throw invalid(`${what}: string index ${index} is out of range (${strings.length} strings)`);
  };
  const valueType = (v: RawValueType, what: string): ValueType => ({
    type: str(v.type, `${what} type`),
    unit: str(v.unit, `${what} unit`),
  });

  const sampleTypes = t.sampleTypes.map((v) => valueType(v, 'sample_type'));
  const { mappings, mappingById } = resolveMappings(t, str);
  const { functions, functionById } = resolveFunctions(t, str);
  const { locations, lookup } = resolveLocations(t, mappingById, functionById);

  const nTypes = sampleTypes.length;
  if (nTypes === 0 && t.sampleCount > 0) throw invalid(`the profile has ${t.sampleCount} samples but no sample types`);
  // Every value takes at least a byte, so this bounds the values array by the
  // input size: many empty samples times many sample types must not allocate gigabytes.
  if (t.sampleCount * nTypes > t.sampleBytes) {
    throw invalid(
      `${t.sampleCount} samples × ${nTypes} sample types need at least ${t.sampleCount * nTypes} bytes of values, but all samples together have ${t.sampleBytes} bytes`,
    );
  }
  // A value is 8 bytes in the model but can be 1 byte of input, a location id 4 for 1: a gzip
  // bomb of zero-valued samples under the byte cap would still allocate 8 × the cap (4 GB at
  // the default). Real profiles need about 2 bytes per input byte (a 38 MB heap profile, 82 MB).
  const sampleArrayBytes = t.sampleCount * (nTypes * 8 + 8) + t.locationIdCount * 4 + 4;
  if (sampleArrayBytes > maxSampleBytes) {
    throw new GopprofError(
      'PROFILE_TOO_LARGE',
      `the profile's ${t.sampleCount} samples (${nTypes} values each, ${t.locationIdCount} frames in all) would take ${sampleArrayBytes} bytes decoded, more than the cap of ${maxSampleBytes} bytes (maxDecompressedBytes)`,
      { details: { maxDecompressedBytes: maxSampleBytes, samples: t.sampleCount, sampleTypes: nTypes } },
    );
  }
  const interner = new LabelInterner(strings, maxTableEntries - t.entries, maxTableEntries);
  const samples = decodeSamples(r, t.sampleCount, t.locationIdCount, nTypes, lookup, interner);

  return {
    sampleTypes,
    defaultSampleType: str(t.defaultSampleType, 'default_sample_type'),
    samples,
    labelSets: interner.labelSets,
    mappings,
    locations,
    functions,
    dropFrames: str(t.dropFrames, 'drop_frames'),
    keepFrames: str(t.keepFrames, 'keep_frames'),
    timeNanos: t.timeNanos,
    durationNanos: t.durationNanos,
    periodType: t.periodType === undefined ? undefined : valueType(t.periodType, 'period_type'),
    period: exact(t.period, 'period'),
    comments: t.comments.map((c) => str(c, 'comment')),
  };
}

type Str = (index: number, what: string) => string;

function resolveMappings(t: RawProfileTables, str: Str) {
  const mappingById = new Map<number, Mapping>();
  const mappings = t.mappings.map((m): Mapping => {
    const id = checkId(m.id, 'mapping', mappingById);
    const mapping: Mapping = {
      id,
      start: m.start,
      limit: m.limit,
      offset: m.offset,
      file: str(m.file, `mapping ${id} filename`),
      buildId: str(m.buildId, `mapping ${id} build_id`),
      hasFunctions: m.hasFunctions,
      hasFilenames: m.hasFilenames,
      hasLineNumbers: m.hasLineNumbers,
      hasInlineFrames: m.hasInlineFrames,
    };
    mappingById.set(id, mapping);
    return mapping;
  });
  return { mappings, mappingById };
}

function resolveFunctions(t: RawProfileTables, str: Str) {
  const functionById = new Map<number, ProfileFunction>();
  const functions = t.functions.map((f): ProfileFunction => {
    const id = checkId(f.id, 'function', functionById);
    const fn: ProfileFunction = {
      id,
      name: str(f.name, `function ${id} name`),
      systemName: str(f.systemName, `function ${id} system_name`),
      filename: str(f.filename, `function ${id} filename`),
      startLine: exact(f.startLine, `function ${id} start_line`),
    };
    functionById.set(id, fn);
    return fn;
  });
  return { functions, functionById };
}

function resolveLocations(
  t: RawProfileTables,
  mappingById: ReadonlyMap<number, Mapping>,
  functionById: ReadonlyMap<number, ProfileFunction>,
): { locations: Location[]; lookup: LocationLookup } {
  const indexById = new Map<number, number>();
  let maxId = 0;
  const locations = t.locations.map((l, index): Location => {
    const id = checkId(l.id, 'location', indexById);
    indexById.set(id, index);
    if (id > maxId) maxId = id;
    const mapping = l.mappingId === 0 ? undefined : mappingById.get(l.mappingId);
    if (l.mappingId !== 0 && mapping === undefined) {
      throw invalid(`location ${id} references unknown mapping id ${l.mappingId}`);
    }
    const lines = [];
    for (let j = 0; j < l.lines.length; j += 2) {
      const functionId = l.lines[j];
      const fn = functionId === 0 ? undefined : functionById.get(functionId);
      if (functionId !== 0 && fn === undefined) {
        throw invalid(`location ${id} references unknown function id ${functionId}`);
      }
      lines.push({ function: fn, line: exact(l.lines[j + 1], `location ${id} line`) });
    }
    return { id, mapping, address: l.address, lines, isFolded: l.isFolded };
  });
  // Go numbers locations 1..n: a dense table then costs 4 bytes per location
  // and saves a hash lookup per stack frame. Sparse ids fall back to the Map.
  const denseLength = maxId < 4 * locations.length + 1024 ? maxId + 1 : 0;
  const dense = new Uint32Array(denseLength);
  const sparse = new Map<number, number>();
  for (const [id, index] of indexById) {
    if (id < denseLength) dense[id] = index + 1;
    else sparse.set(id, index);
  }
  return { locations, lookup: { dense, sparse } };
}

function checkId(id: number, what: string, seen: ReadonlyMap<number, unknown>): number {
  if (id === 0) throw invalid(`found ${what} with reserved id 0`);
  if (id === Number.POSITIVE_INFINITY) throw invalid(`${what} id exceeds 2^53`);
  if (seen.has(id)) throw invalid(`duplicate ${what} id ${id}`);
  return id;
}

/** int64 fields other than sample values come out NaN when they do not fit a float64 exactly. */
function exact(v: number, what: string): number {
  if (Number.isNaN(v)) throw new GopprofError('PROFILE_VALUE_RANGE', `${what} does not fit a float64 exactly (|v| > 2^53)`);
  return v;
}

function invalid(message: string): GopprofError {
  return new GopprofError('PROFILE_INVALID', message);
}
