import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { Graphviz } from '@hpcc-js/wasm-graphviz';
import { isGopprofError } from '../errors.ts';
import { isBrokenInstanceError, layoutDot } from './layout-dot.ts';

const CPU_DOT = readFileSync(new URL('../../test/fixtures/profiles/golden/cpu.dot', import.meta.url), 'utf8');

test('lays a pprof DOT out as Graphviz SVG', async () => {
  const svg = layoutDot(await Graphviz.load(), CPU_DOT);
  assert.match(svg, /^<\?xml/);
  assert.match(svg, /<svg width="\d+pt" height="\d+pt"/);
  assert.ok(svg.includes('<g id="node6" class="node">'));
  assert.ok(svg.includes('xlink:title="crypto/sha256.block (3.19s)"'));
});

test("bad DOT fails with RENDER_FAILED and Graphviz's message, and the instance stays usable", async () => {
  const graphviz = await Graphviz.load();
  assert.throws(
    () => layoutDot(graphviz, 'digraph g {\n a -> \n'),
    (err) => isGopprofError(err, 'RENDER_FAILED') && /^graphviz: syntax error in line \d/.test(err.message),
  );
  assert.throws(() => layoutDot(graphviz, ''), (err) => isGopprofError(err, 'RENDER_FAILED') && /no output/.test(err.message));
  assert.match(layoutDot(graphviz, 'digraph { a -> b }'), /<title>a&#45;&gt;b<\/title>/);
});

test('a broken instance rethrows the original error, recognisably', () => {
  for (const message of ['table index is out of bounds', 'null function or function signature mismatch', 'RuntimeError: unreachable']) {
    const original = new Error(message);
    const broken = { layout: (): string => { throw original; } };
    assert.throws(() => layoutDot(broken, 'digraph {}'), (err) => err === original && isBrokenInstanceError(err));
  }
});

test('only WASM traps count as a broken instance', () => {
  const trap = new Error('whatever');
  trap.name = 'RuntimeError';
  assert.equal(isBrokenInstanceError(trap), true);
  assert.equal(isBrokenInstanceError(new Error('Aborted(OOM)')), true);
  assert.equal(isBrokenInstanceError(new Error("syntax error in line 1 near 'unreachable'")), false);
  assert.equal(isBrokenInstanceError(new Error('syntax error in line 1')), false);
  assert.equal(isBrokenInstanceError('table index is out of bounds'), false);
});
