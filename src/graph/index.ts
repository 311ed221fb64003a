/**
 * src/graph/: Profile → call graph, with pprof's trimming and ordering.
 */
export type { CallGraph, GraphEdge, GraphNode, Tag } from './call-graph.ts';
export { type NodeInfo, nameComponents, nodeInfoKey, printableName, sprintNodeInfo } from './node-info.ts';
export { type GraphSource, type GraphSourceOptions, joinLabels, prepareGraphSource, type TagKind } from './graph-source.ts';
export { type BuildOptions, type BuiltGraph, buildGraph } from './build-graph.ts';
export { type TrimmedGraph, type TrimOptions, buildTrimmedGraph } from './trimmed-graph.ts';
export { edgeEntropyScore, entropyScore, type NodeOrder, sortNodes } from './sort-nodes.ts';
export { compareEdges, sortedEdges } from './sort-edges.ts';
export {
  MAX_NODELETS,
  nodesAboveCumCutoff,
  removeRedundantEdges,
  selectTopNodes,
  trimLowFrequencyEdges,
  trimLowFrequencyTags,
} from './trim-graph.ts';
export { shortenFunctionName } from './shorten-function-name.ts';
export { basePath, cleanPath } from './go-path.ts';
export { compareGoStrings, goLess } from './go-strings.ts';
export { fma, frexp, goExp, goLog, goLog2, goPow } from './go-math.ts';
export { divValue, mulQuo, quo, truncInt } from './int64.ts';
