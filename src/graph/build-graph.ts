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
import type { CallGraph, GraphEdge, GraphNode } from './call-graph.ts';
import type { GraphSource } from './graph-source.ts';
import { EdgeColumns } from './edge-columns.ts';
import { newGraphNode } from './new-graph-node.ts';
import { PairIndex } from './pair-index.ts';
import { TagAccumulator } from './tag-accumulator.ts';

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
      n = newGraphNode(src.infos[id], flat[id], flatDiv[id], cum[id], cumDiv[id]);
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
    if (n !== undefined && present[id] === 1 && listed(n, o)) nodes.push(n);
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
    const n = newGraphNode(src.infos[id], flat[id], flatDiv[id], cum[id], cumDiv[id]);
    byId[id] = n;
    if (listed(n, o)) nodes.push(n);
  }
  return { nodes, byId };
}

/** Whether a built node goes in the graph's node list: it has a value, and not a negative one under -drop_negative. */
function listed(n: GraphNode, o: BuildOptions): boolean {
  if (n.cum === 0 && n.flat === 0) return false;
  return !(o.dropNegative && isNegative(n));
}

/** pprof's isNegative for -drop_negative. */
function isNegative(n: GraphNode): boolean {
  return n.flat < 0 || (n.flat === 0 && n.cum < 0);
}
