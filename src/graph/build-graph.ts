/**
 * buildGraph: samples → call graph, pprof's graph.newGraph.
 *
 * For each sample the stack is walked from the root: every distinct node
 * gets the sample's value once in cum (recursion counts once), every distinct
 * caller→callee pair once on its edge, and the leaf-most kept node gets it in
 * flat. Frames of nodes outside `kept` are skipped and make the next edge
 * residual; when the leaf itself is skipped the flat value is lost, as in
 * pprof.
 *
 * The loop works on interned node ids and typed arrays (no per-sample
 * allocation); node and edge objects are made once at the end.
 */
import type { CallGraph, GraphEdge, GraphNode, Tag } from './call-graph.ts';
import type { GraphSource } from './graph-source.ts';
import { printableName } from './node-info.ts';
import { PairIndex } from './pair-index.ts';

/** What to add up and which nodes to keep. */
export interface BuildOptions {
  /** Index of the sample value to use. */
  readonly valueIndex: number;
  /** Index of the value to divide by (pprof's -mean), or -1. */
  readonly meanIndex: number;
  /** Drop nodes whose value is negative (pprof's -drop_negative). */
  readonly dropNegative: boolean;
  /** Node ids to keep (1 = kept); undefined keeps all. */
  readonly kept: Uint8Array | undefined;
  /** Only sum node values: no edges, no tags (for the first pass that just finds the cut-off). */
  readonly nodesOnly?: boolean;
}

/** A built graph and every node created (also those not selected, which edges may still point to). */
export interface BuiltGraph extends CallGraph {
  /** Node object by node id, undefined for ids that never appeared. */
  readonly byId: readonly (GraphNode | undefined)[];
}

