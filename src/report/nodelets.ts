/**
 * Nodelets: the small 3-D boxes hanging off a DOT node for its tags — label
 * sets (e.g. goroutine labels) and numeric labels (heap allocation sizes),
 * at most four of each, numeric ones collapsed into ranges ("1kB..4kB").
 *
 * Internal nodes show flat weights (what this function itself did); leaves
 * show cum, which includes callees that were trimmed away.
 */
import { divValue, MAX_NODELETS, type GraphNode, type Tag } from '../graph/index.ts';
import { compareGoStrings } from '../graph/index.ts';
import { label, scale } from '../measurement/index.ts';

/** The DOT lines of a node's nodelets ('' when it has none). */
export function nodelets(node: GraphNode, nodeId: number, formatValue: (v: number) => string): string {
  let out = '';
  const ts = [...node.labelTags.values()];
  const numeric = new Map<string, Tag[]>();
  for (const [labels, tags] of node.numericTags) if (tags.size > 0) numeric.set(labels, [...tags.values()]);
  const flatTags = node.out.size > 0;
  sortTags(ts, flatTags);
  ts.length = Math.min(ts.length, MAX_NODELETS);
  for (let i = 0; i < ts.length; i++) {
    const t = ts[i];
    const w = flatTags ? tagFlat(t) : tagCum(t);
    if (w === 0) continue;
    const weight = formatValue(w);
    out += `N${nodeId}_${i} [label = "${t.name}" id="N${nodeId}_${i}" fontsize=8 shape=box3d tooltip="${weight}"]\n`;
    out += `N${nodeId} -> N${nodeId}_${i} [label=" ${weight}" weight=100 tooltip="${weight}" labeltooltip="${weight}"]\n`;
    const nts = numeric.get(t.name);
    if (nts !== undefined) out += numericNodelets(nts, flatTags, `N${nodeId}_${i}`, formatValue);
  }
  const unlabelled = numeric.get('');
  if (unlabelled !== undefined) out += numericNodelets(unlabelled, flatTags, `N${nodeId}`, formatValue);
  return out;
}

function numericNodelets(nts: Tag[], flatTags: boolean, source: string, formatValue: (v: number) => string): string {
  let out = '';
  const groups = collapsedTags(nts, MAX_NODELETS, flatTags);
  for (let j = 0; j < groups.length; j++) {
    const t = groups[j];
    let w = tagCum(t);
    let attr = ' style="dotted"';
    if (flatTags || tagFlat(t) === tagCum(t)) {
      w = tagFlat(t);
      attr = '';
    }
    if (w === 0) continue;
    const weight = formatValue(w);
    out += `N${source}_${j} [label = "${t.name}" id="N${source}_${j}" fontsize=8 shape=box3d tooltip="${weight}"]\n`;
    out += `${source} -> N${source}_${j} [label=" ${weight}" weight=100 tooltip="${weight}" labeltooltip="${weight}"${attr}]\n`;
  }
  return out;
}

function tagFlat(t: Tag): number {
  return divValue(t.flat, t.flatDiv);
}

function tagCum(t: Tag): number {
  return divValue(t.cum, t.cumDiv);
}

/**
 * pprof's SortTags: by |cum| (unless `flat`), then |flat|, descending, then
 * by name. As in pprof, values differing only in sign compare equal.
 */
export function sortTags(ts: Tag[], flat: boolean): Tag[] {
  return ts.sort((a, b) => {
    if (!flat && a.cum !== b.cum) return Math.abs(b.cum) - Math.abs(a.cum);
    if (a.flat !== b.flat) return Math.abs(b.flat) - Math.abs(a.flat);
    return compareGoStrings(a.name, b.name);
  });
}

/**
 * pprof's collapsedTags: with more than `count` tags, the heaviest `count`
 * seed groups and every other tag joins the seed nearest in value; each
 * group becomes one tag labelled with its value range.
 */
export function collapsedTags(input: Tag[], count: number, flatTags: boolean): Tag[] {
  const ts = sortTags(input, flatTags);
  if (ts.length <= count) return ts;
  const groups: Tag[][] = ts.slice(0, count).map((t) => [t]);
  for (const t of ts.slice(count)) {
    let g = 0;
    let d = tagDistance(t, groups[0][0]);
    for (let i = 1; i < count; i++) {
      const nd = tagDistance(t, groups[i][0]);
      if (nd < d) {
        g = i;
        d = nd;
      }
    }
    groups[g].push(t);
  }
  return sortTags(groups.map(groupTag), flatTags);
}

function tagDistance(t: Tag, u: Tag): number {
  const [v] = scale(u.value, u.unit, t.unit);
  return v < t.value ? t.value - v : v - t.value;
}

/** One tag standing for a group: "min..max" (or the single value) with summed weights. */
function groupTag(g: Tag[]): Tag {
  if (g.length === 1) {
    const t = g[0];
    return { name: label(t.value, t.unit), unit: '', value: 0, flat: tagFlat(t), flatDiv: 0, cum: tagCum(t), cumDiv: 0 };
  }
  let min = g[0];
  let max = g[0];
  let df = min.flatDiv;
  let f = min.flat;
  let dc = min.cumDiv;
  let c = min.cum;
  for (const t of g.slice(1)) {
    if (Math.trunc(scale(t.value, t.unit, min.unit)[0]) < min.value) min = t;
    if (Math.trunc(scale(t.value, t.unit, max.unit)[0]) > max.value) max = t;
    f += t.flat;
    df += t.flatDiv;
    c += t.cum;
    dc += t.cumDiv;
  }
  if (df !== 0) f = divValue(f, df);
  if (dc !== 0) c = divValue(c, dc);
  const name = `${label(min.value, min.unit)}..${label(max.value, max.unit)}`;
  return { name, unit: '', value: 0, flat: f, flatDiv: 0, cum: c, cumDiv: 0 };
}
