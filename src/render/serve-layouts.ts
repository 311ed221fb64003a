/**
 * The body of a layout worker: load one Graphviz instance, then answer layout
 * requests one at a time.
 *
 * Separate from the worker entry file so that a test worker can wrap the
 * instance (to simulate a broken one) and reuse the same loop.
 */
import { isGopprofError } from '../errors.ts';
import type { LayoutReply, LayoutRequest } from './layout-message.ts';
import { type GraphvizLayout, isBrokenInstanceError, layoutDot } from './layout-dot.ts';
import { massageSvg } from './massage-svg.ts';

/** The part of a worker's parentPort the loop uses. */
export interface LayoutPort {
  on(event: 'message', listener: (request: LayoutRequest) => void): unknown;
  postMessage(reply: LayoutReply): void;
}

/**
 * Loads the instance with `loadGraphviz`, posts `ready`, then answers each
 * request with `done` (massaged SVG) or `failed`. After a broken-instance
 * failure it never touches the instance again and fails every later request
 * as broken (the renderer terminates this worker anyway).
 */
export async function serveLayouts(port: LayoutPort, loadGraphviz: () => Promise<GraphvizLayout>): Promise<void> {
  const graphviz = await loadGraphviz();
  let broken = false;
  port.on('message', (request) => {
    if (broken) {
      port.postMessage({ type: 'failed', id: request.id, message: 'graphviz instance is broken', broken: true });
      return;
    }
    try {
      const svg = massageSvg(layoutDot(graphviz, request.dot));
      port.postMessage({ type: 'done', id: request.id, svg });
    } catch (err) {
      broken = isBrokenInstanceError(err);
      const message = isGopprofError(err) || err instanceof Error ? err.message : String(err);
      port.postMessage({ type: 'failed', id: request.id, message, broken });
    }
  });
  port.postMessage({ type: 'ready' });
}
