import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { GraphEdge, GraphNode, Tag } from './call-graph.ts';
import { newGraphNode } from './new-graph-node.ts';
import { removeRedundantEdges, selectTopNodes, trimLowFrequencyEdges, trimLowFrequencyTags } from './trim-graph.ts';

function node(name: string, flat = 0, cum = 0): GraphNode {
  return newGraphNode({ name, origName: '', address: 0n, file: '', startLine: 0, lineno: 0, objfile: '' }, flat, 0, cum, 0);
}

function link(src: GraphNode, dest: GraphNode, weight: number, residual = false): GraphEdge {
  const e: GraphEdge = { src, dest, weight, weightDiv: 0, residual, inline: false };
  src.out.set(dest, e);
  dest.in.set(src, e);
  return e;
}

function tag(name: string, flat: number, cum: number): Tag {
  return { name, unit: '', value: 0, flat, flatDiv: 0, cum, cumDiv: 0 };
}

test('a residual edge is removed when another path connects its ends', () => {
  const [a, b, c] = [node('a'), node('b'), node('c')];
  link(a, b, 10);
  link(b, c, 10);
  link(a, c, 3, true);
  removeRedundantEdges({ nodes: [a, b, c] });
  assert.equal(a.out.has(c), false);
  assert.equal(a.out.has(b), true);
});

test('a residual edge with no other path stays', () => {
  const [a, b, c] = [node('a'), node('b'), node('c')];
  link(a, b, 10);
  link(a, c, 3, true);
  removeRedundantEdges({ nodes: [a, b, c] });
  assert.equal(a.out.has(c), true);
});

test('residual edges heavier than a non-residual incoming edge are kept', () => {
  const [a, b, c, d] = [node('a'), node('b'), node('c'), node('d')];
  link(a, b, 10);
  link(b, c, 10);
  link(a, c, 30, true); // redundant, but heavier than d -> c
  link(d, c, 5);
  link(b, d, 5);
  removeRedundantEdges({ nodes: [a, b, c, d] });
  assert.equal(a.out.has(c), true, 'the scan from the lightest stops at the non-residual d -> c');
});

test('edges below the cut-off are dropped and counted; tags survive on flat or cum', () => {
  const [a, b, c] = [node('a'), node('b'), node('c')];
  link(a, b, 10);
  link(a, c, -4);
  link(b, c, 3);
  assert.equal(trimLowFrequencyEdges({ nodes: [a, b, c] }, 4), 1);
  assert.deepEqual([...c.in.keys()], [a], '|−4| reaches the cut-off');
  a.labelTags = new Map([
    ['hot', tag('hot', 5, 5)],
    ['warm', tag('warm', 1, 6)],
    ['cold', tag('cold', 1, 1)],
  ]);
  trimLowFrequencyTags({ nodes: [a] }, 5);
  assert.deepEqual([...a.labelTags.keys()], ['hot', 'warm']);
});

test('visual top-N selection spends budget on nodelets (tags with flat values, at most 4)', () => {
  const nodes = [node('a'), node('b'), node('c'), node('d')];
  nodes[0].labelTags = new Map(['1', '2', '3', '4', '5', '6'].map((k) => [k, tag(k, 1, 1)]));
  nodes[1].labelTags = new Map([['cum-only', tag('cum-only', 0, 9)]]);
  // a costs 1 + 4, b costs 1: the budget of 6 is reached at b.
  assert.deepEqual(selectTopNodes({ nodes }, 6, true).map((n) => n.info.name), ['a', 'b']);
  assert.deepEqual(selectTopNodes({ nodes }, 3, false).map((n) => n.info.name), ['a', 'b', 'c']);
  assert.equal(selectTopNodes({ nodes }, 99, true).length, 4);
});
