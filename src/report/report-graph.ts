/**
 * reportGraph: the trimmed graph of a prepared report, the output unit
 * chosen for it, and the value formatter every printed number goes through.
 */
import { type BuiltGraph, buildTrimmedGraph, divValue, type TrimmedGraph } from '../graph/index.ts';
import { scale, scaledLabel } from '../measurement/index.ts';
import type { PreparedReport } from './prepare-report.ts';

/** Everything a DOT or text report prints from. */
export interface ReportGraph {
  readonly prepared: PreparedReport;
  readonly trimmed: TrimmedGraph;
  readonly graph: BuiltGraph;
  /** The unit values are printed in (pprof's OutputUnit after selectOutputUnit). */
  readonly outputUnit: string;
  /** Formats a value of the sample unit, e.g. "1.50s" or "12". */
  readonly formatValue: (v: number) => string;
}

/** Builds the trimmed graph for a DOT (`visualMode`) or text report and picks the output unit. */
export function reportGraph(prepared: PreparedReport, visualMode: boolean): ReportGraph {
  const o = prepared.options;
  const nodeCount = o.nodeCount === -1 ? (visualMode ? 80 : 0) : o.nodeCount;
  const trimmed = buildTrimmedGraph(prepared.source, {
    valueIndex: prepared.valueIndex,
    meanIndex: prepared.meanIndex,
    dropNegative: o.dropNegative,
    nodeCount,
    nodeFraction: o.nodeFraction,
    edgeFraction: o.edgeFraction,
    visualMode,
    cumSort: o.cumSort,
  });
  const ratio = 1 / o.divideBy;
  const outputUnit = selectOutputUnit(prepared, trimmed.graph, ratio);
  const unit = prepared.sampleUnit;
  const formatValue = (v: number): string => {
    const x = ratio > 0 && ratio !== 1 ? Math.trunc(v * ratio) : v;
    return scaledLabel(x, unit, outputUnit);
  };
  return { prepared, trimmed, graph: trimmed.graph, outputUnit, formatValue };
}

/**
 * pprof's selectOutputUnit for -unit=minimum: the unit of the smallest
 * non-zero node value, unless the total needs a larger one and the smallest
 * value is under 1% of it, in which case the unit of 100× the smallest.
 * Unit-less samples (counts) print in the sample unit.
 */
function selectOutputUnit(prepared: PreparedReport, g: BuiltGraph, ratio: number): string {
  const o = prepared.options;
  if (o.unit !== 'minimum' || g.nodes.length === 0) return o.unit;
  let minValue = 0;
  for (const n of g.nodes) {
    let nodeMin = Math.abs(divValue(n.flat, n.flatDiv));
    if (nodeMin === 0) nodeMin = Math.abs(divValue(n.cum, n.cumDiv));
    if (nodeMin > 0 && (minValue === 0 || nodeMin < minValue)) minValue = nodeMin;
  }
  let maxValue = prepared.total;
  if (minValue === 0) minValue = maxValue;
  if (ratio > 0 && ratio !== 1) {
    minValue = Math.trunc(minValue * ratio);
    maxValue = Math.trunc(maxValue * ratio);
  }
  const unit = prepared.sampleUnit;
  const [, minUnit] = scale(minValue, unit, 'minimum');
  const [, maxUnit] = scale(maxValue, unit, 'minimum');
  let out = minUnit;
  if (minUnit !== maxUnit && minValue * 100 < maxValue) [, out] = scale(100 * minValue, unit, 'minimum');
  return out !== '' ? out : unit;
}
