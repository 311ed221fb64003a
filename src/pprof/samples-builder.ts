/**
 * SamplesBuilder: builds the column-wise Samples of a transformed profile
 * (filtered, pruned, scaled or merged) without an object per sample.
 */
import { growTypedArray as grow } from './grow-typed-array.ts';
import type { Samples } from './profile.ts';

/** Appends samples and produces a Samples value with exactly-sized typed arrays. */
export class SamplesBuilder {
  readonly #stride: number;
  #count = 0;
  #offsets: Uint32Array;
  #locs: Uint32Array;
  #nLocs = 0;
  #values: Float64Array;
  #labelSets: Uint32Array;

  /** `stride` is the number of values per sample; the hints only size the first allocation. */
  constructor(stride: number, sampleHint = 16, locationHint = 64) {
    this.#stride = stride;
    this.#offsets = new Uint32Array(Math.max(1, sampleHint) + 1);
    this.#locs = new Uint32Array(Math.max(1, locationHint));
    this.#values = new Float64Array(Math.max(1, sampleHint * stride));
    this.#labelSets = new Uint32Array(Math.max(1, sampleHint));
  }

  /** Number of samples appended so far. */
  get count(): number {
    return this.#count;
  }

  /**
   * Appends one sample: locations `locs[from..to)` (leaf first), values
   * `values[valueOffset .. valueOffset+stride)`, and a label set index.
   */
  push(
    locs: ArrayLike<number>,
    from: number,
    to: number,
    values: ArrayLike<number>,
    valueOffset: number,
    labelSet: number,
  ): void {
    const n = this.#count;
    if (n + 2 > this.#offsets.length) this.#offsets = grow(this.#offsets, n + 2);
    if (n + 1 > this.#labelSets.length) this.#labelSets = grow(this.#labelSets, n + 1);
    const stride = this.#stride;
    if ((n + 1) * stride > this.#values.length) this.#values = grow(this.#values, (n + 1) * stride);
    const len = to - from;
    if (this.#nLocs + len > this.#locs.length) this.#locs = grow(this.#locs, this.#nLocs + len);
    for (let k = 0; k < len; k++) this.#locs[this.#nLocs + k] = locs[from + k];
    this.#nLocs += len;
    for (let t = 0; t < stride; t++) this.#values[n * stride + t] = values[valueOffset + t];
    this.#labelSets[n] = labelSet;
    this.#count = n + 1;
    this.#offsets[n + 1] = this.#nLocs;
  }

  /** True when sample `index` has label set `labelSet` and exactly the locations `locs[from..to)`. */
  matches(index: number, locs: ArrayLike<number>, from: number, to: number, labelSet: number): boolean {
    if (this.#labelSets[index] !== labelSet) return false;
    const start = this.#offsets[index];
    if (this.#offsets[index + 1] - start !== to - from) return false;
    for (let k = 0; k < to - from; k++) if (this.#locs[start + k] !== locs[from + k]) return false;
    return true;
  }

  /** Adds `values[valueOffset .. valueOffset+stride)` to the values of sample `index` (merging identical samples). */
  addValues(index: number, values: ArrayLike<number>, valueOffset: number): void {
    const stride = this.#stride;
    for (let t = 0; t < stride; t++) this.#values[index * stride + t] += values[valueOffset + t];
  }

  /** The samples appended, as a Samples value (the builder must not be used afterwards). */
  finish(): Samples {
    const n = this.#count;
    return {
      count: n,
      locationOffsets: this.#offsets.slice(0, n + 1),
      locationIndex: this.#locs.slice(0, this.#nLocs),
      values: this.#values.slice(0, n * this.#stride),
      labelSet: this.#labelSets.slice(0, n),
    };
  }
}
