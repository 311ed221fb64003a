/**
 * Node orderings of pprof (graph.Nodes.Sort): entropy for DOT, cum or flat
 * for text reports.
 *
 * Every ordering ends in a comparison of fmt.Sprint(NodeInfo), which is
 * unique per node, so the order is total and does not depend on the sort
 * algorithm (Go's sort.Sort is not stable).
 */
import type { GraphEdge, GraphNode } from './call-graph.ts';
import { goLog2 } from './go-math.ts';
import { compareGoStrings } from './go-strings.ts';
import { sprintNodeInfo } from './node-info.ts';

/** The orderings the reports use. */
export type NodeOrder = 'entropy' | 'cum' | 'flat';

/** Sorts `nodes` in place in pprof's order. */
export function sortNodes(nodes: GraphNode[], order: NodeOrder): void {
  if (order === 'flat') {
    nodes.sort((l, r) => {
      const lf = Math.abs(l.flat);
      const rf = Math.abs(r.flat);
      if (lf !== rf) return rf - lf;
      const c = compareGoStrings(l.name, r.name);
      if (c !== 0) return c;
      const lc = Math.abs(l.cum);
      const rc = Math.abs(r.cum);
      if (lc !== rc) return rc - lc;
      return compareInfos(l, r);
    });
    return;
  }
  const score = new Map<GraphNode, Score>();
  for (const n of nodes) score.set(n, order === 'cum' ? absScore(n.cum) : entropyScore(n));
  nodes.sort((l, r) => {
    const c = compareAbsScores(score.get(r)!, score.get(l)!);
    if (c !== 0) return c;
    const nc = compareGoStrings(l.name, r.name);
    if (nc !== 0) return nc;
    const lf = Math.abs(l.flat);
    const rf = Math.abs(r.flat);
    if (lf !== rf) return rf - lf;
    return compareInfos(l, r);
  });
}

function compareInfos(l: GraphNode, r: GraphNode): number {
  return compareGoStrings(sprintNodeInfo(l.info), sprintNodeInfo(r.info));
}

/**
 * |score| as Go's abs64 sees it: a number when exact, else a bigint (a
 * score past 2^53, or Go's int64 wrap-around when the entropy is NaN).
 */
type Score = number | bigint;

const MIN_INT64 = -(2n ** 63n);
const TWO_63 = 2 ** 63;

function absScore(v: number): Score {
  return Math.abs(v);
}

function compareAbsScores(a: Score, b: Score): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const x = BigInt(a);
  const y = BigInt(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/**
 * pprof's entropyScore: nodes whose in/out edges spread the weight (high
 * entropy), entry nodes and leaves score higher than simple pass-through
 * nodes. Returns |int64(score*cum) + flat| with Go's int64 semantics.
 */
export function entropyScore(n: GraphNode): Score {
  let score = 0;
  if (n.in.size === 0) score++;
  else score += edgeEntropyScore(n.in, 0);
  if (n.out.size === 0) score++;
  else score += edgeEntropyScore(n.out, n.flat);
  const product = score * n.cum;
  if (Number.isNaN(product) || Math.abs(product) >= TWO_63) {
    // amd64 CVTTSD2SQ gives MinInt64 for NaN and overflow; then int64 wrap-around.
    return abs64(BigInt.asIntN(64, MIN_INT64 + BigInt(n.flat)));
  }
  const t = Math.trunc(product);
  const sum = t + n.flat;
  if (Number.isSafeInteger(sum) && Number.isSafeInteger(t)) return Math.abs(sum);
  return abs64(BigInt.asIntN(64, BigInt(t) + BigInt(n.flat)));
}

/** Go's abs64, including abs64(MinInt64) == MinInt64. */
function abs64(v: bigint): bigint {
  return v < 0n ? BigInt.asIntN(64, -v) : v;
}

/** Shannon entropy of the edge weights (plus `self`, the node's flat for outgoing edges). */
export function edgeEntropyScore(edges: ReadonlyMap<GraphNode, GraphEdge>, self: number): number {
  let score = 0;
  let total = self;
  for (const e of edges.values()) if (e.weight > 0) total += Math.abs(e.weight);
  if (total !== 0) {
    for (const e of edges.values()) {
      const frac = Math.abs(e.weight) / total;
      score += -frac * goLog2(frac);
    }
    if (self > 0) {
      const frac = Math.abs(self) / total;
      score += -frac * goLog2(frac);
    }
  }
  return score;
}
