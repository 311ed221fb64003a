/**
 * The body of a layout worker: load one Graphviz instance, then answer layout
 * requests (DOT in, massaged SVG out) one at a time.
 *
 * Separate from the worker entry file so that a test worker can wrap the
 * instance (to simulate a broken one) and reuse the same loop.
 */
import { type RequestPort, serveRequests } from '../workers/index.ts';
import { type GraphvizLayout, isBrokenInstanceError, layoutDot } from './layout-dot.ts';
import { massageSvg } from './massage-svg.ts';

/**
 * Loads the instance with `loadGraphviz`, posts `ready`, then answers each
 * DOT with its SVG or the error (RENDER_FAILED for bad DOT). After a
 * broken-instance failure it never touches the instance again (the pool
 * replaces this worker).
 */
export async function serveLayouts(
  port: RequestPort<string, string>,
  loadGraphviz: () => Promise<GraphvizLayout>,
): Promise<void> {
  const graphviz = await loadGraphviz();
  serveRequests(port, (dot) => massageSvg(layoutDot(graphviz, dot)), {
    announceReady: true,
    isBroken: isBrokenInstanceError,
  });
}
