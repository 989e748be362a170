/**
 * Interned n-gram ids on typed arrays. A unigram's id is its term id; a longer n-gram is the
 * pair (id of its prefix, last term) and gets the id `nTerms + slot`, slots dense in the order
 * n-grams are first seen. So a trigram is (bigram id, term), and every n-gram is one lookup
 * per extra word with no strings and no per-n-gram objects. `entries` holds each slot's pair
 * (for walking the n-grams in slot order: a prefix always precedes its extensions).
 *
 * The lookup structure is cut into partitions by the pair's hash, each an open-addressing
 * table of about half a megabyte, and n-grams mostly arrive in bulk (`add`): a batch is first
 * bucketed by partition, then each partition's records are looked up one after another. A
 * probe into one table far larger than the caches costs a cache and a TLB miss (dependent
 * random reads on the 2-core benchmark machine: about 15 ns within 1 MB, 90 ns at 4 MB,
 * 200 ns at 32 MB and beyond); a partition's table is read through first (sequential reads
 * are cheap) and then stays in the L2 cache and TLB while its records go through. At 143k
 * abstracts (12M bigram occurrences, 3M distinct) counting takes a third of the time it took
 * with one table.
 *
 * Each bucket holds its pair, its slot and the n-gram's document frequency side by side; a
 * partition's totals (when kept) sit in an array beside its buckets. `df()` and `totals()`
 * gather them by slot.
 */
import { release } from "../util/release.js";

export const STRIDE = 2;
/** ints per bucket: prefix id, last term, slot + 1 (0: empty), document frequency */
const B = 4;
/** buckets a partition aims at (16 bytes each): half the L2 cache of the machines measured */
const PARTITION_BUCKETS = 1 << 15;
const MAX_PARTITION_BITS = 10;

/** A batch of n-gram occurrences for `NgramTable.add`. */
export interface NgramRecords {
  n: number;
  prefix: Int32Array;
  term: Int32Array;
  /** where each record's id is written in the output */
  target: Int32Array;
  /** document-frequency weight: per record, or the same for all */
  df: Int32Array | number;
  /** total-count weight per record (null: none) */
  tf: ArrayLike<number> | null;
  /**
   * A record of an n-gram not in the table whose document-frequency weight is below this is
   * not interned: its id comes back as -1, and nothing is counted (see mergeCounts). 0: all
   * are interned.
   */
  minNew?: number;
}

/** Reads a table through (one int per cache line), so that the probes after it hit the cache. */
function touch(b: Int32Array): number {
  let z = 0;
  for (let q = 0; q < b.length; q += 16) z |= b[q] as number;
  return z;
}

function hashPair(a: number, b: number): number {
  let h = Math.imul(a, 0x9e3779b1) ^ Math.imul(b + 0x7f4a7c15, 0x85ebca6b);
  h ^= h >>> 15;
  h = Math.imul(h, 0x2c1b3c6d);
  return h ^ (h >>> 13);
}

export class NgramTable {
  readonly nTerms: number;
  /** per slot: prefix id, last term */
  entries: Int32Array;
  private count = 0;
  /** partitions: 2^bits of them, by the top bits of the pair's hash */
  private readonly bits: number;
  private readonly buckets: Int32Array[];
  private readonly masks: Int32Array;
  private readonly sizes: Int32Array;
  /** per partition and bucket: the total count (only when totals are kept) */
  private readonly tf: Float64Array[] | null;
  private dfBySlot: Int32Array | null = null;
  private tfBySlot: Float64Array | null = null;
  /** scratch for bucketing a batch, reused */
  private scratch: {
    prefix: Int32Array;
    term: Int32Array;
    target: Int32Array;
    hash: Int32Array;
    df: Int32Array;
    tf: Float64Array;
  } | null = null;

  /** `expected`: distinct longer n-grams to size for; `keepTotals`: keep total counts too. */
  constructor(nTerms: number, expectedCount = 1 << 16, keepTotals = false) {
    this.nTerms = nTerms;
    const expected = Math.max(1, Math.ceil(expectedCount));
    let bits = 0;
    while (bits < MAX_PARTITION_BITS && (expected * 2) >> bits > PARTITION_BUCKETS) bits++;
    this.bits = bits;
    const parts = 1 << bits;
    let cap = 1 << 4;
    while (cap < Math.ceil((expected * 2) / parts)) cap <<= 1;
    this.buckets = Array.from({ length: parts }, () => new Int32Array(cap * B));
    this.masks = new Int32Array(parts).fill(cap - 1);
    this.sizes = new Int32Array(parts);
    this.tf = keepTotals ? Array.from({ length: parts }, () => new Float64Array(cap)) : null;
    this.entries = new Int32Array(Math.max(16, expected) * STRIDE);
  }

  /** How many ids exist: every term plus the interned longer n-grams. */
  get size(): number {
    return this.nTerms + this.count;
  }

