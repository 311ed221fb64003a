/**
 * Turns Graphviz's SVG into the interactive SVG `go tool pprof -svg` serves.
 *
 * Same edits as pprof's massageSVG (see section 0 step 8 of pprof-dot-spec.md),
 * with our own pan/zoom script.
 */
import { SVG_PAN_SCRIPT } from './svg-pan-script.ts';

// Graphviz writes `<svg width="2269pt" height="2037pt"\n viewBox="0.00 0.00 2269.00 2037.00"`.
const SIZED_SVG_TAG = /<svg\s*width="[^"]+"\s*height="[^"]+"\s*viewBox="[^"]+"/;
const GRAPH_GROUP = /<g id="graph\d+"/;
const SVG_CLOSE = '</svg>';
// Graphviz turns URL/href attributes (of nodes, edges, the graph) into `<a xlink:href="…">` and
// the stylesheet attribute into `<?xml-stylesheet href="…"?>`. pprof's graphs use neither, but
// label values and units from the profiled program reach the DOT unescaped (as in pprof), so a
// label with a quote can add them: a javascript: link or a stylesheet from anywhere in an SVG
// we serve. Graphviz writes attribute values in double quotes with `"` escaped as &quot;.
const LINK_ATTRIBUTE = /\s(?:xlink:)?href="[^"]*"/g;
const STYLESHEET = /<\?xml-stylesheet\b[^>]*>\n?/g;

/**
 * Makes the SVG fill the browser window and pan/zoomable: drops the fixed size
 * and viewBox, inserts the pan/zoom script and wraps the graph in
 * `<g id="viewport" transform="scale(0.5,0.5) translate(0,0)">`, which the
 * script drives. Also repairs the `&;` some Graphviz versions leave unescaped,
 * which would make the SVG unparsable, and drops every link and stylesheet
 * (see LINK_ATTRIBUTE). Input that does not look like Graphviz
 * output is returned with only the edits that apply.
 */
export function massageSvg(svg: string): string {
  const out = svg
    .replaceAll('&;', '&amp;;')
    .replace(SIZED_SVG_TAG, '<svg width="100%" height="100%"')
    .replace(STYLESHEET, '')
    .replace(LINK_ATTRIBUTE, '');

  const graph = GRAPH_GROUP.exec(out);
  const close = out.lastIndexOf(SVG_CLOSE);
  if (graph === null || close < graph.index) return out;
  const wrapper =
    `<script type="text/ecmascript"><![CDATA[${SVG_PAN_SCRIPT}]]></script>` +
    `<g id="viewport" transform="scale(0.5,0.5) translate(0,0)">`;
  return out.slice(0, graph.index) + wrapper + out.slice(graph.index, close) + '</g>' + out.slice(close);
}
