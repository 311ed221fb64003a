/**
 * newGraphNode: the one place a GraphNode is made, so every node has the
 * same fields in the same order (one object shape for the sorts and reports)
 * and its cached printable name.
 */
import type { GraphNode } from './call-graph.ts';
import { type NodeInfo, printableName } from './node-info.ts';

/** A node of `info` with these values, and no edges or tags yet. */
export function newGraphNode(info: NodeInfo, flat: number, flatDiv: number, cum: number, cumDiv: number): GraphNode {
  return {
    info,
    name: printableName(info),
    flat,
    flatDiv,
    cum,
    cumDiv,
    in: new Map(),
    out: new Map(),
    labelTags: new Map(),
    numericTags: new Map(),
  };
}