/** Builds the graph of `src` (see the file comment). */
export function buildGraph(src: GraphSource, o: BuildOptions): BuiltGraph {
  const { profile, locStart, locNodes } = src;
  const nNodes = src.infos.length;
  const { count, locationOffsets, locationIndex, values, labelSet } = profile.samples;
  const stride = profile.sampleTypes.length;
  const vi = o.valueIndex;
  const mi = o.meanIndex;
  const kept = o.kept;

  // Which node id each location line maps to in this build (-1: not kept).
  const lineNode = kept === undefined ? locNodes : locNodes.map((id) => (kept[id] === 1 ? id : -1));

  const flat = new Float64Array(nNodes);
  const flatDiv = new Float64Array(nNodes);
  const cum = new Float64Array(nNodes);
  const cumDiv = new Float64Array(nNodes);
  const present = new Uint8Array(nNodes);
  const nodeStamp = new Int32Array(nNodes).fill(-1);

  // Edges: index by (src, dst), with a one-entry cache per caller frame position
  // (a call site nearly always calls the same callee, so the cache almost always hits).
  const edgeIds = new PairIndex(nNodes * 4);
  const siteDst = new Int32Array(lineNode.length).fill(-1);
  const siteEdge = new Int32Array(lineNode.length);
  const e = new EdgeColumns(nNodes * 4);
  // Local views of the columns, refreshed when they grow (keeps the hot loop free of property loads).
  let eStamp = e.stamp;
  let eWeight = e.weight;
  let eWeightDiv = e.weightDiv;
  let eResidual = e.residual;
  let eInline = e.inline;

  if (o.nodesOnly === true) return sumNodesOnly(src, o, lineNode);
  const tags = src.hasTags ? new TagAccumulator(src, nNodes) : undefined;
  const tagged = tags?.tagged;
  const dense = tags?.dense;

  for (let s = 0; s < count; s++) {
    const w = values[s * stride + vi];
    const dw = mi >= 0 ? values[s * stride + mi] : 0;
    if (w === 0 && dw === 0) continue;
    const set = labelSet[s];
    const withTags = tagged !== undefined && tagged[set] === 1;
    const setBase = set * nNodes;
    let parent = -1;
    let parentSite = -1;
    let residual = false;
    const first = locationOffsets[s];
    for (let i = locationOffsets[s + 1] - 1; i >= first; i--) {
      const loc = locationIndex[i];
      const lo = locStart[loc];
      const hi = locStart[loc + 1] - 1;
      for (let ni = hi; ni >= lo; ni--) {
        const n = lineNode[ni];
        if (n < 0) {
          residual = true;
          continue;
        }
        if (nodeStamp[n] !== s) {
          nodeStamp[n] = s;
          present[n] = 1;
          cum[n] += w;
          cumDiv[n] += dw;
          if (withTags) {
            if (dense !== undefined) {
              const c = setBase + n;
              if (dense.first[c] < 0) dense.first[c] = s;
              dense.cum[c] += w;
              if (dw !== 0) dense.cumDiv[c] += dw;
            } else tags!.addCum(n, set, s, w, dw);
          }
        }
        if (parent >= 0 && n !== parent) {
          let id: number;
          if (siteDst[parentSite] === n) id = siteEdge[parentSite];
          else {
            id = edgeIds.get(parent, n);
            if (id < 0) {
              id = e.add(parent, n);
              edgeIds.set(parent, n, id);
              eStamp = e.stamp;
              eWeight = e.weight;
              eWeightDiv = e.weightDiv;
              eResidual = e.residual;
              eInline = e.inline;
            }
            siteDst[parentSite] = n;
            siteEdge[parentSite] = id;
          }
          if (eStamp[id] !== s) {
            eStamp[id] = s;
            eWeight[id] += w;
            eWeightDiv[id] += dw;
            if (residual) eResidual[id] = 1;
            if (ni === hi) eInline[id] = 0;
          }
        }
        parent = n;
        parentSite = ni;
        residual = false;
      }
    }
    if (parent >= 0 && !residual) {
      flat[parent] += w;
      flatDiv[parent] += dw;
      if (withTags) tags!.addFlat(parent, set, s, w, dw);
    }
  }

  // Materialise: one object per node that appeared, edges in creation order.
  const byId: (GraphNode | undefined)[] = new Array(nNodes);
  const node = (id: number): GraphNode => {
    let n = byId[id];
    if (n === undefined) {
      const info = src.infos[id];
      n = {
        info,
        name: printableName(info),
        flat: flat[id],
        flatDiv: flatDiv[id],
        cum: cum[id],
        cumDiv: cumDiv[id],
        in: new Map(),
        out: new Map(),
        labelTags: new Map(),
        numericTags: new Map(),
      };
      byId[id] = n;
    }
    return n;
  };
  for (let id = 0; id < nNodes; id++) if (present[id] === 1) node(id);
  for (let id = 0; id < e.count; id++) {
    const from = node(e.src[id]);
    const to = node(e.dst[id]);
    const edge: GraphEdge = {
      src: from,
      dest: to,
      weight: e.weight[id],
      weightDiv: e.weightDiv[id],
      residual: e.residual[id] === 1,
      inline: e.inline[id] === 1,
    };
    from.out.set(to, edge);
    to.in.set(from, edge);
  }
  tags?.materialise(node);

  const nodes: GraphNode[] = [];
  for (let id = 0; id < nNodes; id++) {
    const n = byId[id];
    if (n === undefined || present[id] === 0) continue;
    if (n.cum === 0 && n.flat === 0) continue;
    if (o.dropNegative && isNegative(n)) continue;
    nodes.push(n);
  }
  return { nodes, byId };
}

