/**
 * Synthetic DOT for the renderer's tests and benchmark: `edges` pseudo-random
 * edges among `nodes` nodes, the same every call. Random dense graphs are
 * dot's worst case (crossing minimisation): in WASM Graphviz 16.1 here,
 * 40 nodes × 240 edges take ~0.6 s, 50 × 300 ~1-3 s, 100 × 600 ~30 s.
 */
export function denseDot(nodes: number, edges: number): string {
  const lines = ['digraph dense {'];
  let seed = 2463534242; // xorshift32
  const next = (): number => {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return (seed >>> 0) % nodes;
  };
  for (let i = 0; i < edges; i++) lines.push(`N${next()} -> N${next()}`);
  lines.push('}', '');
  return lines.join('\n');
}
