/**
 * TagAccumulator: per-node tag sums while a graph is built.
 */
import type { GraphNode, Tag } from './call-graph.ts';
import type { GraphSource } from './graph-source.ts';

/** Cells (node × label set) up to which sums are kept in dense arrays rather than a map. */
const DENSE_TAG_CELLS = 1 << 20;

/**
 * Per-node tag sums. Every frame of a sample adds the same label set, so
 * sums are kept per (node, label set) cell — one array slot per frame — and
 * expanded into the set's label tag and numeric tags at the end. A cell
 * remembers the first sample that touched it: a numeric tag keeps the raw
 * value of the first sample that created it, as in pprof.
 */
export class TagAccumulator {
  /** 1 for label sets that carry tags. */
  readonly tagged: Uint8Array;
  readonly #src: GraphSource;
  readonly #nNodes: number;
  readonly #dense: boolean;
  readonly #index = new Map<number, number>();
  #count = 0;
  #cell: Float64Array;
  #first: Int32Array;
  #flat: Float64Array;
  #flatDiv: Float64Array;
  #cum: Float64Array;
  #cumDiv: Float64Array;

  constructor(src: GraphSource, nNodes: number) {
    this.#src = src;
    const nSets = src.labelKindOf.length;
    this.#nNodes = nNodes;
    this.tagged = new Uint8Array(nSets);
    for (let s = 0; s < nSets; s++) {
      if (src.labelKindOf[s] >= 0 || src.numStart[s + 1] > src.numStart[s]) this.tagged[s] = 1;
    }
    this.#dense = nNodes * nSets <= DENSE_TAG_CELLS;
    const cap = this.#dense ? nNodes * nSets : 1024;
    this.#cell = new Float64Array(this.#dense ? 0 : cap);
    this.#first = new Int32Array(cap).fill(-1);
    this.#flat = new Float64Array(cap);
    this.#flatDiv = new Float64Array(cap);
    this.#cum = new Float64Array(cap);
    this.#cumDiv = new Float64Array(cap);
  }

  /** The cell arrays when they are dense (cell = set × nodes + node), for the builder's hot loop. */
  get dense(): { first: Int32Array; cum: Float64Array; cumDiv: Float64Array } | undefined {
    return this.#dense ? { first: this.#first, cum: this.#cum, cumDiv: this.#cumDiv } : undefined;
  }

  addCum(n: number, set: number, s: number, w: number, dw: number): void {
    const c = this.#slot(set * this.#nNodes + n);
    if (this.#first[c] < 0) this.#first[c] = s;
    this.#cum[c] += w;
    this.#cumDiv[c] += dw;
  }

  addFlat(n: number, set: number, s: number, w: number, dw: number): void {
    const c = this.#slot(set * this.#nNodes + n);
    if (this.#first[c] < 0) this.#first[c] = s;
    this.#flat[c] += w;
    this.#flatDiv[c] += dw;
  }

  #slot(cell: number): number {
    if (this.#dense) return cell;
    let c = this.#index.get(cell);
    if (c === undefined) {
      c = this.#count++;
      if (c === this.#first.length) this.#grow();
      this.#index.set(cell, c);
      this.#cell[c] = cell;
    }
    return c;
  }

  #grow(): void {
    const cap = this.#first.length * 2;
    const g = <T extends Int32Array | Float64Array>(a: T, fill: number): T => {
      const next = new (a.constructor as new (n: number) => T)(cap);
      next.fill(fill);
      next.set(a);
      return next;
    };
    this.#cell = g(this.#cell, 0);
    this.#first = g(this.#first, -1);
    this.#flat = g(this.#flat, 0);
    this.#flatDiv = g(this.#flatDiv, 0);
    this.#cum = g(this.#cum, 0);
    this.#cumDiv = g(this.#cumDiv, 0);
  }

  /** Creates the Tag objects on the nodes, in the order pprof would have created them. */
  materialise(node: (id: number) => GraphNode): void {
    const src = this.#src;
    const nNodes = this.#nNodes;
    const used: number[] = [];
    const n = this.#dense ? this.#first.length : this.#count;
    for (let c = 0; c < n; c++) if (this.#first[c] >= 0) used.push(c);
    used.sort((a, b) => this.#first[a] - this.#first[b]);
    for (const c of used) {
      const cell = this.#dense ? c : this.#cell[c];
      const id = cell % nNodes;
      const set = (cell - id) / nNodes;
      const gn = node(id);
      const lk = src.labelKindOf[set];
      if (lk >= 0) this.#addTo(gn, lk, 0, c);
      for (let j = src.numStart[set], end = src.numStart[set + 1]; j < end; j++) {
        this.#addTo(gn, src.numKind[j], src.numValue[j], c);
      }
    }
  }

  #addTo(gn: GraphNode, kind: number, value: number, c: number): void {
    const k = this.#src.tagKinds[kind];
    let map: Map<string, Tag>;
    if (!k.numeric) map = gn.labelTags;
    else {
      let m = gn.numericTags.get(k.labels);
      if (m === undefined) {
        m = new Map();
        gn.numericTags.set(k.labels, m);
      }
      map = m;
    }
    let tag = map.get(k.name);
    if (tag === undefined) {
      tag = { name: k.name, unit: k.unit, value, flat: 0, flatDiv: 0, cum: 0, cumDiv: 0 };
      map.set(k.name, tag);
    }
    tag.flat += this.#flat[c];
    tag.flatDiv += this.#flatDiv[c];
    tag.cum += this.#cum[c];
    tag.cumDiv += this.#cumDiv[c];
  }
}