/** The nodes of a graph with their flat and cum values only (see BuildOptions.nodesOnly). */
function sumNodesOnly(src: GraphSource, o: BuildOptions, lineNode: Int32Array): BuiltGraph {
  const { profile, locStart } = src;
  const nNodes = src.infos.length;
  const { count, locationOffsets, locationIndex, values } = profile.samples;
  const stride = profile.sampleTypes.length;
  const flat = new Float64Array(nNodes);
  const flatDiv = new Float64Array(nNodes);
  const cum = new Float64Array(nNodes);
  const cumDiv = new Float64Array(nNodes);
  const nodeStamp = new Int32Array(nNodes).fill(-1);
  for (let s = 0; s < count; s++) {
    const w = values[s * stride + o.valueIndex];
    const dw = o.meanIndex >= 0 ? values[s * stride + o.meanIndex] : 0;
    if (w === 0 && dw === 0) continue;
    let leaf = -1;
    let residual = false;
    const first = locationOffsets[s];
    for (let i = locationOffsets[s + 1] - 1; i >= first; i--) {
      const loc = locationIndex[i];
      for (let ni = locStart[loc + 1] - 1, lo = locStart[loc]; ni >= lo; ni--) {
        const n = lineNode[ni];
        if (n < 0) {
          residual = true;
          continue;
        }
        if (nodeStamp[n] !== s) {
          nodeStamp[n] = s;
          cum[n] += w;
          cumDiv[n] += dw;
        }
        leaf = n;
        residual = false;
      }
    }
    if (leaf >= 0 && !residual) {
      flat[leaf] += w;
      flatDiv[leaf] += dw;
    }
  }
  const byId: (GraphNode | undefined)[] = new Array(nNodes);
  const nodes: GraphNode[] = [];
  for (let id = 0; id < nNodes; id++) {
    if (nodeStamp[id] < 0) continue;
    const info = src.infos[id];
    const n: GraphNode = {
      info,
      name: printableName(info),
      flat: flat[id],
      flatDiv: flatDiv[id],
      cum: cum[id],
      cumDiv: cumDiv[id],
      in: new Map(),
      out: new Map(),
      labelTags: new Map(),
      numericTags: new Map(),
    };
    byId[id] = n;
    if (n.cum === 0 && n.flat === 0) continue;
    if (o.dropNegative && isNegative(n)) continue;
    nodes.push(n);
  }
  return { nodes, byId };
}

/** pprof's isNegative for -drop_negative. */
function isNegative(n: GraphNode): boolean {
  return n.flat < 0 || (n.flat === 0 && n.cum < 0);
}

/** Edge sums in growable typed columns. */
class EdgeColumns {
  count = 0;
  src: Int32Array;
  dst: Int32Array;
  weight: Float64Array;
  weightDiv: Float64Array;
  residual: Uint8Array;
  inline: Uint8Array;
  stamp: Int32Array;

  constructor(capacity: number) {
    const cap = Math.max(16, capacity);
    this.src = new Int32Array(cap);
    this.dst = new Int32Array(cap);
    this.weight = new Float64Array(cap);
    this.weightDiv = new Float64Array(cap);
    this.residual = new Uint8Array(cap);
    this.inline = new Uint8Array(cap);
    this.stamp = new Int32Array(cap);
  }

  /** A new edge from `a` to `b` with zero weight, not residual, inline until a non-inline call is seen. */
  add(a: number, b: number): number {
    if (this.count === this.src.length) this.#grow();
    const id = this.count++;
    this.src[id] = a;
    this.dst[id] = b;
    this.inline[id] = 1;
    this.stamp[id] = -1;
    return id;
  }

  #grow(): void {
    const cap = this.src.length * 2;
    const g = <T extends Int32Array | Float64Array | Uint8Array>(a: T): T => {
      const next = new (a.constructor as new (n: number) => T)(cap);
      next.set(a);
      return next;
    };
    this.src = g(this.src);
    this.dst = g(this.dst);
    this.weight = g(this.weight);
    this.weightDiv = g(this.weightDiv);
    this.residual = g(this.residual);
    this.inline = g(this.inline);
    this.stamp = g(this.stamp);
  }
}

/** Cells (node × label set) up to which sums are kept in dense arrays rather than a map. */
const DENSE_TAG_CELLS = 1 << 20;

/**
 * Per-node tag sums. Every frame of a sample adds the same label set, so
 * sums are kept per (node, label set) cell — one array slot per frame — and
 * expanded into the set's label tag and numeric tags at the end. A cell
 * remembers the first sample that touched it: a numeric tag keeps the raw
 * value of the first sample that created it, as in pprof.
 */
class TagAccumulator {
  /** 1 for label sets that carry tags. */
  readonly tagged: Uint8Array;
  readonly #src: GraphSource;
  readonly #nNodes: number;
  readonly #dense: boolean;
  readonly #index = new Map<number, number>();
  #count = 0;
  #cell: Float64Array;
  #first: Int32Array;
  #flat: Float64Array;
  #flatDiv: Float64Array;
  #cum: Float64Array;
  #cumDiv: Float64Array;

