import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { GraphEdge, GraphNode } from './call-graph.ts';
import { newGraphNode } from './new-graph-node.ts';
import { entropyScore, sortNodes } from './sort-nodes.ts';

function node(name: string, flat: number, cum: number): GraphNode {
  return newGraphNode({ name, origName: '', address: 0n, file: '', startLine: 0, lineno: 0, objfile: '' }, flat, 0, cum, 0);
}

function link(src: GraphNode, dest: GraphNode, weight: number): GraphEdge {
  const e: GraphEdge = { src, dest, weight, weightDiv: 0, residual: false, inline: false };
  src.out.set(dest, e);
  dest.in.set(src, e);
  return e;
}

test('entropy: isolated nodes score 2×cum+flat, pass-through nodes score only their flat', () => {
  assert.equal(entropyScore(node('lonely', 3, 10)), 23);
  const a = node('a', 0, 8);
  const b = node('b', 0, 8);
  const c = node('c', 8, 8);
  link(a, b, 8);
  link(b, c, 8);
  assert.equal(entropyScore(b), 0, 'one edge in and one out carry no information');
  assert.equal(entropyScore(a), 8, 'an entry node gets +1 for having no callers');
  assert.equal(entropyScore(c), 16, 'a leaf gets +1 for having no callees, plus its flat');
});

test('entropy: fan-out of equal weights adds log2(n) bits', () => {
  const root = node('root', 0, 12);
  for (const k of ['x', 'y', 'z', 'w']) link(root, node(k, 3, 3), 3);
  // 1 (no callers) + log2(4) = 3 bits, times cum 12.
  assert.equal(entropyScore(root), 36);
  // With 4 of the 12 spent in the node itself: out entropy over {4 self, 2, 2, 2, 2}.
  const mixed = node('mixed', 4, 12);
  for (const k of ['x', 'y', 'z', 'w']) link(mixed, node(k, 2, 2), 2);
  const f = [4 / 12, 2 / 12, 2 / 12, 2 / 12, 2 / 12];
  const h = f.reduce((s, p) => s - p * Math.log2(p), 0);
  assert.equal(entropyScore(mixed), Math.trunc((1 + h) * 12) + 4);
});

test('entropy: a zero-weight edge makes the score NaN, which Go turns into MinInt64', () => {
  const a = node('a', 0, 5);
  link(a, node('b', 0, 0), 0);
  link(a, node('e', 5, 5), 5);
  link(node('p', 0, 5), a, 5);
  assert.equal(entropyScore(a), -(2n ** 63n), 'abs64(MinInt64) stays negative: sorted last');
  const c = node('c', 2, 5);
  link(c, node('d', 0, 0), 0);
  link(c, node('f', 3, 3), 3);
  assert.equal(entropyScore(c), 2n ** 63n - 2n, 'MinInt64 + flat wraps to a huge positive score: sorted first');
  const nodes = [a, c, node('plain', 1, 1)];
  sortNodes(nodes, 'entropy');
  assert.deepEqual(nodes.map((n) => n.info.name), ['c', 'plain', 'a']);
});

test('ties: by name, then |flat|, then the fmt.Sprint of the info', () => {
  const nodes = [node('b', 0, 4), node('a', 0, 4), node('c', -2, 4), node('c2', 2, 4)];
  sortNodes(nodes, 'cum');
  assert.deepEqual(nodes.map((n) => n.info.name), ['a', 'b', 'c', 'c2']);
  const flat = [node('x', 1, 9), node('y', -3, 3), node('w', 1, 2)];
  sortNodes(flat, 'flat');
  assert.deepEqual(flat.map((n) => n.info.name), ['y', 'w', 'x']);
  // Same name, different files: the file decides through fmt.Sprint of the NodeInfo.
  const f1 = { ...node('f', 1, 1), info: { ...node('f', 1, 1).info, file: 'b.go' } };
  const f2 = { ...node('f', 1, 1), info: { ...node('f', 1, 1).info, file: 'a.go' } };
  const same = [f1, f2];
  sortNodes(same, 'flat');
  assert.deepEqual(same.map((n) => n.info.file), ['a.go', 'b.go']);
});
