/**
 * Interning of sample labels while samples stream by. A heap profile gives
 * every one of its ~10^6 samples a `bytes` label, but only a few thousand
 * distinct label lists occur; building a LabelSet (or even a string key) per
 * sample would dominate decoding. So each sample's raw label tuples
 * (key, str, num, num_unit) are hashed and compared as numbers, and only a
 * list not seen before is resolved into a LabelSet, then interned once more by
 * content (two different raw lists can mean the same labels).
 */
import { GopprofError } from '../errors.ts';
import { labelSetKey, ownList } from './label-set-key.ts';
import { EMPTY_LABEL_SET, type LabelSet } from './profile.ts';
import { type ProtobufReader, WIRE_VARINT } from './protobuf-reader.ts';
import { tooManyEntries } from './read-profile-tables.ts';

const FIELDS = 4;
const LABEL_FIELDS = ['', 'key', 'str', 'num', 'num_unit'];

/** Interns the labels of one sample at a time: begin(), addLabel()…, end() → index into labelSets. */
export class LabelInterner {
  /** labelSets[0] is EMPTY_LABEL_SET. */
  readonly labelSets: LabelSet[] = [EMPTY_LABEL_SET];
  private readonly strings: readonly string[];
  private readonly byKey = new Map<string, number>([[labelSetKey(EMPTY_LABEL_SET), 0]]);
  /** hash → first raw entry with that hash; entries chain through `next`. */
  private readonly byHash = new Map<number, number>();
  private readonly rawTuples: Float64Array[] = [];
  private readonly rawNext: number[] = [];
  private readonly rawSet: number[] = [];
  /** The current sample's tuples, FIELDS numbers per label. */
  private current = new Float64Array(FIELDS * 8);
  private length = 0;
  private hash = 0;

  /** Raw lists past the hash chains' length limit, by a string key. */
  private readonly bySlowKey = new Map<string, number>();
  /** Labels in all the raw lists kept so far. */
  private keptLabels = 0;
  /** How many kept labels plus LabelSets there may be. */
  private readonly maxEntries: number;
  private readonly entryCap: number;
  private readonly maxChain: number;

  /**
   * `maxEntries` bounds the labels kept in raw lists plus LabelSets; `entryCap` is the
   * cap named in the error; `maxChain` (tests lower it) bounds a hash chain.
   */
  constructor(strings: readonly string[], maxEntries: number, entryCap: number, maxChain = 8) {
    this.strings = strings;
    this.maxEntries = maxEntries;
    this.entryCap = entryCap;
    this.maxChain = maxChain;
  }

  /** Starts the labels of a new sample. */
  begin(): void {
    this.length = 0;
    this.hash = 0x811c9dc5;
  }

  /** Reads one Label message ending at `end` and adds it to the current sample. */
  addLabel(r: ProtobufReader, end: number): void {
    const start = r.pos;
    let key = 0;
    let str = 0;
    let num = 0;
    let unit = 0;
    while (r.pos < end) {
      const at = r.pos;
      const tag = r.tag();
      const field = tag >>> 3;
      if (field >= 1 && field <= 4) r.expectWireType(tag, WIRE_VARINT, `Label.${LABEL_FIELDS[field]}`, at);
      switch (field) {
        case 1:
          key = r.uint64();
          break;
        case 2:
          str = r.uint64();
          break;
        case 3:
          num = r.int64();
          break;
        case 4:
          unit = r.uint64();
          break;
        default:
          r.skip(tag & 7, end, at);
      }
    }
    r.expectEnd(end, 'a Label', start);
    if (this.length + FIELDS > this.current.length) {
      const bigger = new Float64Array(this.current.length * 2);
      bigger.set(this.current);
      this.current = bigger;
    }
    const c = this.current;
    const n = this.length;
    c[n] = key;
    c[n + 1] = str;
    // NaN (|num| > 2^53) would never compare equal; Infinity stands for it instead.
    c[n + 2] = !Number.isNaN(num) ? num : Number.POSITIVE_INFINITY;
    c[n + 3] = unit;
    this.length = n + FIELDS;
    let h = this.hash;
    h = Math.imul(h ^ (key | 0), 0x01000193);
    h = Math.imul(h ^ (str | 0), 0x01000193);
    h = Math.imul(h ^ (num | 0), 0x01000193);
    h = Math.imul(h ^ ((num / 4294967296) | 0), 0x01000193);
    h = Math.imul(h ^ (unit | 0), 0x01000193);
    this.hash = h;
  }

