/**
 * Interned n-gram ids on typed arrays. A unigram's id is its term id; a longer n-gram is the
 * pair (id of its prefix, last term), interned in an open-addressing hash table, and gets the
 * id `nTerms + slot`. So a trigram is (bigram id, term), and every n-gram is one table probe
 * per extra word with no strings and no per-n-gram objects. Ids are dense.
 *
 * Each bucket holds its key, its slot and the last document that counted it, side by side:
 * a probe, the key comparison and the once-per-document test read one cache line (the table
 * is far larger than the caches, so misses are what counting costs). Per slot, `entries`
 * holds the key again (for walking the n-grams in slot order), and `df` the document
 * frequency: four bytes a slot, so the counts stay in the caches far more than the buckets do.
 */
export const STRIDE = 2;
/** ints per bucket: prefix id, last term, slot + 1 (0: empty), last document counted + 1 */
const B = 4;
export class NgramTable {
  readonly nTerms: number;
  /** per slot: prefix id, last term */
  entries: Int32Array;
  /** per slot: document frequency */
  df: Int32Array;
  private buckets: Int32Array;
  private mask: number;
  private count = 0;

  constructor(nTerms: number, expected = 1 << 16) {
    this.nTerms = nTerms;
    let cap = 1 << 10;
    while (cap < expected * 2) cap <<= 1;
    this.buckets = new Int32Array(cap * B);
    this.mask = cap - 1;
    this.entries = new Int32Array((cap >> 1) * STRIDE);
    this.df = new Int32Array(cap >> 1);
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

  /** The bucket of (prefix id, term): its own, or the empty one where it would go. */
  private find(prefix: number, term: number): number {
    const m = this.mask;
    const b = this.buckets;
    for (let i = NgramTable.hash(prefix, term) & m; ; i = (i + 1) & m) {
      const o = i * B;
      if (b[o + 2] === 0 || (b[o] === prefix && b[o + 1] === term)) return o;
    }
  }

  /** The id of (prefix id, term), or -1. */
  get(prefix: number, term: number): number {
    const s = this.buckets[this.find(prefix, term) + 2] as number;
    return s === 0 ? -1 : this.nTerms + s - 1;
  }

  /** The id of (prefix id, term), interning it when new (which may replace `entries`). */
  intern(prefix: number, term: number): number {
    const o = this.bucketOf(prefix, term); // first: it may replace `buckets`
    return this.nTerms + (this.buckets[o + 2] as number) - 1;
  }

  /**
   * `intern`, and the n-gram's document frequency counted once for document `doc` (documents
   * come in increasing order).
   */
  occur(prefix: number, term: number, doc: number): number {
    const o = this.bucketOf(prefix, term); // first: it may replace `buckets`
    const b = this.buckets;
    const slot = (b[o + 2] as number) - 1;
    if (b[o + 3] !== doc + 1) {
      b[o + 3] = doc + 1;
      this.df[slot] = (this.df[slot] as number) + 1;
    }
    return this.nTerms + slot;
  }

  /** The bucket of (prefix id, term), interning it when new. */
  private bucketOf(prefix: number, term: number): number {
    if ((this.count + 1) * 2 > this.mask + 1) this.grow();
    const o = this.find(prefix, term);
    if (this.buckets[o + 2] === 0) this.add(o, prefix, term);
    return o;
  }

  private add(o: number, prefix: number, term: number): void {
    const slot = this.count++;
    if ((slot + 1) * STRIDE > this.entries.length) {
      const entries = new Int32Array(this.entries.length * 2);
      entries.set(this.entries);
      this.entries = entries;
      const df = new Int32Array(this.df.length * 2);
      df.set(this.df);
      this.df = df;
    }
    this.entries[slot * STRIDE] = prefix;
    this.entries[slot * STRIDE + 1] = term;
    this.buckets[o] = prefix;
    this.buckets[o + 1] = term;
    this.buckets[o + 2] = slot + 1;
  }

  private grow(): void {
    const old = this.buckets;
    const cap = (this.mask + 1) * 2;
    const m = cap - 1;
    const b = new Int32Array(cap * B);
    for (let o = 0; o < old.length; o += B) {
      if (old[o + 2] === 0) continue;
      let i = NgramTable.hash(old[o] as number, old[o + 1] as number) & m;
      while (b[i * B + 2] !== 0) i = (i + 1) & m;
      b.set(old.subarray(o, o + B), i * B);
    }
    this.buckets = b;
    this.mask = m;
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
