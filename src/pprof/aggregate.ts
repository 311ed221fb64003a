/**
 * aggregate: the report granularity (-functions, -lines, -files, …), pprof's
 * Profile.Aggregate as the driver calls it.
 *
 * What the granularity does not keep is blanked (function names, file
 * names, line numbers, addresses), so frames that differ only there become
 * the same graph node. With -noinlines only the outermost (physical)
 * function of each location stays.
 */
import { GopprofError } from '../errors.ts';
import type { Line, Location, Mapping, Profile, ProfileFunction } from './profile.ts';

/** The granularities of pprof. */
export type Granularity = 'functions' | 'filefunctions' | 'files' | 'lines' | 'addresses';

/** The granularity names, for validation and help texts. */
export const GRANULARITIES: readonly Granularity[] = ['functions', 'filefunctions', 'files', 'lines', 'addresses'];

/** Applies a granularity to `p` (see the file comment); `p` is not modified. */
export function aggregate(p: Profile, granularity: Granularity, noInlines = false): Profile {
  const inlines = !noInlines;
  let fn = false;
  let file = false;
  let line = false;
  let addr = false;
  switch (granularity) {
    case 'addresses':
      if (inlines) return p;
      fn = file = line = addr = true;
      break;
    case 'lines':
      fn = file = line = true;
      break;
    case 'files':
      file = true;
      break;
    case 'functions':
      fn = true;
      break;
    case 'filefunctions':
      fn = file = true;
      break;
    default:
      throw new GopprofError(
        'OPTION_INVALID',
        `granularity ${JSON.stringify(granularity)} is not one of ${GRANULARITIES.join(', ')}`,
        { details: { option: 'granularity', value: String(granularity) } },
      );
  }
  return aggregateProfile(p, inlines, fn, file, line, addr);
}

/** pprof's Profile.Aggregate(inlineFrame, function, filename, linenumber, address). */
export function aggregateProfile(
  p: Profile,
  inlineFrame: boolean,
  keepFunction: boolean,
  keepFilename: boolean,
  keepLine: boolean,
  keepAddress: boolean,
): Profile {
  const mappings = new Map<Mapping, Mapping>();
  for (const m of p.mappings) {
    mappings.set(m, {
      ...m,
      hasInlineFrames: m.hasInlineFrames && inlineFrame,
      hasFunctions: m.hasFunctions && keepFunction,
      hasFilenames: m.hasFilenames && keepFilename,
      hasLineNumbers: m.hasLineNumbers && keepLine,
    });
  }
  const functions = new Map<ProfileFunction, ProfileFunction>();
  for (const f of p.functions) {
    functions.set(
      f,
      keepFunction && keepFilename
        ? f
        : {
            ...f,
            name: keepFunction ? f.name : '',
            systemName: keepFunction ? f.systemName : '',
            filename: keepFilename ? f.filename : '',
          },
    );
  }
  const mapFn = (f: ProfileFunction | undefined): ProfileFunction | undefined =>
    f === undefined ? undefined : (functions.get(f) ?? f);
  const locations: Location[] = p.locations.map((l) => {
    let lines: readonly Line[] = l.lines;
    if (!inlineFrame && lines.length > 1) lines = lines.slice(lines.length - 1);
    return {
      ...l,
      mapping: l.mapping === undefined ? undefined : (mappings.get(l.mapping) ?? l.mapping),
      address: keepAddress ? l.address : 0n,
      lines: lines.map((ln) => ({ function: mapFn(ln.function), line: keepLine ? ln.line : 0 })),
    };
  });
  return { ...p, mappings: [...mappings.values()], functions: [...functions.values()], locations };
}
