import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { test } from 'node:test';
import { Graphviz } from '@hpcc-js/wasm-graphviz';
import type { GraphvizLayout } from './layout-dot.ts';
import type { LayoutReply, LayoutRequest } from './layout-message.ts';
import { serveLayouts } from './serve-layouts.ts';

/** A worker's parentPort, in-process; the loop answers synchronously. */
function fakePort() {
  const incoming = new EventEmitter();
  const replies: LayoutReply[] = [];
  const port = {
    on: (event: 'message', listener: (request: LayoutRequest) => void) => incoming.on(event, listener),
    postMessage: (reply: LayoutReply) => {
      replies.push(reply);
    },
  };
  const ask = (request: LayoutRequest): LayoutReply | undefined => {
    incoming.emit('message', request);
    return replies.at(-1);
  };
  return { port, replies, ask };
}

test('posts ready once loaded, then massaged SVG or the DOT error per request', async () => {
  const { port, replies, ask } = fakePort();
  await serveLayouts(port, () => Graphviz.load());
  assert.deepEqual(replies, [{ type: 'ready' }]);

  const done = ask({ id: 7, dot: 'digraph { a -> b }' });
  assert.ok(done?.type === 'done' && done.id === 7 && done.svg.includes('<g id="viewport"'), JSON.stringify(done));
  assert.deepEqual(ask({ id: 8, dot: 'digraph {' }), {
    type: 'failed',
    id: 8,
    message: 'graphviz: syntax error in line 1',
    broken: false,
  });
  assert.equal(ask({ id: 9, dot: 'digraph { c }' })?.type, 'done');
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
  assert.deepEqual(ask({ id: 1, dot: 'digraph {}' }), {
    type: 'failed',
    id: 1,
    message: 'table index is out of bounds',
    broken: true,
  });
  assert.deepEqual(ask({ id: 2, dot: 'digraph {}' }), {
    type: 'failed',
    id: 2,
    message: 'graphviz instance is broken',
    broken: true,
  });
  assert.equal(calls, 1);
});
