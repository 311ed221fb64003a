/**
 * The trimming steps pprof applies between graph builds: cut-offs on node
 * cum, tag and edge weights, the top-N node selection, and the removal of
 * residual edges that another path already explains.
 */
import type { CallGraph, GraphNode, Tag } from './call-graph.ts';
import { sortedEdges } from './sort-edges.ts';

/** Nodelets per node, for labels and for numeric tags (pprof's maxNodelets). */
export const MAX_NODELETS = 4;

/** The nodes whose |cum| reaches `cutoff` (pprof's getNodesAboveCumCutoff). */
export function nodesAboveCumCutoff(nodes: readonly GraphNode[], cutoff: number): GraphNode[] {
  return nodes.filter((n) => Math.abs(n.cum) >= cutoff);
}

/** Keeps only tags whose |flat| or |cum| reaches `cutoff`, on every node. */
export function trimLowFrequencyTags(g: CallGraph, cutoff: number): void {
  for (const n of g.nodes) {
    n.labelTags = keepTags(n.labelTags, cutoff);
    for (const [label, tags] of n.numericTags) n.numericTags.set(label, keepTags(tags, cutoff));
  }
}

function keepTags(tags: Map<string, Tag>, cutoff: number): Map<string, Tag> {
  const kept = new Map<string, Tag>();
  for (const [name, t] of tags) if (Math.abs(t.flat) >= cutoff || Math.abs(t.cum) >= cutoff) kept.set(name, t);
  return kept;
}

/**
 * Removes incoming edges with |weight| below `cutoff` from every node of the
 * graph and returns how many were removed.
 */
export function trimLowFrequencyEdges(g: CallGraph, cutoff: number): number {
  let dropped = 0;
  for (const n of g.nodes) {
    for (const [src, e] of n.in) {
      if (Math.abs(e.weight) < cutoff) {
        n.in.delete(src);
        src.out.delete(n);
        dropped++;
      }
    }
  }
  return dropped;
}

/**
 * The first nodes of the sorted graph that fit in `maxNodes`. In visual mode
 * each node also spends budget on its (up to 4) nodelets, counted as the
 * tags with a non-zero flat value.
 */
export function selectTopNodes(g: CallGraph, maxNodes: number, visualMode: boolean): GraphNode[] {
  let limit = maxNodes;
  if (limit > 0 && visualMode) {
    let count = 0;
    for (let i = 0; i < g.nodes.length; i++) {
      count += Math.min(countTags(g.nodes[i]), MAX_NODELETS) + 1;
      if (count >= limit) {
        limit = i + 1;
        break;
      }
    }
  }
  return g.nodes.slice(0, Math.min(limit, g.nodes.length));
}

/** Tags with a flat value: what pprof counts as the nodelets of a node. */
function countTags(n: GraphNode): number {
  let count = 0;
  for (const t of n.labelTags.values()) if (t.flat !== 0) count++;
  for (const tags of n.numericTags.values()) for (const t of tags.values()) if (t.flat !== 0) count++;
  return count;
}

/**
 * Removes residual edges whose destination the source still reaches through
 * another path. Nodes are visited from the last (least important), their
 * incoming edges from the lightest, stopping at the first non-residual edge.
 */
export function removeRedundantEdges(g: CallGraph): void {
  for (let i = g.nodes.length - 1; i >= 0; i--) {
    const inEdges = sortedEdges(g.nodes[i].in.values());
    for (let j = inEdges.length - 1; j >= 0; j--) {
      const e = inEdges[j];
      if (!e.residual) break;
      if (isRedundantEdge(e.src, e.dest, e)) {
        e.src.out.delete(e.dest);
        e.dest.in.delete(e.src);
      }
    }
  }
}

/** Whether `src` reaches `dest` without `skip`, searching backwards from `dest`. */
function isRedundantEdge(src: GraphNode, dest: GraphNode, skip: unknown): boolean {
  const seen = new Set<GraphNode>([dest]);
  const queue: GraphNode[] = [dest];
  for (let q = 0; q < queue.length; q++) {
    for (const ie of queue[q].in.values()) {
      if (ie === skip || seen.has(ie.src)) continue;
      if (ie.src === src) return true;
      seen.add(ie.src);
      queue.push(ie.src);
    }
  }
  return false;
}
