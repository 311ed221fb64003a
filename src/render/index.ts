/**
 * Rendering: pprof DOT → interactive SVG with WASM Graphviz in worker
 * threads; no Graphviz binary needed.
 */
export type { Renderer, RendererStats } from './create-renderer.ts';
export { createRenderer } from './create-renderer.ts';
export type { GraphvizLayout } from './layout-dot.ts';
export { isBrokenInstanceError, layoutDot } from './layout-dot.ts';
export { massageSvg } from './massage-svg.ts';
export type { RendererOptions } from './renderer-options.ts';
export { DEFAULT_RENDERER_OPTIONS, resolveRendererOptions } from './renderer-options.ts';
export { SVG_PAN_SCRIPT } from './svg-pan-script.ts';
export { renderSvgInProcess } from './render-svg-in-process.ts';
