/**
 * Interned n-gram ids on typed arrays. A unigram's id is its term id; a longer n-gram is the
 * pair (id of its prefix, last term), interned in an open-addressing hash table, and gets the
 * id `nTerms + slot`. So a trigram is (bigram id, term), and every n-gram is one table probe
 * per extra word with no strings and no per-n-gram objects. Ids are dense. Each slot carries
 * two integer fields for the caller (document frequency and the last document counted),
 * stored beside its key: one cache miss per probe instead of one per array.
 */
export const STRIDE = 4;
export class NgramTable {
  readonly nTerms: number;
  /** per slot: prefix id, last term, then the caller's two fields */
  entries: Int32Array;
  /** slot + 1 by hash bucket; 0 = empty */
  private buckets: Int32Array;
  private mask: number;
  private count = 0;

  constructor(nTerms: number, expected = 1 << 16) {
    this.nTerms = nTerms;
    let cap = 1 << 10;
    while (cap < expected * 2) cap <<= 1;
    this.buckets = new Int32Array(cap);
    this.mask = cap - 1;
    this.entries = new Int32Array((cap >> 1) * STRIDE);
  }

  /** How many ids exist: every term plus the interned longer n-grams. */
  get size(): number {
    return this.nTerms + this.count;
  }

  private static hash(a: number, b: number): number {
    let h = Math.imul(a, 0x9e3779b1) ^ Math.imul(b + 0x7f4a7c15, 0x85ebca6b);
    h ^= h >>> 15;
    h = Math.imul(h, 0x2c1b3c6d);
    return h ^ (h >>> 13);
  }

  /** The id of (prefix id, term), or -1. */
  get(prefix: number, term: number): number {
    const m = this.mask;
    const buckets = this.buckets;
    const e = this.entries;
    for (let i = NgramTable.hash(prefix, term) & m; ; i = (i + 1) & m) {
      const s = buckets[i] as number;
      if (s === 0) return -1;
      const o = (s - 1) * STRIDE;
      if (e[o] === prefix && e[o + 1] === term) return this.nTerms + s - 1;
    }
  }

  /** The id of (prefix id, term), interning it when new (which may replace `entries`). */
  intern(prefix: number, term: number): number {
    if ((this.count + 1) * 2 > this.buckets.length) this.grow();
    const m = this.mask;
    const buckets = this.buckets;
    const e = this.entries;
    let i = NgramTable.hash(prefix, term) & m;
    for (; ; i = (i + 1) & m) {
      const s = buckets[i] as number;
      if (s === 0) break;
      const o = (s - 1) * STRIDE;
      if (e[o] === prefix && e[o + 1] === term) return this.nTerms + s - 1;
    }
    const slot = this.count++;
    e[slot * STRIDE] = prefix;
    e[slot * STRIDE + 1] = term;
    buckets[i] = slot + 1;
    return this.nTerms + slot;
  }

  private grow(): void {
    const cap = this.buckets.length * 2;
    const entries = new Int32Array((cap >> 1) * STRIDE);
    entries.set(this.entries.subarray(0, this.count * STRIDE));
    this.entries = entries;
    this.buckets = new Int32Array(cap);
    this.mask = cap - 1;
    for (let s = 0; s < this.count; s++) {
      const o = s * STRIDE;
      let i = NgramTable.hash(entries[o] as number, entries[o + 1] as number) & this.mask;
      while (this.buckets[i] !== 0) i = (i + 1) & this.mask;
      this.buckets[i] = s + 1;
    }
  }

  /** The term ids of an n-gram id, first word first. */
  terms(id: number): number[] {
    const out: number[] = [];
    let x = id;
    while (x >= this.nTerms) {
      const o = (x - this.nTerms) * STRIDE;
      out.push(this.entries[o + 1] as number);
      x = this.entries[o] as number;
    }
    out.push(x);
    return out.reverse();
  }

  /** An n-gram's text: its terms joined by a space. */
  text(id: number, terms: readonly string[]): string {
    return this.terms(id)
      .map((t) => terms[t] as string)
      .join(" ");
  }
}
