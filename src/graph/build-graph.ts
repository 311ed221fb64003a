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

  // Edges: id by (src, dst), with a one-entry cache per source node.
  const edgeIds = new Map<number, number>();
  const lastDst = new Int32Array(nNodes).fill(-1);
  const lastEdge = new Int32Array(nNodes);
  const eSrc: number[] = [];
  const eDst: number[] = [];
  const eW: number[] = [];
  const eWDiv: number[] = [];
  const eResidual: number[] = [];
  const eInline: number[] = [];
  const eStamp: number[] = [];

  const tags = src.hasTags ? new TagAccumulator(src, nNodes) : undefined;

  for (let s = 0; s < count; s++) {
    const w = values[s * stride + vi];
    const dw = mi >= 0 ? values[s * stride + mi] : 0;
    if (w === 0 && dw === 0) continue;
    const set = labelSet[s];
    let parent = -1;
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
          if (tags !== undefined) tags.add(n, set, w, dw, false);
        }
        if (parent >= 0 && n !== parent) {
          let e: number;
          if (lastDst[parent] === n) e = lastEdge[parent];
          else {
            const key = parent * nNodes + n;
            const found = edgeIds.get(key);
            if (found === undefined) {
              e = eSrc.length;
              edgeIds.set(key, e);
              eSrc.push(parent);
              eDst.push(n);
              eW.push(0);
              eWDiv.push(0);
              eResidual.push(0);
              eInline.push(1);
              eStamp.push(-1);
            } else e = found;
            lastDst[parent] = n;
            lastEdge[parent] = e;
          }
          if (eStamp[e] !== s) {
            eStamp[e] = s;
            eW[e] += w;
            eWDiv[e] += dw;
            if (residual) eResidual[e] = 1;
            if (ni === hi) eInline[e] = 0;
          }
        }
        parent = n;
        residual = false;
      }
    }
    if (parent >= 0 && !residual) {
      flat[parent] += w;
      flatDiv[parent] += dw;
      if (tags !== undefined) tags.add(parent, set, w, dw, true);
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
  for (let e = 0; e < eSrc.length; e++) {
    const from = node(eSrc[e]);
    const to = node(eDst[e]);
    const edge: GraphEdge = {
      src: from,
      dest: to,
      weight: eW[e],
      weightDiv: eWDiv[e],
      residual: eResidual[e] === 1,
      inline: eInline[e] === 1,
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

/** pprof's isNegative for -drop_negative. */
function isNegative(n: GraphNode): boolean {
  return n.flat < 0 || (n.flat === 0 && n.cum < 0);
}

/**
 * Per-node tag sums, keyed by (node, tag kind). Each sample adds to the
 * label tag and numeric tags of its label set, on every node of its stack
 * (cum) and on its leaf (flat).
 */
class TagAccumulator {
  readonly #src: GraphSource;
  readonly #kinds: number;
  readonly #index = new Map<number, number>();
  readonly #node: number[] = [];
  readonly #kind: number[] = [];
  readonly #value: number[] = [];
  readonly #flat: number[] = [];
  readonly #flatDiv: number[] = [];
  readonly #cum: number[] = [];
  readonly #cumDiv: number[] = [];

  constructor(src: GraphSource, _nNodes: number) {
    this.#src = src;
    this.#kinds = src.tagKinds.length;
  }

  add(n: number, set: number, w: number, dw: number, flat: boolean): void {
    const src = this.#src;
    const lk = src.labelKindOf[set];
    if (lk >= 0) this.#bump(n, lk, 0, w, dw, flat);
    for (let j = src.numStart[set], end = src.numStart[set + 1]; j < end; j++) {
      this.#bump(n, src.numKind[j], src.numValue[j], w, dw, flat);
    }
  }

  #bump(n: number, kind: number, value: number, w: number, dw: number, flat: boolean): void {
    const key = n * this.#kinds + kind;
    let a = this.#index.get(key);
    if (a === undefined) {
      a = this.#node.length;
      this.#index.set(key, a);
      this.#node.push(n);
      this.#kind.push(kind);
      this.#value.push(value);
      this.#flat.push(0);
      this.#flatDiv.push(0);
      this.#cum.push(0);
      this.#cumDiv.push(0);
    }
    if (flat) {
      this.#flat[a] += w;
      this.#flatDiv[a] += dw;
    } else {
      this.#cum[a] += w;
      this.#cumDiv[a] += dw;
    }
  }

  materialise(node: (id: number) => GraphNode): void {
    const kinds = this.#src.tagKinds;
    for (let a = 0; a < this.#node.length; a++) {
      const k = kinds[this.#kind[a]];
      const n = node(this.#node[a]);
      const tag: Tag = {
        name: k.name,
        unit: k.unit,
        value: this.#value[a],
        flat: this.#flat[a],
        flatDiv: this.#flatDiv[a],
        cum: this.#cum[a],
        cumDiv: this.#cumDiv[a],
      };
      if (!k.numeric) n.labelTags.set(k.name, tag);
      else {
        let m = n.numericTags.get(k.labels);
        if (m === undefined) {
          m = new Map();
          n.numericTags.set(k.labels, m);
        }
        m.set(k.name, tag);
      }
    }
  }
}
