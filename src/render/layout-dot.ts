/**
 * One DOT → SVG layout on a Graphviz instance, with its failures classified.
 *
 * Runs inside a layout worker; kept free of worker plumbing so that it can be
 * tested in-process with a real or a fake instance.
 */
import type { Graphviz } from '@hpcc-js/wasm-graphviz';
import { GopprofError } from '../errors.ts';

/** The one method of a Graphviz instance we use; tests pass fakes. */
export type GraphvizLayout = Pick<Graphviz, 'layout'>;

// A WASM instance corrupted by an earlier call (upstream hpcc-js/wasm issue
// 389) fails every later call with a trap such as these; an Emscripten abort
// ("Aborted(OOM)") or a blown stack leaves it unusable too. hpcc-js rethrows
// traps as plain Errors carrying only the message, so match on the message,
// anchored so that a DOT syntax error quoting a node named "unreachable" does
// not match.
const BROKEN_INSTANCE =
  /^(?:RuntimeError: )?(?:(?:null function or )?function signature mismatch|table index is out of bounds|memory access out of bounds|unreachable|Aborted\(|Maximum call stack size exceeded)/;

/**
 * True when `err` means the Graphviz instance itself is broken (a WASM trap),
 * not that the DOT was bad: the caller must discard the instance — in our case
 * respawn the worker — and may retry the same DOT on a fresh one.
 */
export function isBrokenInstanceError(err: unknown): boolean {
  // WebAssembly.RuntimeError is recognised by name: @types/node does not declare WebAssembly.
  return err instanceof Error && (err.name === 'RuntimeError' || BROKEN_INSTANCE.test(err.message));
}

/**
 * Lays `dot` out with the `dot` engine and returns Graphviz's SVG (not yet
 * massaged). Bad DOT fails with RENDER_FAILED carrying Graphviz's own message
 * ("syntax error in line 3 near '->'"); a broken instance rethrows the
 * original error unchanged so that isBrokenInstanceError recognises it.
 */
export function layoutDot(graphviz: GraphvizLayout, dot: string): string {
  let svg: string;
  try {
    svg = graphviz.layout(dot, 'svg', 'dot');
  } catch (err) {
    if (isBrokenInstanceError(err)) throw err;
    const message = err instanceof Error ? err.message.trim() : String(err);
    throw new GopprofError('RENDER_FAILED', `graphviz: ${message || 'unknown error'}`, { cause: err });
  }
  // hpcc-js returns "" without an error for empty input.
  if (svg.length === 0) {
    throw new GopprofError('RENDER_FAILED', 'graphviz produced no output (is the DOT empty?)');
  }
  return svg;
}
