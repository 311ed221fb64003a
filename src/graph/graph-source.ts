/**
 * GraphSource: everything about a profile the graph builder needs, computed
 * once per profile so that each (re)build is a tight loop over typed arrays.
 *
 * pprof rebuilds the graph from the samples up to three times while trimming;
 * the node identities (NodeInfo per location line) and the tags of each label
 * set do not change between builds, so they are interned here: every distinct
 * NodeInfo gets a small integer id, and each location maps to the ids of its
 * lines once, not once per sample.
 */
import { BASE_LABEL, type Profile } from '../pprof/index.ts';
import { compareGoStrings } from './go-strings.ts';
import { cleanPath } from './go-path.ts';
import { type NodeInfo, nodeInfoKey } from './node-info.ts';

/** How sample frames become nodes and how tags are named. */
export interface GraphSourceOptions {
  /** Formats a numeric tag value in its unit (pprof: measurement.ScaledLabel(v, unit, "minimum")). */
  readonly formatTag: (value: number, unit: string) => string;
  /** The unit of the `bytes` numeric label (pprof's NumLabelUnits()["bytes"]). */
  readonly bytesUnit: string;
  /** Rewrites a source file name before it becomes part of a node (pprof's trimPath). */
  readonly trimPath: (filename: string) => string;
}

/** The interned view of a profile the builder walks. */
export interface GraphSource {
  readonly profile: Profile;
  /** NodeInfo of each node id. */
  readonly infos: readonly NodeInfo[];
  /** Node ids of location l's lines: `locNodes[locStart[l] .. locStart[l+1])`, lines[0] (innermost) first. */
  readonly locStart: Int32Array;
  readonly locNodes: Int32Array;
  /** Joined label string of each tag kind id below `labelKinds`; '' is never a kind. */
  readonly tagKinds: readonly TagKind[];
  /** Per label set: its label tag kind id, or -1 when the set has no (non-base) labels. */
  readonly labelKindOf: Int32Array;
  /** Per label set: numeric tag kinds and values at `numKind/numValue[numStart[s] .. numStart[s+1])`. */
  readonly numStart: Int32Array;
  readonly numKind: Int32Array;
  readonly numValue: Float64Array;
  /** True when some label set carries a tag; lets the builder skip tag work entirely. */
  readonly hasTags: boolean;
}

/** One kind of tag: a label tag (numeric=false) or a numeric tag under a label string. */
export interface TagKind {
  readonly numeric: boolean;
  /** For numeric kinds, the label string of the samples ('' when unlabelled). */
  readonly labels: string;
  readonly name: string;
  readonly unit: string;
}

/** Interns the nodes and tags of `profile` (see GraphSource). */
export function prepareGraphSource(profile: Profile, options: GraphSourceOptions): GraphSource {
  const infos: NodeInfo[] = [];
  const ids = new Map<string, number>();
  const locs = profile.locations;
  const locStart = new Int32Array(locs.length + 1);
  let total = 0;
  for (let l = 0; l < locs.length; l++) {
    locStart[l] = total;
    total += Math.max(1, locs[l].lines.length);
  }
  locStart[locs.length] = total;
  const locNodes = new Int32Array(total);
  const fileCache = new Map<string, string>();
  const fileOf = (f: string): string => {
    let c = fileCache.get(f);
    if (c === undefined) {
      const t = options.trimPath(f);
      c = t === '' ? '' : cleanPath(t);
      fileCache.set(f, c);
    }
    return c;
  };
  for (let l = 0; l < locs.length; l++) {
    const loc = locs[l];
    const objfile = loc.mapping !== undefined ? loc.mapping.file : '';
    const lines = loc.lines;
    if (lines.length === 0) {
      locNodes[locStart[l]] = intern({ ...EMPTY_INFO, address: loc.address, objfile });
      continue;
    }
    for (let i = 0; i < lines.length; i++) {
      const fn = lines[i].function;
      let info: NodeInfo;
      if (fn === undefined) info = { ...EMPTY_INFO, address: loc.address, objfile };
      else {
        const file = fn.filename === '' ? '' : fileOf(fn.filename);
        const bare = fn.name === '';
        info = {
          name: fn.name,
          origName: '',
          address: loc.address,
          file,
          startLine: bare ? fn.startLine : 0,
          lineno: lines[i].line,
          objfile: bare ? objfile : '',
        };
      }
      locNodes[locStart[l] + i] = intern(info);
    }
  }

  function intern(info: NodeInfo): number {
    const key = nodeInfoKey(info);
    let id = ids.get(key);
    if (id === undefined) {
      id = infos.length;
      infos.push(info);
      ids.set(key, id);
    }
    return id;
  }

  return { profile, infos, locStart, locNodes, ...internTags(profile, options) };
}

const EMPTY_INFO: NodeInfo = { name: '', origName: '', address: 0n, file: '', startLine: 0, lineno: 0, objfile: '' };

type TagPart = Pick<GraphSource, 'tagKinds' | 'labelKindOf' | 'numStart' | 'numKind' | 'numValue' | 'hasTags'>;

function internTags(profile: Profile, options: GraphSourceOptions): TagPart {
  const sets = profile.labelSets;
  const tagKinds: TagKind[] = [];
  const kindIds = new Map<string, number>();
  const kind = (numeric: boolean, labels: string, name: string, unit: string): number => {
    const key = `${numeric ? 'n' : 'l'}\u0000${labels}\u0000${name}`;
    let id = kindIds.get(key);
    if (id === undefined) {
      id = tagKinds.length;
      tagKinds.push({ numeric, labels, name, unit });
      kindIds.set(key, id);
    }
    return id;
  };
  const labelKindOf = new Int32Array(sets.length).fill(-1);
  const numStart = new Int32Array(sets.length + 1);
  const numKind: number[] = [];
  const numValue: number[] = [];
  for (let s = 0; s < sets.length; s++) {
    numStart[s] = numKind.length;
    const set = sets[s];
    const labels = joinLabels(set.labels);
    if (labels !== '') labelKindOf[s] = kind(false, '', labels, '');
    const bytes = set.numLabels['bytes'];
    if (bytes !== undefined) {
      const unit = options.bytesUnit;
      for (const v of bytes) {
        numKind.push(kind(true, labels, options.formatTag(v, unit), unit));
        numValue.push(v);
      }
    }
  }
  numStart[sets.length] = numKind.length;
  return {
    tagKinds,
    labelKindOf,
    numStart,
    numKind: Int32Array.from(numKind),
    numValue: Float64Array.from(numValue),
    hasTags: tagKinds.length > 0,
  };
}

/**
 * pprof's joinLabels: every "key:value" of the sample's labels (without the
 * diff-base marker), sorted, joined by the two characters `\n`.
 */
export function joinLabels(labels: Readonly<Record<string, readonly string[]>>): string {
  const parts: string[] = [];
  for (const key of Object.keys(labels)) {
    if (key === BASE_LABEL) continue;
    for (const v of labels[key]) parts.push(`${key}:${v}`);
  }
  if (parts.length === 0) return '';
  parts.sort(compareGoStrings);
  return parts.join('\\n');
}
