/**
 * generateTop: a profile → the text `go tool pprof -top` prints (Go 1.19),
 * byte for byte; also the rows themselves for callers that want data.
 */
import { divValue } from '../graph/index.ts';
import type { Profile } from '../pprof/index.ts';
import { reportLabels } from './legend.ts';
import { percentage } from '../measurement/index.ts';
import { prepareReport } from './prepare-report.ts';
import { type ReportGraph, reportGraph } from './report-graph.ts';
import { type ReportOptions, resolveReportOptions } from './report-options.ts';

/** One row of the top report. */
export interface TopItem {
  /** pprof's printable name: the full function name (plus file:line with -lines). */
  readonly name: string;
  /** "(inline)" when every call into it was inlined, "(partial-inline)" when some were, else ''. */
  readonly inlineLabel: string;
  readonly flat: number;
  readonly cum: number;
  readonly flatFormatted: string;
  readonly cumFormatted: string;
}

/** The rows of a text report graph, in its order (pprof's TextItems). */
export function topItems(r: ReportGraph): TopItem[] {
  return r.graph.nodes.map((n) => {
    let inline = false;
    let noinline = false;
    for (const e of n.in.values()) {
      if (e.inline) inline = true;
      else noinline = true;
    }
    const flat = divValue(n.flat, n.flatDiv);
    const cum = divValue(n.cum, n.cumDiv);
    return {
      name: n.name,
      inlineLabel: inline ? (noinline ? '(partial-inline)' : '(inline)') : '',
      flat,
      cum,
      flatFormatted: r.formatValue(flat),
      cumFormatted: r.formatValue(cum),
    };
  });
}

/** Builds pprof's text (top) report of `profile`; see generateDot for the pipeline. */
export function generateTop(profile: Profile, options: Partial<ReportOptions> = {}): string {
  const o = resolveReportOptions(options);
  return composeTop(reportGraph(prepareReport(profile, o), false));
}

/** The text of a (non-visual) report graph (pprof's printText). */
export function composeTop(r: ReportGraph): string {
  const total = r.prepared.total;
  let out = `${reportLabels(r, 0, false).join('\n')}\n`;
  out += `${pad('flat', 10)} ${pad('flat', 5)}% ${pad('sum', 5)}% ${pad('cum', 10)} ${pad('cum', 5)}%\n`;
  let flatSum = 0;
  for (const item of topItems(r)) {
    flatSum += item.flat;
    const inl = item.inlineLabel === '' ? '' : ` ${item.inlineLabel}`;
    out +=
      `${pad(item.flatFormatted, 10)} ${percentage(item.flat, total)} ${percentage(flatSum, total)} ` +
      `${pad(item.cumFormatted, 10)} ${percentage(item.cum, total)}  ${item.name}${inl}\n`;
  }
  return out;
}

/** fmt's %Ns: right-aligned to N characters (runes). */
function pad(s: string, width: number): string {
  const runes = [...s].length;
  return runes >= width ? s : ' '.repeat(width - runes) + s;
}
