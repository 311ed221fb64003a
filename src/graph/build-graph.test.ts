import assert from 'node:assert/strict';
import { test } from 'node:test';
import { makeProfile, type TestSample } from '../../test/support/make-profile.ts';
import { aggregate } from '../pprof/index.ts';
import { type BuiltGraph, buildGraph } from './build-graph.ts';
import type { GraphNode } from './call-graph.ts';
import { type GraphSource, prepareGraphSource } from './graph-source.ts';

function source(samples: TestSample[]): GraphSource {
  return prepareGraphSource(aggregate(makeProfile({ samples }), 'functions'), {
    formatTag: (v, unit) => `${v}${unit}`,
    bytesUnit: 'B',
    trimPath: (f) => f,
  });
}

function build(src: GraphSource, keep?: string[]): BuiltGraph {
  let kept: Uint8Array | undefined;
  if (keep !== undefined) {
    kept = new Uint8Array(src.infos.length);
    src.infos.forEach((info, id) => {
      if (keep.includes(info.name)) kept![id] = 1;
    });
  }
  return buildGraph(src, { valueIndex: 0, meanIndex: -1, dropNegative: false, kept });
}

function byName(g: BuiltGraph): Map<string, GraphNode> {
  return new Map(g.nodes.map((n) => [n.info.name, n]));
}

function edge(g: BuiltGraph, from: string, to: string) {
  const n = byName(g);
  return n.get(from)?.out.get(n.get(to)!);
}

test('recursion counts once in cum and once per edge; no self edges', () => {
  const g = build(source([{ stack: ['main', 'a', 'b', 'a', 'a'], values: [10] }]));
  const n = byName(g);
  assert.deepEqual([n.get('main')!.cum, n.get('a')!.cum, n.get('b')!.cum], [10, 10, 10]);
  assert.equal(n.get('a')!.flat, 10);
  assert.equal(edge(g, 'a', 'b')!.weight, 10);
  assert.equal(edge(g, 'b', 'a')!.weight, 10);
  assert.equal(edge(g, 'a', 'a'), undefined);
});

test('an edge into an inlined frame is inline until a real call is seen', () => {
  const src = source([
    { stack: ['main', ['x', 'y']], values: [3] },
    { stack: ['main', ['x', 'z']], values: [2] },
    { stack: ['main', 'x', 'z'], values: [1] },
  ]);
  const g = build(src);
  assert.equal(edge(g, 'main', 'x')!.inline, false);
  assert.equal(edge(g, 'x', 'y')!.inline, true);
  assert.equal(edge(g, 'x', 'z')!.inline, false);
  assert.equal(edge(g, 'x', 'z')!.weight, 3);
  assert.equal(byName(g).get('y')!.flat, 3);
});

test('skipped frames make residual edges, and a skipped leaf loses its flat value', () => {
  const src = source([
    { stack: ['main', 'b', 'c'], values: [5] },
    { stack: ['main', 'c'], values: [1] },
    { stack: ['main', 'a', 'b'], values: [7] },
  ]);
  const g = build(src, ['main', 'a', 'c']);
  const e = edge(g, 'main', 'c')!;
  assert.equal(e.weight, 6);
  assert.equal(e.residual, true);
  assert.equal(edge(g, 'main', 'a')!.residual, false);
  const n = byName(g);
  assert.equal(n.get('a')!.cum, 7);
  assert.equal(n.get('a')!.flat, 0, 'the flat value of the dropped leaf b is lost, not moved to a');
  assert.equal(n.get('b'), undefined);
});

test('zero samples are skipped and zero nodes are not selected', () => {
  const g = build(source([
    { stack: ['main', 'a'], values: [0] },
    { stack: ['main', 'b'], values: [4] },
    { stack: ['main', 'c'], values: [-4] },
    { stack: ['main', 'c'], values: [4] },
  ]));
  const names = g.nodes.map((n) => n.info.name).sort();
  assert.deepEqual(names, ['b', 'main'], 'a saw only a zero sample; c cancels out');
  // Edges into nodes that cancelled out stay, as in pprof (the DOT shows them into "N0").
  assert.equal(g.byId.find((n) => n?.info.name === 'main')!.out.size, 2);
});

test('label and numeric tags: sorted joined labels, flat on the leaf, cum everywhere, first value kept', () => {
  const g = build(source([
    { stack: ['main', 'a'], values: [2], labels: { z: ['1'], a: ['x', 'w'] }, numLabels: { bytes: [1024] } },
    { stack: ['main', 'a'], values: [3], numLabels: { bytes: [1024, 64], other: [5] } },
    { stack: ['main'], values: [1], labels: { 'pprof::base': ['true'] } },
  ]));
  const n = byName(g);
  const a = n.get('a')!;
  const label = 'a:w\\na:x\\nz:1';
  assert.deepEqual([...a.labelTags.keys()], [label]);
  assert.deepEqual([a.labelTags.get(label)!.flat, a.labelTags.get(label)!.cum], [2, 2]);
  const main = n.get('main')!;
  assert.equal(main.labelTags.size, 1, 'the pprof::base label is not a tag');
  assert.deepEqual([...a.numericTags.get(label)!.keys()], ['1024B']);
  const unlabelled = a.numericTags.get('')!;
  assert.deepEqual([...unlabelled.keys()].sort(), ['1024B', '64B']);
  assert.deepEqual([unlabelled.get('1024B')!.flat, unlabelled.get('1024B')!.cum], [3, 3]);
  assert.equal(unlabelled.get('1024B')!.value, 1024);
  assert.equal(main.numericTags.get('')!.get('64B')!.cum, 3);
  assert.equal(main.numericTags.get('')!.get('64B')!.flat, 0);
});
