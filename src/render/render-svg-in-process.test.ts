import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isGopprofError } from '../errors.ts';
import { renderSvgInProcess } from './render-svg-in-process.ts';

test('renders the final, massaged SVG on the calling thread', async () => {
  const svg = await renderSvgInProcess('digraph g { N1 [id="node1" tooltip="main.main (1s)"] }');
  assert.ok(svg.includes('<svg width="100%" height="100%"'));
  assert.ok(svg.includes('<g id="viewport"'));
  assert.ok(svg.includes('<g id="node1" class="node">'));
});

test('bad DOT fails with RENDER_FAILED; an aborted signal with ABORTED', async () => {
  await assert.rejects(renderSvgInProcess('digraph {'), (err) => isGopprofError(err, 'RENDER_FAILED'));
  await assert.rejects(renderSvgInProcess('digraph {}', AbortSignal.abort()), (err) => isGopprofError(err, 'ABORTED'));
});
