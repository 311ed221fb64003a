/**
 * PairIndex: a hash map from a pair of small non-negative integers to a
 * dense index, on typed arrays. The graph builder looks an edge up for
 * nearly every stack frame; a JS Map keyed by a combined number is several
 * times slower there.
 */
export class PairIndex {
  #keysA: Int32Array;
  #keysB: Int32Array;
  #values: Int32Array;
  #mask: number;
  #size = 0;

  constructor(capacityHint = 1024) {
    let cap = 16;
    while (cap < capacityHint * 2) cap *= 2;
    this.#keysA = new Int32Array(cap).fill(-1);
    this.#keysB = new Int32Array(cap);
    this.#values = new Int32Array(cap);
    this.#mask = cap - 1;
  }

  /** Number of pairs stored. */
  get size(): number {
    return this.#size;
  }

  /** The index stored for (a, b), or -1. */
  get(a: number, b: number): number {
    const keysA = this.#keysA;
    const mask = this.#mask;
    let i = hash(a, b) & mask;
    for (;;) {
      const k = keysA[i];
      if (k === -1) return -1;
      if (k === a && this.#keysB[i] === b) return this.#values[i];
      i = (i + 1) & mask;
    }
  }

  /** Stores `value` for (a, b), which must not be present yet. */
  set(a: number, b: number, value: number): void {
    if ((this.#size + 1) * 2 > this.#keysA.length) this.#grow();
    this.#insert(a, b, value);
    this.#size++;
  }

  #insert(a: number, b: number, value: number): void {
    const mask = this.#mask;
    let i = hash(a, b) & mask;
    while (this.#keysA[i] !== -1) i = (i + 1) & mask;
    this.#keysA[i] = a;
    this.#keysB[i] = b;
    this.#values[i] = value;
  }

  #grow(): void {
    const oldA = this.#keysA;
    const oldB = this.#keysB;
    const oldV = this.#values;
    const cap = oldA.length * 2;
    this.#keysA = new Int32Array(cap).fill(-1);
    this.#keysB = new Int32Array(cap);
    this.#values = new Int32Array(cap);
    this.#mask = cap - 1;
    for (let i = 0; i < oldA.length; i++) if (oldA[i] !== -1) this.#insert(oldA[i], oldB[i], oldV[i]);
  }
}

function hash(a: number, b: number): number {
  let h = Math.imul(a, 0x9e3779b1) ^ Math.imul(b + 0x7f4a7c15, 0x85ebca6b);
  h ^= h >>> 15;
  return h >>> 0;
}
