/**
 * A layout worker whose Graphviz instance breaks like upstream hpcc-js/wasm
 * issue 389, for the renderer's tests.
 *
 * workerData.breaks is a SharedArrayBuffer holding one Int32 shared by all
 * the renderer's workers: while it is positive, a worker's first layout
 * decrements it and its instance breaks for good (every call then fails with
 * the message hpcc-js rethrows a WASM trap as), so only a fresh worker helps.
 * workerData.startFailure makes the worker die before it is ready.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { Graphviz } from '@hpcc-js/wasm-graphviz';
import type { GraphvizLayout } from '../layout-dot.ts';
import { serveLayouts } from '../serve-layouts.ts';

const data = workerData as { breaks?: SharedArrayBuffer; startFailure?: string };
if (data.startFailure !== undefined) throw new Error(data.startFailure);
const breaks = new Int32Array(data.breaks!);

async function loadFlaky(): Promise<GraphvizLayout> {
  const graphviz = await Graphviz.load();
  let broken = false;
  return {
    layout: (...args) => {
      if (broken || Atomics.sub(breaks, 0, 1) > 0) {
        broken = true;
        throw new Error('table index is out of bounds');
      }
      return graphviz.layout(...args);
    },
  };
}

await serveLayouts(parentPort!, loadFlaky);
