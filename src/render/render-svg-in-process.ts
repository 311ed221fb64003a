/**
 * DOT → final SVG on the calling thread, for one-shot commands.
 *
 * The `gopprof pprof -svg` command renders one graph and exits, so a worker
 * pool would only add start-up time. Layout blocks the event loop for its
 * whole duration: the service must use createRenderer instead.
 */
import { Graphviz } from '@hpcc-js/wasm-graphviz';
import { abortError, GopprofError } from '../errors.ts';
import { isBrokenInstanceError, layoutDot } from './layout-dot.ts';
import { massageSvg } from './massage-svg.ts';

/**
 * Lays `dot` out with this thread's Graphviz instance and returns the
 * massaged SVG. Fails with RENDER_FAILED on bad DOT, ABORTED if `signal` is
 * already aborted (a running layout cannot be interrupted on this thread). A
 * broken instance is unloaded and the layout retried once on a fresh one.
 */
export async function renderSvgInProcess(dot: string, signal?: AbortSignal): Promise<string> {
  for (let attempt = 1; ; attempt++) {
    if (signal?.aborted) throw abortError(signal, 'render');
    try {
      return massageSvg(layoutDot(await Graphviz.load(), dot));
    } catch (err) {
      if (!isBrokenInstanceError(err)) throw err;
      Graphviz.unload();
      if (attempt === 2) {
        throw new GopprofError('RENDER_FAILED', `graphviz failed twice on fresh instances: ${(err as Error).message}`, {
          cause: err,
        });
      }
    }
  }
}
