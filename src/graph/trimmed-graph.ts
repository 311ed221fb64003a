/**
 * buildTrimmedGraph: pprof's report.newTrimmedGraph, the graph a DOT or top
 * report shows.
 *
 * 1. Build the full graph; cut-offs are fractions of the sum of its flat values.
 * 2. Drop nodes with |cum| below the node cut-off and rebuild (edges that
 *    skipped them become residual).
 * 3. Sort; keep the top `nodeCount` nodes (nodelets count against the budget
 *    in visual mode) and rebuild again.
 * 4. Drop light tags and edges; in visual mode remove redundant residual edges.
 */
import { type BuildOptions, type BuiltGraph, buildGraph } from './build-graph.ts';
import type { GraphNode } from './call-graph.ts';
import type { GraphSource } from './graph-source.ts';
import { truncInt } from './int64.ts';
import { type NodeOrder, sortNodes } from './sort-nodes.ts';
import {
  nodesAboveCumCutoff,
  removeRedundantEdges,
  selectTopNodes,
  trimLowFrequencyEdges,
  trimLowFrequencyTags,
} from './trim-graph.ts';

/** How much of the graph to keep. */
export interface TrimOptions {
  readonly valueIndex: number;
  readonly meanIndex: number;
  readonly dropNegative: boolean;
  /** Most nodes to keep; 0 keeps all. */
  readonly nodeCount: number;
  /** Drop nodes with |cum| below this fraction of the total. */
  readonly nodeFraction: number;
  /** Drop edges with |weight| below this fraction of the total. */
  readonly edgeFraction: number;
  /** DOT output: entropy order, nodelets count as nodes, redundant edges removed. */
  readonly visualMode: boolean;
  /** Order for non-visual reports: by cum instead of flat. */
  readonly cumSort: boolean;
}

/** The trimmed graph and the counts the legend reports. */
export interface TrimmedGraph {
  readonly graph: BuiltGraph;
  /** Nodes left after the cum cut-off, before the top-N selection. */
  readonly origCount: number;
  readonly droppedNodes: number;
  readonly droppedEdges: number;
  /** The cut-offs used (from the graph's own flat sum). */
  readonly nodeCutoff: number;
  readonly edgeCutoff: number;
}

/** Builds and trims the graph of `src` like pprof (see the file comment). */
export function buildTrimmedGraph(src: GraphSource, o: TrimOptions): TrimmedGraph {
  const build = (kept: Uint8Array | undefined, nodesOnly = false): BuiltGraph =>
    buildGraph(src, {
      valueIndex: o.valueIndex,
      meanIndex: o.meanIndex,
      dropNegative: o.dropNegative,
      kept,
      nodesOnly,
    } satisfies BuildOptions);
  const keptSet = (nodes: readonly GraphNode[], g: BuiltGraph): Uint8Array => {
    const ids = new Uint8Array(src.infos.length);
    const idOf = new Map<GraphNode, number>();
    g.byId.forEach((n, id) => {
      if (n !== undefined) idOf.set(n, id);
    });
    for (const n of nodes) ids[idOf.get(n)!] = 1;
    return ids;
  };

  // The first pass only needs node values: the cut-offs and which nodes survive them.
  const full = build(undefined, true);
  let totalValue = 0;
  for (const n of full.nodes) totalValue += n.flat;
  const nodeCutoff = Math.abs(truncInt(totalValue * o.nodeFraction));
  const edgeCutoff = Math.abs(truncInt(totalValue * o.edgeFraction));

  let droppedNodes = 0;
  let g: BuiltGraph | undefined;
  if (nodeCutoff > 0) {
    const kept = nodesAboveCumCutoff(full.nodes, nodeCutoff);
    if (kept.length !== full.nodes.length) {
      droppedNodes = full.nodes.length - kept.length;
      g = build(keptSet(kept, full));
    }
  }
  if (g === undefined) g = build(undefined);
  const origCount = g.nodes.length;

  const order: NodeOrder = o.visualMode ? 'entropy' : o.cumSort ? 'cum' : 'flat';
  sortNodes(g.nodes, order);
  if (o.nodeCount > 0) {
    trimLowFrequencyTags(g, nodeCutoff);
    trimLowFrequencyEdges(g, edgeCutoff);
    const kept = selectTopNodes(g, o.nodeCount, o.visualMode);
    if (kept.length !== g.nodes.length) {
      g = build(keptSet(kept, g));
      sortNodes(g.nodes, order);
    }
  }

  trimLowFrequencyTags(g, nodeCutoff);
  const droppedEdges = trimLowFrequencyEdges(g, edgeCutoff);
  if (o.visualMode) removeRedundantEdges(g);
  return { graph: g, origCount, droppedNodes, droppedEdges, nodeCutoff, edgeCutoff };
}
