import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createUsageAccumulator, seriesSlot } from './usage-accumulator.ts';
import { windowGrid } from './window-grid.ts';

const grid = windowGrid({ end: 1_000_000 + 180_000, windowSeconds: 60, count: 3, namespaces: [] });
const W0 = 1_000_000;

test('accumulator: means per cell, gaps undefined, grid edges, sorted pods', () => {
  const acc = createUsageAccumulator(grid);
  const b = acc.row('ns-b', 'p');
  const a = acc.row('ns-a', 'z');
  const cpu = seriesSlot('cpuUsage');
  assert.equal(acc.add(a, cpu, W0, 100), true);
  assert.equal(acc.add(a, cpu, W0 + 59_999, 300), true);
  assert.equal(acc.add(a, cpu, W0 + 120_000, 7), true);
  assert.equal(acc.add(a, cpu, W0 - 1, 1e9), false, 'before the first window');
  assert.equal(acc.add(a, cpu, W0 + 180_000, 1e9), false, 'at end (exclusive)');
  assert.equal(acc.add(a, cpu, W0 + 60_000, Number.NaN), false);
  assert.equal(acc.add(a, cpu, W0 + 60_000, Number.POSITIVE_INFINITY), false);
  acc.add(b, seriesSlot('memoryLimit'), W0 + 60_000, 512);
  assert.equal(acc.row('ns-a', 'z'), a, 'one row per pod');
  assert.deepEqual(acc.finish(), [
    { namespace: 'ns-a', pod: 'z', windows: [{ start: W0, cpuUsage: 200 }, { start: W0 + 60_000 }, { start: W0 + 120_000, cpuUsage: 7 }] },
    { namespace: 'ns-b', pod: 'p', windows: [{ start: W0 }, { start: W0 + 60_000, memoryLimit: 512 }, { start: W0 + 120_000 }] },
  ]);
});

test('accumulator: memory usage falls back per window only where working set is missing', () => {
  const acc = createUsageAccumulator(grid);
  const r = acc.row('ns', 'p');
  acc.add(r, seriesSlot('memoryUsageFallback'), W0, 10);
  acc.add(r, seriesSlot('memoryUsageFallback'), W0 + 60_000, 20);
  acc.add(r, seriesSlot('memoryUsage'), W0 + 60_000, 15);
  assert.deepEqual(
    acc.finish()[0].windows.map((w) => w.memoryUsage),
    [10, 15, undefined],
  );
});

test('accumulator: a namespace/pod pair is not confused with another split differently', () => {
  const acc = createUsageAccumulator(grid);
  assert.notEqual(acc.row('a', 'b-c'), acc.row('a-b', 'c'));
  assert.equal(acc.finish().length, 2);
});
