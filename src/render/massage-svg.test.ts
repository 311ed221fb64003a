import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkWellFormedXml } from '../../test/support/check-well-formed-xml.ts';
import { massageSvg } from './massage-svg.ts';
import { SVG_PAN_SCRIPT } from './svg-pan-script.ts';

// The shape of Graphviz 16's SVG output, cut down.
const GRAPHVIZ_SVG = `<?xml version="1.0" encoding="UTF-8" standalone="no"?>
<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN"
 "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">
<!-- Title: g Pages: 1 -->
<svg width="62pt" height="116pt"
 viewBox="0.00 0.00 62.00 116.00" xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">
<g id="graph0" class="graph" transform="scale(1 1) rotate(0) translate(4 112)">
<title>g</title>
<g id="node1" class="node"><title>a</title><text>a &; b</text></g>
</g>
</svg>
`;

test('replaces the fixed size and viewBox by 100%', () => {
  const svg = massageSvg(GRAPHVIZ_SVG);
  assert.match(svg, /<svg width="100%" height="100%" xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  const svgTag = /<svg[^>]*>/.exec(svg)![0];
  assert.doesNotMatch(svgTag, /viewBox|62pt/);
});

test('inserts the pan/zoom script and wraps the graph in the viewport group', () => {
  const svg = massageSvg(GRAPHVIZ_SVG);
  const script = `<script type="text/ecmascript"><![CDATA[${SVG_PAN_SCRIPT}]]></script>`;
  const viewport = '<g id="viewport" transform="scale(0.5,0.5) translate(0,0)">';
  assert.ok(svg.includes(`${script}${viewport}<g id="graph0" class="graph"`));
  assert.ok(svg.endsWith('</g>\n</g></svg>\n'), svg.slice(-30));
  checkWellFormedXml(svg);
});

test("repairs the unescaped '&;' of older Graphviz versions", () => {
  assert.throws(() => checkWellFormedXml(GRAPHVIZ_SVG), /bare "&"/);
  assert.ok(massageSvg(GRAPHVIZ_SVG).includes('<text>a &amp;; b</text>'));
});

test('leaves input without a graph group or closing tag alone', () => {
  assert.equal(massageSvg('not svg'), 'not svg');
  const noClose = '<svg><g id="graph0"></g>';
  assert.equal(massageSvg(noClose), noClose);
});

test('drops links and stylesheets, which only an injected DOT attribute can produce', () => {
  const stylesheet = '<?xml-stylesheet href="https://evil.example/x.css" type="text/css"?>\n';
  const link =
    '<g id="a_n"><a xlink:href="javascript:alert(1)" xlink:title="t &quot;href=&quot;x" target="_top"><text>t</text></a></g>';
  const injected = GRAPHVIZ_SVG.replace('<!DOCTYPE', `${stylesheet}<!DOCTYPE`).replace('<title>a</title>', `<title>a</title>${link}`);
  const svg = massageSvg(injected);
  assert.doesNotMatch(svg, /xml-stylesheet|javascript:/);
  assert.ok(svg.includes('<a xlink:title="t &quot;href=&quot;x" target="_top">'), 'other attributes and escaped text stay');
  checkWellFormedXml(svg);
});
