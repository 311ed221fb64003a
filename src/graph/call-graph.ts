/**
 * The call graph: nodes (one per distinct NodeInfo), weighted edges between
 * callers and callees, and tags (labels and numeric labels such as allocation
 * sizes) attached to nodes.
 *
 * The shapes mirror pprof's graph.Node/Edge/Tag because the DOT and text
 * reports are defined in their terms. The graph is built and trimmed in
 * place by this package; consumers treat it as read-only.
 */
import type { NodeInfo } from './node-info.ts';

/** A sample annotation aggregated on a node: a label set ("key:value") or a numeric label value. */
export interface Tag {
  readonly name: string;
  /** The unit of a numeric tag ('' for label tags). */
  readonly unit: string;
  /** The raw value of a numeric tag (the first one seen with this name on the node). */
  readonly value: number;
  flat: number;
  flatDiv: number;
  cum: number;
  cumDiv: number;
}

/** An edge from a caller (src) to a callee (dest). */
export interface GraphEdge {
  src: GraphNode;
  readonly dest: GraphNode;
  weight: number;
  weightDiv: number;
  /** The edge skips frames that were dropped from the graph (drawn dotted). */
  residual: boolean;
  /** Every call along the edge was inlined into the caller. */
  inline: boolean;
}

/** A node of the call graph. */
export interface GraphNode {
  readonly info: NodeInfo;
  /** printableName(info), cached because sorting compares it often. */
  readonly name: string;
  flat: number;
  flatDiv: number;
  cum: number;
  cumDiv: number;
  /** Incoming edges keyed by their source. */
  readonly in: Map<GraphNode, GraphEdge>;
  /** Outgoing edges keyed by their destination. */
  readonly out: Map<GraphNode, GraphEdge>;
  /** Label tags keyed by their joined "key:value" string. */
  labelTags: Map<string, Tag>;
  /** Numeric tags grouped by the label string of their samples ('' for unlabelled). */
  numericTags: Map<string, Map<string, Tag>>;
}

/** The nodes of a graph, in report order once sorted. */
export interface CallGraph {
  nodes: GraphNode[];
}