  constructor(src: GraphSource, nNodes: number) {
    this.#src = src;
    const nSets = src.labelKindOf.length;
    this.#nNodes = nNodes;
    this.tagged = new Uint8Array(nSets);
    for (let s = 0; s < nSets; s++) {
      if (src.labelKindOf[s] >= 0 || src.numStart[s + 1] > src.numStart[s]) this.tagged[s] = 1;
    }
    this.#dense = nNodes * nSets <= DENSE_TAG_CELLS;
    const cap = this.#dense ? nNodes * nSets : 1024;
    this.#cell = new Float64Array(this.#dense ? 0 : cap);
    this.#first = new Int32Array(cap).fill(-1);
    this.#flat = new Float64Array(cap);
    this.#flatDiv = new Float64Array(cap);
    this.#cum = new Float64Array(cap);
    this.#cumDiv = new Float64Array(cap);
  }

  /** The cell arrays when they are dense (cell = set × nodes + node), for the builder's hot loop. */
  get dense(): { first: Int32Array; cum: Float64Array; cumDiv: Float64Array } | undefined {
    return this.#dense ? { first: this.#first, cum: this.#cum, cumDiv: this.#cumDiv } : undefined;
  }

  addCum(n: number, set: number, s: number, w: number, dw: number): void {
    const c = this.#slot(set * this.#nNodes + n);
    if (this.#first[c] < 0) this.#first[c] = s;
    this.#cum[c] += w;
    this.#cumDiv[c] += dw;
  }

  addFlat(n: number, set: number, s: number, w: number, dw: number): void {
    const c = this.#slot(set * this.#nNodes + n);
    if (this.#first[c] < 0) this.#first[c] = s;
    this.#flat[c] += w;
    this.#flatDiv[c] += dw;
  }

  #slot(cell: number): number {
    if (this.#dense) return cell;
    let c = this.#index.get(cell);
    if (c === undefined) {
      c = this.#count++;
      if (c === this.#first.length) this.#grow();
      this.#index.set(cell, c);
      this.#cell[c] = cell;
    }
    return c;
  }

  #grow(): void {
    const cap = this.#first.length * 2;
    const g = <T extends Int32Array | Float64Array>(a: T, fill: number): T => {
      const next = new (a.constructor as new (n: number) => T)(cap);
      next.fill(fill);
      next.set(a);
      return next;
    };
    this.#cell = g(this.#cell, 0);
    this.#first = g(this.#first, -1);
    this.#flat = g(this.#flat, 0);
    this.#flatDiv = g(this.#flatDiv, 0);
    this.#cum = g(this.#cum, 0);
    this.#cumDiv = g(this.#cumDiv, 0);
  }

  /** Creates the Tag objects on the nodes, in the order pprof would have created them. */
  materialise(node: (id: number) => GraphNode): void {
    const src = this.#src;
    const nNodes = this.#nNodes;
    const used: number[] = [];
    const n = this.#dense ? this.#first.length : this.#count;
    for (let c = 0; c < n; c++) if (this.#first[c] >= 0) used.push(c);
    used.sort((a, b) => this.#first[a] - this.#first[b]);
    for (const c of used) {
      const cell = this.#dense ? c : this.#cell[c];
      const id = cell % nNodes;
      const set = (cell - id) / nNodes;
      const gn = node(id);
      const lk = src.labelKindOf[set];
      if (lk >= 0) this.#addTo(gn, lk, 0, c);
      for (let j = src.numStart[set], end = src.numStart[set + 1]; j < end; j++) {
        this.#addTo(gn, src.numKind[j], src.numValue[j], c);
      }
    }
  }

  #addTo(gn: GraphNode, kind: number, value: number, c: number): void {
    const k = this.#src.tagKinds[kind];
    let map: Map<string, Tag>;
    if (!k.numeric) map = gn.labelTags;
    else {
      let m = gn.numericTags.get(k.labels);
      if (m === undefined) {
        m = new Map();
        gn.numericTags.set(k.labels, m);
      }
      map = m;
    }
    let tag = map.get(k.name);
    if (tag === undefined) {
      tag = { name: k.name, unit: k.unit, value, flat: 0, flatDiv: 0, cum: 0, cumDiv: 0 };
      map.set(k.name, tag);
    }
    tag.flat += this.#flat[c];
    tag.flatDiv += this.#flatDiv[c];
    tag.cum += this.#cum[c];
    tag.cumDiv += this.#cumDiv[c];
  }
}
