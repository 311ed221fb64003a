/**
 * The reference decoder: raw (uncompressed) profile.proto bytes → Profile, built
 * on pprof-format's object decoder. It is slow (seconds and hundreds of MB on a
 * 40 MB profile) and lenient about malformed protobuf, so production code uses
 * the streaming decoder in parse-profile-proto.ts; this one exists so tests can
 * check that the two agree on every real profile.
 */
import { Profile as PfProfile } from 'pprof-format';
import { GopprofError } from '../errors.ts';
import { labelSetKey, ownList } from './label-set-key.ts';
import {
  EMPTY_LABEL_SET,
  type LabelSet,
  type Line,
  type Location,
  type Mapping,
  type Profile,
  type ProfileFunction,
  type ValueType,
} from './profile.ts';

type Numeric = number | bigint;

const MAX_EXACT = 2n ** 53n;

/** Decodes raw profile.proto bytes with pprof-format and resolves them into the Profile model. */
export function decodeProfileReference(raw: Uint8Array): Profile {
  let p: PfProfile;
  try {
    p = PfProfile.decode(raw);
  } catch (err) {
    throw new GopprofError('PROFILE_PROTOBUF_CORRUPT', `cannot parse the profile protobuf: ${(err as Error).message}`, {
      cause: err,
    });
  }
  const strings = p.stringTable.strings;
  if (strings.length === 0 || strings[0] !== '') {
    throw invalid('string_table[0] must be ""');
  }
  const str = (x: Numeric, what: string): string => {
    const i = Number(x);
    if (!(i >= 0 && i < strings.length)) throw invalid(`${what}: string index ${x} out of range (${strings.length} strings)`);
    return strings[i];
  };
  const valueType = (v: { type: Numeric; unit: Numeric }, what: string): ValueType => ({
    type: str(v.type, `${what} type`),
    unit: str(v.unit, `${what} unit`),
  });

  const sampleTypes = p.sampleType.map((v) => valueType(v, 'sample_type'));

  const mappingById = new Map<number, Mapping>();
  const mappings = p.mapping.map((m): Mapping => {
    const id = idOf(m.id, 'mapping');
    if (mappingById.has(id)) throw invalid(`duplicate mapping id ${id}`);
    const mapping: Mapping = {
      id,
      start: u64(m.memoryStart),
      limit: u64(m.memoryLimit),
      offset: u64(m.fileOffset),
      file: str(m.filename, `mapping ${id} filename`),
      buildId: str(m.buildId, `mapping ${id} build_id`),
      hasFunctions: m.hasFunctions,
      hasFilenames: m.hasFilenames,
      hasLineNumbers: m.hasLineNumbers,
      hasInlineFrames: m.hasInlineFrames,
    };
    mappingById.set(id, mapping);
    return mapping;
  });

  const functionById = new Map<number, ProfileFunction>();
  const functions = p.function.map((f): ProfileFunction => {
    const id = idOf(f.id, 'function');
    if (functionById.has(id)) throw invalid(`duplicate function id ${id}`);
    const fn: ProfileFunction = {
      id,
      name: str(f.name, `function ${id} name`),
      systemName: str(f.systemName, `function ${id} system_name`),
      filename: str(f.filename, `function ${id} filename`),
      startLine: i64(f.startLine, `function ${id} start_line`),
    };
    functionById.set(id, fn);
    return fn;
  });

  const locationIndexById = new Map<number, number>();
  const locations = p.location.map((l, index): Location => {
    const id = idOf(l.id, 'location');
    if (locationIndexById.has(id)) throw invalid(`duplicate location id ${id}`);
    locationIndexById.set(id, index);
    const mappingId = Number(l.mappingId);
    const mapping = mappingId === 0 ? undefined : mappingById.get(mappingId);
    if (mappingId !== 0 && mapping === undefined) throw invalid(`location ${id} references unknown mapping id ${mappingId}`);
    const lines = l.line.map((ln): Line => {
      const functionId = Number(ln.functionId);
      const fn = functionId === 0 ? undefined : functionById.get(functionId);
      if (functionId !== 0 && fn === undefined) throw invalid(`location ${id} references unknown function id ${functionId}`);
      return { function: fn, line: i64(ln.line, `location ${id} line`) };
    });
    return { id, mapping, address: u64(l.address), lines, isFolded: l.isFolded };
  });

  const nTypes = sampleTypes.length;
  const count = p.sample.length;
  if (nTypes === 0 && count > 0) throw invalid(`the profile has ${count} samples but no sample types`);
  let totalLocations = 0;
  for (const s of p.sample) totalLocations += s.locationId.length;
  const locationOffsets = new Uint32Array(count + 1);
  const locationIndex = new Uint32Array(totalLocations);
  const values = new Float64Array(count * nTypes);
  const labelSet = new Uint32Array(count);
  const labelSets: LabelSet[] = [EMPTY_LABEL_SET];
  const labelSetByKey = new Map<string, number>([[labelSetKey(EMPTY_LABEL_SET), 0]]);
  let k = 0;
  p.sample.forEach((s, i) => {
    if (s.value.length !== nTypes) {
      throw invalid(`sample ${i} has ${s.value.length} values but the profile has ${nTypes} sample types`);
    }
    locationOffsets[i] = k;
    for (const raw of s.locationId) {
      const index = locationIndexById.get(Number(raw));
      if (index === undefined) throw invalid(`sample ${i} references unknown location id ${raw}`);
      locationIndex[k++] = index;
    }
    s.value.forEach((v, t) => {
      values[i * nTypes + t] = i64(v, `sample ${i} value`, 'PROFILE_VALUE_RANGE');
    });
    const labels: Record<string, string[]> = {};
    const numLabels: Record<string, number[]> = {};
    const numUnits: Record<string, string[]> = {};
    for (const label of s.label) {
      const key = str(label.key, `sample ${i} label key`);
      if (Number(label.str) !== 0) {
        ownList(labels, key).push(str(label.str, `sample ${i} label value`));
      } else if (Number(label.num) !== 0 || Number(label.numUnit) !== 0) {
        ownList(numLabels, key).push(i64(label.num, `sample ${i} label num`, 'PROFILE_VALUE_RANGE'));
        ownList(numUnits, key).push(str(label.numUnit, `sample ${i} label num_unit`));
      }
    }
    const set: LabelSet = { labels, numLabels, numUnits };
    const key = labelSetKey(set);
    let id = labelSetByKey.get(key);
    if (id === undefined) {
      id = labelSets.push(set) - 1;
      labelSetByKey.set(key, id);
    }
    labelSet[i] = id;
  });
  locationOffsets[count] = k;

  return {
    sampleTypes,
    defaultSampleType: str(p.defaultSampleType, 'default_sample_type'),
    samples: { count, locationOffsets, locationIndex, values, labelSet },
    labelSets,
    mappings,
    locations,
    functions,
    dropFrames: str(p.dropFrames, 'drop_frames'),
    keepFrames: str(p.keepFrames, 'keep_frames'),
    timeNanos: BigInt.asIntN(64, BigInt(p.timeNanos)),
    durationNanos: BigInt.asIntN(64, BigInt(p.durationNanos)),
    periodType: p.periodType === undefined ? undefined : valueType(p.periodType, 'period_type'),
    period: i64(p.period, 'period'),
    comments: p.comment.map((c) => str(c, 'comment')),
  };
}

function invalid(message: string): GopprofError {
  return new GopprofError('PROFILE_INVALID', message);
}

function u64(x: Numeric): bigint {
  return BigInt.asUintN(64, BigInt(x));
}

function i64(x: Numeric, what: string, code: 'PROFILE_VALUE_RANGE' | 'PROFILE_INVALID' = 'PROFILE_VALUE_RANGE'): number {
  const v = BigInt.asIntN(64, BigInt(x));
  if (v > MAX_EXACT || v < -MAX_EXACT) throw new GopprofError(code, `${what} ${v} does not fit a float64 exactly (|v| > 2^53)`);
  return Number(v);
}

function idOf(x: Numeric, what: string): number {
  const v = BigInt.asUintN(64, BigInt(x));
  if (v === 0n) throw invalid(`found ${what} with reserved id 0`);
  if (v > MAX_EXACT) throw invalid(`${what} id ${v} exceeds 2^53`);
  return Number(v);
}
