/**
 * Every golden DOT that `go tool pprof` printed, rendered by our renderer:
 * well-formed, interactive SVG with every node of the DOT, and the same nodes
 * and edges native Graphviz draws.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { createRenderer, type Renderer, SVG_PAN_SCRIPT } from '../../src/render/index.ts';
import { checkWellFormedXml } from '../support/check-well-formed-xml.ts';
import { requireBinary } from '../support/require-binary.ts';

const GOLDEN = new URL('../fixtures/profiles/golden/', import.meta.url);
const FILES = readdirSync(GOLDEN)
  .filter((name) => name.endsWith('.dot'))
  .sort();

interface DotNode {
  readonly name: string;
  readonly id: string | undefined;
  readonly tooltip: string | undefined;
}

const DOT_STRING = String.raw`"((?:[^"\\]|\\.)*)"`;
const NODE_STATEMENT = new RegExp(String.raw`^(?:subgraph cluster_L \{ )?(?:${DOT_STRING}|(\w+)) \[(.*)\]`);

/** The node statements of a pprof DOT (one per line; edges are the lines with "->"). */
function dotNodes(dot: string): DotNode[] {
  const nodes: DotNode[] = [];
  for (const line of dot.split('\n')) {
    if (line.includes(' -> ') || line.startsWith('node ')) continue;
    const m = NODE_STATEMENT.exec(line);
    if (m === null) continue;
    const attr = (key: string) => new RegExp(String.raw`\b${key}\s*=\s*${DOT_STRING}`).exec(m[3])?.[1];
    nodes.push({ name: m[1] ?? m[2], id: attr('id'), tooltip: attr('tooltip') });
  }
  return nodes;
}

/** How Graphviz writes a DOT string into an SVG attribute. */
function svgEscape(dotString: string): string {
  return dotString
    .replaceAll('\\"', '"')
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll('-', '&#45;');
}

const count = (svg: string, needle: string) => svg.split(needle).length - 1;

/** Sorted `<title>`s of the node and edge groups: what was drawn, independent of layout and version. */
function drawn(svg: string, kind: 'node' | 'edge'): string[] {
  const re = new RegExp(`<g id="[^"]*" class="${kind}">\\s*<title>([^<]*)</title>`, 'g');
  return [...svg.matchAll(re)].map((m) => m[1]).sort();
}

let renderer: Renderer;
const rendered = new Map<string, Promise<string>>();

before(() => {
  renderer = createRenderer();
  for (const name of FILES) rendered.set(name, renderer.render(readFileSync(new URL(name, GOLDEN), 'utf8')));
});
after(() => renderer.stop());

test('the golden DOTs are all here', () => {
  assert.ok(FILES.length >= 25, FILES.join(' '));
  assert.ok(FILES.includes('cpu.nodecount200.dot'));
});

for (const name of FILES) {
  test(`${name} renders to well-formed, interactive SVG with every node`, async () => {
    const dot = readFileSync(new URL(name, GOLDEN), 'utf8');
    const svg = await rendered.get(name)!;
    checkWellFormedXml(svg);
    assert.ok(svg.includes('<svg width="100%" height="100%"'));
    assert.equal(count(svg, SVG_PAN_SCRIPT), 1);
    assert.equal(count(svg, '<g id="viewport" transform="scale(0.5,0.5) translate(0,0)"><g id="graph0"'), 1);

    const nodes = dotNodes(dot);
    assert.ok(nodes.length >= 2, `${name}: found only ${nodes.length} nodes in the DOT`);
    assert.equal(count(svg, 'class="node"'), nodes.length);
    for (const node of nodes) {
      if (node.id !== undefined) assert.ok(svg.includes(`<g id="${node.id}" class="node">`), `${name}: no group ${node.id}`);
      if (node.tooltip !== undefined) {
        const title = `xlink:title="${svgEscape(node.tooltip)}"`;
        assert.ok(svg.includes(title), `${name}: no ${title}`);
      }
    }
    assert.equal(count(svg, 'class="edge"'), dot.split('\n').filter((line) => line.includes(' -> ')).length);
  });
}

test('cpu.dot shows its hottest function', async () => {
  const svg = await rendered.get('cpu.dot')!;
  assert.ok(svg.includes('<title>N6</title>'));
  assert.ok(svg.includes('xlink:title="crypto/sha256.block (3.19s)"'));
  assert.ok(svg.includes('>sha256</text>') && svg.includes('>block</text>'));
});

test('native Graphviz draws the same nodes and edges', async (t) => {
  const dotBinary = requireBinary(t, 'dot');
  if (!dotBinary) return;
  for (const name of FILES) {
    const { stdout: native }: { stdout: string } = await promisify(execFile)(
      dotBinary,
      ['-Tsvg', new URL(name, GOLDEN).pathname],
      { maxBuffer: 64 * 1024 * 1024 },
    );
    const ours = await rendered.get(name)!;
    assert.equal(count(ours, 'class="node"'), count(native, 'class="node"'), name);
    assert.deepEqual(drawn(ours, 'node'), drawn(native, 'node'), name);
    assert.deepEqual(drawn(ours, 'edge'), drawn(native, 'edge'), name);
  }
});
