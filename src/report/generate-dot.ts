/**
 * generateDot: a profile → the DOT text `go tool pprof -dot` prints (Go 1.19),
 * byte for byte.
 */
import { divValue, type GraphEdge, type GraphNode, mulQuo, sortedEdges } from '../graph/index.ts';
import type { Profile } from '../pprof/index.ts';
import { dotColor } from './dot-color.ts';
import { escapeForDot, multilinePrintableName } from './dot-label.ts';
import { reportLabels } from './legend.ts';
import { percentage } from '../measurement/index.ts';
import { nodelets } from './nodelets.ts';
import { prepareReport } from './prepare-report.ts';
import { type ReportGraph, reportGraph } from './report-graph.ts';
import { type ReportOptions, resolveReportOptions } from './report-options.ts';

/**
 * Builds the call graph of `profile` as pprof's DOT report. Applies the
 * profile's drop_frames first, as pprof does when reading a profile; combine
 * a base (combineProfiles) before calling this.
 */
export function generateDot(profile: Profile, options: Partial<ReportOptions> = {}): string {
  const o = resolveReportOptions(options);
  return composeDot(reportGraph(prepareReport(profile, o), true));
}

/** The DOT text of a report graph (pprof's GetDOT + ComposeDot). */
export function composeDot(r: ReportGraph): string {
  const { prepared, graph, formatValue } = r;
  const title = prepared.title;
  const total = prepared.total;
  const labels = reportLabels(r, r.trimmed.droppedEdges, true);
  let out = `digraph "${title === '' ? 'unnamed' : title}" {\n`;
  out += 'node [style=filled fillcolor="#f8f8f8"]\n';
  if (labels.length > 0) {
    out += `subgraph cluster_L { "${escapeForDot(labels[0])}" [shape=box fontsize=16`;
    out += ` label="${labels.map(escapeForDot).join('\\l')}\\l"`;
    if (title !== '') out += ` tooltip="${title}"`;
    out += '] }\n';
  }
  const nodes = graph.nodes;
  if (nodes.length === 0) return `${out}}\n`;

  const ids = new Map<GraphNode, number>();
  const hasNodelets = new Set<GraphNode>();
  let maxFlat = Math.abs(divValue(nodes[0].flat, nodes[0].flatDiv));
  nodes.forEach((n, i) => {
    ids.set(n, i + 1);
    maxFlat = Math.max(maxFlat, Math.abs(divValue(n.flat, n.flatDiv)));
  });
  const edges: GraphEdge[] = [];
  for (const n of nodes) {
    const id = ids.get(n)!;
    out += dotNode(n, id, maxFlat, total, formatValue);
    const lets = nodelets(n, id, formatValue);
    if (lets !== '') hasNodelets.add(n);
    out += lets;
    for (const e of n.out.values()) edges.push(e);
  }
  for (const e of sortedEdges(edges)) {
    // An edge into a node that is not shown (cum and flat 0) keeps pprof's id 0.
    out += dotEdge(e, ids.get(e.src) ?? 0, ids.get(e.dest) ?? 0, hasNodelets.has(e.src), total, formatValue);
  }
  return `${out}}\n`;
}

function dotNode(n: GraphNode, id: number, maxFlat: number, total: number, fmt: (v: number) => string): string {
  const flat = divValue(n.flat, n.flatDiv);
  const cum = divValue(n.cum, n.cumDiv);
  let label = multilinePrintableName(n.info);
  const flatValue = fmt(flat);
  label += flat !== 0 ? `${flatValue} (${percentage(flat, total).trim()})` : '0';
  let cumValue = flatValue;
  if (cum !== flat) {
    label += flat !== 0 ? '\\n' : ' ';
    cumValue = fmt(cum);
    label += `of ${cumValue} (${percentage(cum, total).trim()})`;
  }
  let fontSize = 8;
  if (maxFlat !== 0 && flat !== 0 && Math.abs(flat) <= maxFlat) {
    fontSize += Math.ceil(16.0 * Math.sqrt(Math.abs(flat) / maxFlat));
  }
  const score = cum / Math.abs(total);
  return (
    `N${id} [label="${label}" id="node${id}" fontsize=${fontSize} shape=box` +
    ` tooltip="${escapeForDot(n.name)} (${cumValue})" color="${dotColor(score, false)}" fillcolor="${dotColor(score, true)}"]\n`
  );
}

function dotEdge(
  e: GraphEdge,
  from: number,
  to: number,
  srcHasNodelets: boolean,
  total: number,
  fmt: (v: number) => string,
): string {
  const wv = divValue(e.weight, e.weightDiv);
  const w = fmt(wv);
  let attr = `label=" ${w}${e.inline ? '\\n (inline)' : ''}"`;
  if (total !== 0) {
    // Weights above the total are possible in diff profiles.
    const weight = 1 + Math.min(Math.abs(mulQuo(wv, 100, total)), 100);
    if (weight > 1) attr += ` weight=${weight}`;
    const width = 1 + Math.min(Math.abs(mulQuo(wv, 5, total)), 5);
    if (width > 1) attr += ` penwidth=${width}`;
    attr += ` color="${dotColor(wv / Math.abs(total), false)}"`;
  }
  const arrow = e.residual ? '...' : '->';
  const tooltip = `"${escapeForDot(e.src.name)} ${arrow} ${escapeForDot(e.dest.name)} (${w})"`;
  attr += ` tooltip=${tooltip} labeltooltip=${tooltip}`;
  if (e.residual) attr += ' style="dotted"';
  if (srcHasNodelets) attr += ' minlen=2';
  return `N${from} -> N${to} [${attr}]\n`;
}