  /** Buckets over all partitions (a partition doubles once more than half of its are used). */
  get capacity(): number {
    let c = 0;
    for (const m of this.masks) c += m + 1;
    return c;
  }

  /** Whether total counts are kept. */
  get keepsTotals(): boolean {
    return this.tf !== null;
  }

  private partOf(h: number): number {
    return this.bits === 0 ? 0 : h >>> (32 - this.bits);
  }

  /** The bucket offset of (prefix, term) in partition p: its own, or the empty one where it goes. */
  private find(p: number, h: number, prefix: number, term: number): number {
    const b = this.buckets[p] as Int32Array;
    const m = this.masks[p] as number;
    for (let i = h & m; ; i = (i + 1) & m) {
      const o = i * B;
      if (b[o + 2] === 0 || (b[o] === prefix && b[o + 1] === term)) return o;
    }
  }

  /** The id of (prefix id, term), or -1. */
  get(prefix: number, term: number): number {
    const h = hashPair(prefix, term);
    const p = this.partOf(h);
    const s = (this.buckets[p] as Int32Array)[this.find(p, h, prefix, term) + 2] as number;
    return s === 0 ? -1 : this.nTerms + s - 1;
  }

  /** The id of (prefix id, term), interning it when new (no counts). */
  intern(prefix: number, term: number): number {
    const h = hashPair(prefix, term);
    const p = this.partOf(h);
    if (((this.sizes[p] as number) + 1) * 2 > (this.masks[p] as number) + 1) this.grow(p);
    const o = this.find(p, h, prefix, term);
    const b = this.buckets[p] as Int32Array;
    if (b[o + 2] === 0) this.insert(b, o, p, prefix, term);
    return this.nTerms + (b[o + 2] as number) - 1;
  }

  /**
   * Adds a batch of n-gram records: each is interned when new (unless its weight is under
   * `minNew`), its document frequency and total grow by the record's weights, and its id is
   * written to `out[target]`. The records are bucketed by partition first (a counting sort
   * that keeps record order), each partition's records are then looked up one after another,
   * with the partition's table read through first when the records are many enough to touch
   * much of it (a sequential read costs a fraction of the misses it saves), and the ids are
   * put back in record order through the same buckets. Slots are given in partition order,
   * then record order: deterministic. Targets in increasing order keep the writes to `out`
   * sequential.
   */
  add(r: NgramRecords, out: Int32Array): void {
    this.dfBySlot = null;
    this.tfBySlot = null;
    const n = r.n;
    if (n === 0) return;
    const parts = 1 << this.bits;
    const s = this.scratchFor(n);
    const start = new Int32Array(parts + 1);
    const hash = s.hash;
    for (let i = 0; i < n; i++) {
      const h = hashPair(r.prefix[i] as number, r.term[i] as number);
      hash[i] = h;
      const p = this.partOf(h);
      start[p + 1] = (start[p + 1] as number) + 1;
    }
    for (let p = 0; p < parts; p++) start[p + 1] = (start[p + 1] as number) + (start[p] as number);
    const dfConst = typeof r.df === "number" ? r.df : 0;
    const dfW = typeof r.df === "number" ? null : r.df;
    const keepTf = this.tf !== null && r.tf !== null;
    const minNew = r.minNew ?? 0;
    let at = start.slice(0, parts);
    for (let i = 0; i < n; i++) {
      const h = hash[i] as number;
      const p = this.partOf(h);
      const o = at[p] as number;
      at[p] = o + 1;
      s.prefix[o] = r.prefix[i] as number;
      s.term[o] = r.term[i] as number;
      s.hash[n + o] = h;
      if (dfW !== null) s.df[o] = dfW[i] as number;
      if (keepTf) s.tf[o] = (r.tf as ArrayLike<number>)[i] as number;
    }
    const ids = s.target;
    for (let p = 0; p < parts; p++) {
      const from = start[p] as number;
      const to = start[p + 1] as number;
      if (from === to) continue;
      let b = this.buckets[p] as Int32Array;
      let m = this.masks[p] as number;
      if ((to - from) * 64 >= m + 1) touch(b);
      let tf = keepTf ? ((this.tf as Float64Array[])[p] as Float64Array) : null;
      for (let j = from; j < to; j++) {
        const prefix = s.prefix[j] as number;
        const term = s.term[j] as number;
        let i = (s.hash[n + j] as number) & m;
        let o = i * B;
        while (b[o + 2] !== 0 && (b[o] !== prefix || b[o + 1] !== term)) {
          i = (i + 1) & m;
          o = i * B;
        }
        const dfAdd = dfW === null ? dfConst : (s.df[j] as number);
        if (b[o + 2] === 0) {
          if (dfAdd < minNew) {
            ids[j] = -1;
            continue;
          }
          // a new n-gram: the partition grows only when this one would fill it past half (most
          // records of a batch are n-grams seen before, so room for all of them is not made)
          if (((this.sizes[p] as number) + 1) * 2 > m + 1) {
            this.grow(p);
            b = this.buckets[p] as Int32Array;
            m = this.masks[p] as number;
            tf = keepTf ? ((this.tf as Float64Array[])[p] as Float64Array) : null;
            i = (s.hash[n + j] as number) & m;
            o = i * B;
            while (b[o + 2] !== 0) {
              i = (i + 1) & m;
              o = i * B;
            }
          }
          this.insert(b, o, p, prefix, term);
        }
        b[o + 3] = (b[o + 3] as number) + dfAdd;
        if (tf !== null) tf[i] = (tf[i] as number) + (s.tf[j] as number);
        ids[j] = this.nTerms + (b[o + 2] as number) - 1;
      }
    }
    // back in record order, through the same buckets
    at = start.slice(0, parts);
    for (let i = 0; i < n; i++) {
      const p = this.partOf(hash[i] as number);
      const o = at[p] as number;
      at[p] = o + 1;
      out[r.target[i] as number] = ids[o] as number;
    }
  }

