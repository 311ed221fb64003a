/**
 * EdgeColumns: the edges of a graph being built, as growable typed columns
 * (source, destination, summed weight, flags, and the last sample that
 * added to each, which stops recursion from counting twice).
 */

/** Edge sums in growable typed columns. */
export class EdgeColumns {
  count = 0;
  src: Int32Array;
  dst: Int32Array;
  weight: Float64Array;
  weightDiv: Float64Array;
  residual: Uint8Array;
  inline: Uint8Array;
  stamp: Int32Array;

  constructor(capacity: number) {
    const cap = Math.max(16, capacity);
    this.src = new Int32Array(cap);
    this.dst = new Int32Array(cap);
    this.weight = new Float64Array(cap);
    this.weightDiv = new Float64Array(cap);
    this.residual = new Uint8Array(cap);
    this.inline = new Uint8Array(cap);
    this.stamp = new Int32Array(cap);
  }

  /** A new edge from `a` to `b` with zero weight, not residual, inline until a non-inline call is seen. */
  add(a: number, b: number): number {
    if (this.count === this.src.length) this.#grow();
    const id = this.count++;
    this.src[id] = a;
    this.dst[id] = b;
    this.inline[id] = 1;
    this.stamp[id] = -1;
    return id;
  }

  #grow(): void {
    const cap = this.src.length * 2;
    const g = <T extends Int32Array | Float64Array | Uint8Array>(a: T): T => {
      const next = new (a.constructor as new (n: number) => T)(cap);
      next.set(a);
      return next;
    };
    this.src = g(this.src);
    this.dst = g(this.dst);
    this.weight = g(this.weight);
    this.weightDiv = g(this.weightDiv);
    this.residual = g(this.residual);
    this.inline = g(this.inline);
    this.stamp = g(this.stamp);
  }
}
