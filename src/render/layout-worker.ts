/**
 * Entry file of a layout worker thread (see createRenderer): one Graphviz
 * WASM instance per worker, so that a multi-second layout blocks this thread,
 * never the service's event loop, and a stuck or broken instance is discarded
 * by terminating the thread.
 */
import { parentPort } from 'node:worker_threads';
import { Graphviz } from '@hpcc-js/wasm-graphviz';
import { serveLayouts } from './serve-layouts.ts';

if (parentPort === null) throw new Error('layout-worker.ts must run in a worker thread');
await serveLayouts(parentPort, () => Graphviz.load());