  private scratchFor(n: number): NonNullable<NgramTable["scratch"]> {
    if (this.scratch && this.scratch.prefix.length >= n) return this.scratch;
    const size = Math.max(n, 1 << 12);
    this.scratch = {
      prefix: new Int32Array(size),
      term: new Int32Array(size),
      target: new Int32Array(size),
      hash: new Int32Array(size * 2),
      df: new Int32Array(size),
      tf: new Float64Array(size),
    };
    return this.scratch;
  }

  /** Lets the batch scratch go (it is made again when needed). */
  releaseScratch(): void {
    this.scratch = null;
  }

  /**
   * Frees the table's arrays now (see `release`): at 1M papers they are about a gigabyte, and
   * the TF-IDF matrix is laid out right after the vocabulary is fitted. The table is empty
   * and unusable afterwards.
   */
  dispose(): void {
    const s = this.scratch;
    release([
      this.entries,
      this.masks,
      this.sizes,
      ...this.buckets,
      ...(this.tf ?? []),
      ...(this.dfBySlot ? [this.dfBySlot] : []),
      ...(this.tfBySlot ? [this.tfBySlot] : []),
      ...(s ? [s.prefix, s.term, s.target, s.hash, s.df, s.tf] : []),
    ]);
    this.scratch = null;
    this.dfBySlot = null;
    this.tfBySlot = null;
  }

  private insert(b: Int32Array, o: number, p: number, prefix: number, term: number): void {
    const slot = this.count++;
    if ((slot + 1) * STRIDE > this.entries.length) {
      const entries = new Int32Array(this.entries.length * 2);
      entries.set(this.entries);
      this.entries = entries;
    }
    this.entries[slot * STRIDE] = prefix;
    this.entries[slot * STRIDE + 1] = term;
    b[o] = prefix;
    b[o + 1] = term;
    b[o + 2] = slot + 1;
    this.sizes[p] = (this.sizes[p] as number) + 1;
    this.dfBySlot = null;
    this.tfBySlot = null;
  }

  private grow(p: number): void {
    const old = this.buckets[p] as Int32Array;
    const oldTf = this.tf?.[p] ?? null;
    const cap = ((this.masks[p] as number) + 1) * 2;
    const m = cap - 1;
    const b = new Int32Array(cap * B);
    const tf = oldTf ? new Float64Array(cap) : null;
    for (let o = 0; o < old.length; o += B) {
      if (old[o + 2] === 0) continue;
      let i = hashPair(old[o] as number, old[o + 1] as number) & m;
      while (b[i * B + 2] !== 0) i = (i + 1) & m;
      b.set(old.subarray(o, o + B), i * B);
      if (tf && oldTf) tf[i] = oldTf[o / B] as number;
    }
    this.buckets[p] = b;
    this.masks[p] = m;
    if (this.tf && tf) this.tf[p] = tf;
  }

  /** Each slot's document frequency (gathered from the partitions; kept until the next change). */
  df(): Int32Array {
    if (this.dfBySlot) return this.dfBySlot;
    const df = new Int32Array(this.count);
    for (const b of this.buckets) {
      for (let o = 0; o < b.length; o += B) {
        const s = b[o + 2] as number;
        if (s !== 0) df[s - 1] = b[o + 3] as number;
      }
    }
    this.dfBySlot = df;
    return df;
  }

  /** Each slot's total count, or null when totals are not kept. */
  totals(): Float64Array | null {
    if (!this.tf) return null;
    if (this.tfBySlot) return this.tfBySlot;
    const out = new Float64Array(this.count);
    this.buckets.forEach((b, p) => {
      const tf = (this.tf as Float64Array[])[p] as Float64Array;
      for (let o = 0; o < b.length; o += B) {
        const s = b[o + 2] as number;
        if (s !== 0) out[s - 1] = tf[o / B] as number;
      }
    });
    this.tfBySlot = out;
    return out;
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
