import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SVG_PAN_SCRIPT } from './svg-pan-script.ts';

test('compiles as a script and cannot end the CDATA section early', () => {
  assert.doesNotThrow(() => new Function(SVG_PAN_SCRIPT));
  assert.ok(!SVG_PAN_SCRIPT.includes(']]>'));
});

type Listener = (evt: Record<string, unknown>) => void;

/** Just enough of a browser's SVG document for the script: root listeners and the viewport group. */
function fakeDocument() {
  const listeners = new Map<string, Listener>();
  const viewport = { transform: 'scale(0.5,0.5) translate(0,0)', setAttribute: (_: string, v: string) => { viewport.transform = v; } };
  const root = {
    addEventListener: (type: string, fn: Listener) => listeners.set(`root:${type}`, fn),
    getBoundingClientRect: () => ({ left: 10, top: 20 }),
  };
  const document = { currentScript: null, documentElement: root, getElementById: (id: string) => (id === 'viewport' ? viewport : null) };
  const window = { addEventListener: (type: string, fn: Listener) => listeners.set(`window:${type}`, fn) };
  new Function('document', 'window', SVG_PAN_SCRIPT)(document, window);
  const fire = (key: string, evt: Record<string, unknown> = {}) => {
    let prevented = false;
    listeners.get(key)!({ button: 0, deltaMode: 0, ...evt, preventDefault: () => { prevented = true; } });
    return prevented;
  };
  const state = () => {
    const m = /^translate\((.+),(.+)\) scale\((.+),(.+)\)$/.exec(viewport.transform);
    assert.ok(m, viewport.transform);
    return { x: Number(m[1]), y: Number(m[2]), scale: Number(m[3]) };
  };
  return { fire, state };
}

test('wheel zooms around the cursor: the graph point under it stays put', () => {
  const { fire, state } = fakeDocument();
  // Cursor at (110, 70) in client coordinates = (100, 50) in the svg.
  assert.equal(fire('root:wheel', { clientX: 110, clientY: 70, deltaY: -300 }), true, 'wheel must not scroll the page');
  const zoomed = state();
  assert.equal(zoomed.scale, 1); // from 0.5, one 300px notch doubles
  // Graph point under the cursor before: (100 - 0) / 0.5 = 200; after: (100 - x) / 1.
  assert.equal((100 - zoomed.x) / zoomed.scale, 200);
  assert.equal((50 - zoomed.y) / zoomed.scale, 100);
  fire('root:wheel', { clientX: 110, clientY: 70, deltaY: 300 });
  assert.deepEqual(state(), { x: 0, y: 0, scale: 0.5 });
});

test('dragging pans by the distance moved, and stops on mouseup', () => {
  const { fire, state } = fakeDocument();
  assert.equal(fire('root:mousedown', { clientX: 10, clientY: 20 }), true, 'no text selection while dragging');
  fire('root:mousemove', { clientX: 40, clientY: 60 });
  assert.deepEqual(state(), { x: 30, y: 40, scale: 0.5 });
  fire('window:mouseup');
  fire('root:mousemove', { clientX: 400, clientY: 600 });
  assert.deepEqual(state(), { x: 30, y: 40, scale: 0.5 });
  fire('root:dblclick');
  assert.deepEqual(state(), { x: 0, y: 0, scale: 0.5 });
});
