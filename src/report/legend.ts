/**
 * The legend lines of a report (pprof's ProfileLabels and reportLabels):
 * file, type, time, duration, active filters, what is shown and dropped.
 */
import { divValue } from '../graph/index.ts';
import { formatProfileTime } from './go-time.ts';
import { label, percentage, scale } from '../measurement/index.ts';
import type { ReportGraph } from './report-graph.ts';

/** The profile's own lines: File, Build ID, comments, Type, Time, Duration. */
export function profileLabels(r: ReportGraph): string[] {
  const { prepared } = r;
  const p = prepared.profile;
  const out: string[] = [];
  const m0 = p.mappings[0];
  if (m0 !== undefined) {
    if (m0.file !== '') out.push(`File: ${prepared.title}`);
    if (m0.buildId !== '') out.push(`Build ID: ${m0.buildId}`);
  }
  for (const c of p.comments) if (!c.startsWith('#')) out.push(c);
  if (prepared.sampleType !== '') out.push(`Type: ${prepared.sampleType}`);
  if (p.timeNanos !== 0n) out.push(`Time: ${formatProfileTime(p.timeNanos, prepared.options.timeZone)}`);
  if (p.durationNanos !== 0n) {
    const duration = label(Number(p.durationNanos), 'nanoseconds');
    const [totalNanos, totalUnit] = scale(prepared.total, prepared.sampleUnit, 'nanoseconds');
    let ratio = '';
    if (totalUnit === 'ns' && totalNanos !== 0) ratio = `(${percentage(Math.trunc(totalNanos), Number(p.durationNanos))})`;
    out.push(`Duration: ${duration}, Total samples = ${r.formatValue(prepared.total)} ${ratio}`);
  }
  return out;
}

/**
 * All legend lines: the profile's, active filters, the shown total and the
 * dropped counts; `fullHeaders` (DOT) adds the link that explains the graph.
 */
export function reportLabels(r: ReportGraph, droppedEdges: number, fullHeaders: boolean): string[] {
  const { prepared, trimmed, graph } = r;
  const o = prepared.options;
  const total = prepared.total;
  const out = profileLabels(r);
  let flatSum = 0;
  for (const n of graph.nodes) flatSum += divValue(n.flat, n.flatDiv);
  if (prepared.activeFilters.length > 0) {
    out.push('Active filters:');
    for (const f of prepared.activeFilters) out.push(`   ${truncateFilter(f)}`);
  }
  out.push(
    `Showing nodes accounting for ${r.formatValue(flatSum)}, ${percentage(flatSum, total).trim()} of ${r.formatValue(total)} total`,
  );
  if (total !== 0) {
    if (trimmed.droppedNodes > 0) {
      out.push(dropped(trimmed.droppedNodes, 'node', 'cum', r.formatValue(Math.abs(Math.trunc(total * o.nodeFraction)))));
    }
    if (droppedEdges > 0) {
      out.push(dropped(droppedEdges, 'edge', 'freq', r.formatValue(Math.abs(Math.trunc(total * o.edgeFraction)))));
    }
    const nodeCount = graph.nodes.length;
    if (nodeCount > 0 && nodeCount < trimmed.origCount) {
      out.push(`Showing top ${nodeCount} nodes out of ${trimmed.origCount}`);
    }
  }
  if (fullHeaders) out.push('\nSee https://git.io/JfYMW for how to read the graph');
  return out;
}

/** Go truncates filters past 80 bytes (not characters) and appends "…". */
function truncateFilter(s: string): string {
  const bytes = Buffer.from(s, 'utf8');
  if (bytes.length <= 80) return s;
  return `${decodeBytes(bytes.subarray(0, 80))}…`;
}

/** Decodes possibly-cut UTF-8 the way Go would print the raw bytes (invalid tails as U+FFFD). */
function decodeBytes(b: Uint8Array): string {
  return new TextDecoder('utf-8').decode(b);
}

function dropped(d: number, what: string, kind: string, limit: string): string {
  return `Dropped ${d} ${d > 1 ? `${what}s` : what} (${kind} <= ${limit})`;
}
