import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { GraphNode, Tag } from '../graph/index.ts';
import { printableName } from '../graph/index.ts';
import { collapsedTags, nodelets, sortTags } from './nodelets.ts';

const tag = (name: string, flat: number, cum: number, value = 0, unit = ''): Tag => ({
  name,
  unit,
  value,
  flat,
  flatDiv: 0,
  cum,
  cumDiv: 0,
});

test('numeric tags beyond four collapse into the nearest of the four heaviest, as ranges', () => {
  const sizes = [64, 128, 1024, 2048, 4096, 8192];
  const ts = sizes.map((v, i) => tag(`${v}B`, 60 - 10 * i, 60 - 10 * i, v, 'bytes'));
  const groups = collapsedTags(ts, 4, true);
  assert.deepEqual(
    groups.map((t) => [t.name, t.flat]),
    [
      ['2kB..8kB', 60],
      ['64B', 60],
      ['128B', 50],
      ['1kB', 40],
    ],
  );
});

test('sortTags: by |cum| unless flat, then |flat|, then name; ±x compare equal', () => {
  const ts = [tag('b', 1, 5), tag('a', 1, 5), tag('c', 9, 2), tag('neg', 0, -5)];
  assert.deepEqual(sortTags([...ts], false).map((t) => t.name), ['a', 'b', 'neg', 'c']);
  assert.deepEqual(sortTags([...ts], true).map((t) => t.name), ['c', 'a', 'b', 'neg']);
  const pm = [tag('plus', 0, 5), tag('minus', 0, -5)];
  assert.deepEqual(sortTags([...pm], false).map((t) => t.name), ['plus', 'minus'], 'pprof returns "not less" both ways');
});

test('nodelets: label tags with their numeric tags; leaves show cum, inner nodes flat', () => {
  const info = { name: 'f', origName: '', address: 0n, file: '', startLine: 0, lineno: 0, objfile: '' };
  const n: GraphNode = {
    info,
    name: printableName(info),
    flat: 3,
    flatDiv: 0,
    cum: 7,
    cumDiv: 0,
    in: new Map(),
    out: new Map(),
    labelTags: new Map([['k:v', tag('k:v', 3, 7)]]),
    numericTags: new Map([
      ['k:v', new Map([['1kB', tag('1kB', 3, 7, 1024, 'bytes')]])],
      ['', new Map([['64B', tag('64B', 0, 4, 64, 'bytes')]])],
    ]),
  };
  const fmt = (v: number) => `${v}u`;
  assert.equal(
    nodelets(n, 5, fmt),
    'N5_0 [label = "k:v" id="N5_0" fontsize=8 shape=box3d tooltip="7u"]\n' +
      'N5 -> N5_0 [label=" 7u" weight=100 tooltip="7u" labeltooltip="7u"]\n' +
      'NN5_0_0 [label = "1kB" id="NN5_0_0" fontsize=8 shape=box3d tooltip="7u"]\n' +
      'N5_0 -> NN5_0_0 [label=" 7u" weight=100 tooltip="7u" labeltooltip="7u" style="dotted"]\n' +
      'NN5_0 [label = "64B" id="NN5_0" fontsize=8 shape=box3d tooltip="4u"]\n' +
      'N5 -> NN5_0 [label=" 4u" weight=100 tooltip="4u" labeltooltip="4u" style="dotted"]\n',
  );
});
