/**
 * Renderer numbers: Graphviz load time, layout time of real pprof graphs
 * in-process and through the worker pool, throughput, memory per worker.
 *
 *   node test/bench/render.bench.ts [iterations]
 */
import { readFileSync } from 'node:fs';
import { Graphviz } from '@hpcc-js/wasm-graphviz';
import { createRenderer, layoutDot, massageSvg } from '../../src/render/index.ts';

const GOLDEN = new URL('../fixtures/profiles/golden/', import.meta.url);
const ITERATIONS = Number(process.argv[2] ?? 10);
const GRAPHS = ['cpu.dot', 'cpu.nodecount200.dot', 'big-cpu.dot'];

const ms = (n: number) => `${n.toFixed(1)} ms`;
const mb = (n: number) => `${(n / 1024 / 1024).toFixed(0)} MB`;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
function time(fn: () => void): number {
  const start = performance.now();
  fn();
  return performance.now() - start;
}
async function timeAsync(fn: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}
const nodeCount = (dot: string) => dot.split('\n').filter((l) => /^(?:N\d+|NN\d+_\d+) \[/.test(l)).length;

console.log(`node ${process.version}, ${ITERATIONS} iterations, medians after one warm-up run`);

const rssBefore = process.memoryUsage().rss;
const loadMs = await timeAsync(() => Graphviz.load());
const graphviz = await Graphviz.load();
console.log(`Graphviz.load (in-process, first): ${ms(loadMs)}, Graphviz ${graphviz.version()}, rss +${mb(process.memoryUsage().rss - rssBefore)}`);

for (const name of GRAPHS) {
  const dot = readFileSync(new URL(name, GOLDEN), 'utf8');
  const first = time(() => layoutDot(graphviz, dot));
  const layouts: number[] = [];
  let svg = '';
  for (let i = 0; i < ITERATIONS; i++) layouts.push(time(() => (svg = layoutDot(graphviz, dot))));
  const massage = median(Array.from({ length: ITERATIONS }, () => time(() => massageSvg(svg))));
  console.log(
    `in-process ${name} (${nodeCount(dot)} nodes, SVG ${(svg.length / 1024).toFixed(0)} KB): ` +
      `first ${ms(first)}, warm ${ms(median(layouts))}, massageSvg ${ms(massage)}`,
  );
}

const rssPool = process.memoryUsage().rss;
const renderer = createRenderer({ poolSize: 2 });
const spawnMs = await timeAsync(() => Promise.all([renderer.render('digraph { a }'), renderer.render('digraph { b }')]));
console.log(`pool of 2: both workers started and rendered a tiny graph in ${ms(spawnMs)}, rss +${mb(process.memoryUsage().rss - rssPool)}`);

for (const name of GRAPHS) {
  const dot = readFileSync(new URL(name, GOLDEN), 'utf8');
  await renderer.render(dot);
  const renders: number[] = [];
  for (let i = 0; i < ITERATIONS; i++) renders.push(await timeAsync(() => renderer.render(dot)));
  console.log(`renderer.render ${name}: warm ${ms(median(renders))} (layout + massage + worker messaging)`);
}

const cpuDot = readFileSync(new URL('cpu.dot', GOLDEN), 'utf8');
const parallel = 20;
const wall = await timeAsync(() => Promise.all(Array.from({ length: parallel }, () => renderer.render(cpuDot))));
console.log(`${parallel} × cpu.dot in parallel on 2 workers: ${ms(wall)} wall, ${(parallel / (wall / 1000)).toFixed(1)} renders/s`);
console.log(`rss with 2 warm workers: ${mb(process.memoryUsage().rss)}`);
await renderer.stop();
