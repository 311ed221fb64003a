/**
 * pprof's edge order (graph.edgeList.Less): heavier |weight| first, then by
 * source name, then by destination name.
 *
 * Quirk kept on purpose: edges whose weights differ only in sign compare as
 * equal (pprof checks `w1 != w2` before comparing absolute values), so their
 * relative order is unspecified in pprof; here it is the input order.
 */
import type { GraphEdge } from './call-graph.ts';
import { compareGoStrings } from './go-strings.ts';

/** Comparator for Array.prototype.sort (stable) implementing edgeList.Less. */
export function compareEdges(a: GraphEdge, b: GraphEdge): number {
  if (a.weight !== b.weight) return Math.abs(b.weight) - Math.abs(a.weight);
  const c = compareGoStrings(a.src.name, b.src.name);
  if (c !== 0) return c;
  return compareGoStrings(a.dest.name, b.dest.name);
}

/** The edges of a map (or any iterable) in pprof's order, as a new array. */
export function sortedEdges(edges: Iterable<GraphEdge>): GraphEdge[] {
  return Array.from(edges).sort(compareEdges);
}
