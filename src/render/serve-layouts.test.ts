import assert from 'node:assert/strict';
import { EventEmitter, once } from 'node:events';
import { test } from 'node:test';
import { Graphviz } from '@hpcc-js/wasm-graphviz';
import type { WorkerReply, WorkerRequest } from '../workers/index.ts';
import type { GraphvizLayout } from './layout-dot.ts';
import { serveLayouts } from './serve-layouts.ts';

/** A worker's parentPort, in-process. */
function fakePort() {
  const incoming = new EventEmitter();
  const outgoing = new EventEmitter();
  const replies: WorkerReply<string>[] = [];
  const port = {
    on: (event: 'message', listener: (request: WorkerRequest<string>) => void) => incoming.on(event, listener),
    postMessage: (reply: WorkerReply<string>) => {
      replies.push(reply);
      outgoing.emit('reply', reply);
    },
  };
  const ask = async (id: number, dot: string): Promise<WorkerReply<string>> => {
    const answered = once(outgoing, 'reply');
    incoming.emit('message', { id, request: dot });
    return (await answered)[0];
  };
  return { port, replies, ask };
}

test('posts ready once loaded, then massaged SVG or the DOT error per request', async () => {
  const { port, replies, ask } = fakePort();
  await serveLayouts(port, () => Graphviz.load());
  assert.deepEqual(replies, [{ type: 'ready' }]);

  const done = await ask(7, 'digraph { a -> b }');
  assert.ok(done.type === 'done' && done.id === 7 && done.result.includes('<g id="viewport"'), JSON.stringify(done));
  assert.deepEqual(await ask(8, 'digraph {'), {
    type: 'failed',
    id: 8,
    error: { code: 'RENDER_FAILED', message: 'graphviz: syntax error in line 1', details: {} },
    broken: false,
  });
  assert.equal((await ask(9, 'digraph { c }')).type, 'done');
});

test('after a broken-instance failure it never touches the instance again', async () => {
  let calls = 0;
  const broken: GraphvizLayout = {
    layout: () => {
      calls++;
      throw new Error('table index is out of bounds');
    },
  };
  const { port, ask } = fakePort();
  await serveLayouts(port, async () => broken);
  assert.deepEqual(await ask(1, 'digraph {}'), {
    type: 'failed',
    id: 1,
    error: { code: 'INTERNAL', message: 'table index is out of bounds', details: {} },
    broken: true,
  });
  assert.deepEqual(await ask(2, 'digraph {}'), {
    type: 'failed',
    id: 2,
    error: { code: 'INTERNAL', message: 'the worker is broken', details: {} },
    broken: true,
  });
  assert.equal(calls, 1);
});