  /** Ends the current sample's labels; returns the index of its LabelSet. */
  end(sample: number): number {
    const n = this.length;
    if (n === 0) return 0;
    const c = this.current;
    const first = this.byHash.get(this.hash);
    let chain = 0;
    for (let e = first ?? -1; e !== -1; e = this.rawNext[e]) {
      chain++;
      const tuples = this.rawTuples[e];
      if (tuples.length !== n) continue;
      let same = true;
      for (let j = 0; j < n; j++) {
        if (tuples[j] !== c[j]) {
          same = false;
          break;
        }
      }
      if (same) return this.rawSet[e];
    }
    // A long chain means colliding hashes (perhaps crafted): past maxChain, a
    // string key keeps each lookup bounded instead of quadratic.
    if (chain >= this.maxChain) return this.endSlow(sample);
    this.checkCap();
    const set = this.resolve(sample);
    this.rawTuples.push(c.slice(0, n));
    this.rawNext.push(first ?? -1);
    this.rawSet.push(set);
    this.byHash.set(this.hash, this.rawTuples.length - 1);
    return set;
  }

  private endSlow(sample: number): number {
    const key = this.current.subarray(0, this.length).join(',');
    let set = this.bySlowKey.get(key);
    if (set === undefined) {
      this.checkCap();
      set = this.resolve(sample);
      this.bySlowKey.set(key, set);
    }
    return set;
  }

  /**
   * Counts the current list's labels, about to be kept, and the LabelSet it
   * may add, against the cap (labelSets.length stands for the sets so far,
   * minus the free empty one, plus the new one).
   */
  private checkCap(): void {
    this.keptLabels += this.length / FIELDS;
    if (this.keptLabels + this.labelSets.length > this.maxEntries) throw tooManyEntries(this.entryCap);
  }

  /** Turns the current raw tuples into a LabelSet the way Go's pprof does, and interns it. */
  private resolve(sample: number): number {
    const c = this.current;
    const labels: Record<string, string[]> = {};
    const numLabels: Record<string, number[]> = {};
    const numUnits: Record<string, string[]> = {};
    for (let j = 0; j < this.length; j += FIELDS) {
      const key = this.str(c[j], sample, 'label key');
      const str = c[j + 1];
      const num = c[j + 2];
      const unit = c[j + 3];
      // Go drops a label with neither a string value nor a number nor a unit.
      if (str !== 0) {
        ownList(labels, key).push(this.str(str, sample, 'label value'));
      } else if (num !== 0 || unit !== 0) {
        if (num === Number.POSITIVE_INFINITY) {
          throw new GopprofError(
            'PROFILE_VALUE_RANGE',
            `sample ${sample}: numeric label ${JSON.stringify(key)} does not fit a float64 exactly (|v| > 2^53)`,
          );
        }
        ownList(numLabels, key).push(num);
        ownList(numUnits, key).push(this.str(unit, sample, 'label num_unit'));
      }
    }
    const set: LabelSet = { labels, numLabels, numUnits };
    const key = labelSetKey(set);
    let index = this.byKey.get(key);
    if (index === undefined) {
      index = this.labelSets.push(set) - 1;
      this.byKey.set(key, index);
    }
    return index;
  }

  private str(index: number, sample: number, what: string): string {
    if (index < this.strings.length) return this.strings[index];
    throw new GopprofError(
      'PROFILE_INVALID',
      `sample ${sample}: ${what} string index ${index} is out of range (${this.strings.length} strings)`,
    );
  }
}
