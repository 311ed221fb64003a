// Label values and units of a profile come from the profiled program and
// reach the DOT unescaped, exactly as `go tool pprof` writes them (a quote in
// a goroutine label ends the DOT string). The DOT stays pprof's, but the SVG
// gopprof renders and serves must not carry what such a label can inject:
// links (URL/href, javascript: included) and external stylesheets.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { generateDot } from '../../src/report/index.ts';
import { renderSvgInProcess } from '../../src/render/index.ts';
import { checkWellFormedXml } from '../support/check-well-formed-xml.ts';
import { makeProfile } from '../support/make-profile.ts';

const INJECTION =
  'x" URL="javascript:alert(1)" target="_top"]; stylesheet="https://evil.example/x.css"; ' +
  'URL="javascript:alert(2)"; z [label="z" href="javascript:alert(3)';

test('a label that injects DOT attributes yields an SVG without links or stylesheets', async () => {
  const profile = makeProfile({
    samples: [
      { stack: ['main.main', 'main.handle'], values: [5], labels: { handler: [INJECTION] } },
      { stack: ['main.main'], values: [3] },
    ],
  });
  const dot = generateDot(profile, { timeZone: 'UTC' });
  // pprof's bytes: the label is not escaped.
  assert.ok(dot.includes(`[label = "handler:${INJECTION}" id="N2_0"`), dot);
  const svg = await renderSvgInProcess(dot);
  checkWellFormedXml(svg);
  assert.ok(svg.includes('main'), 'the graph itself is rendered');
  assert.doesNotMatch(svg, /javascript:/);
  assert.doesNotMatch(svg, /href=/);
  assert.doesNotMatch(svg, /xml-stylesheet|evil\.example/);
});
