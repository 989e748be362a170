import type { Csr } from "../vectorize/sparse.js";

/**
 * Class-based TF-IDF (Grootendorst 2022, BERTopic): a term's frequency within a cluster,
 * normalised by the cluster's size in words, times log(1 + A / f_t), where A is the average
 * number of words per cluster and f_t the term's frequency over all clusters. The top terms
 * of each cluster are its labels.
 */
export interface LabelTerm {
  term: string;
  weight: number;
}

/** Rows of raw counts: a matrix's structure with its own values (not copied to floats). */
export type CountRows = Omit<Csr, "data"> & { data: ArrayLike<number> };

/** Rows grouped by cluster (a counting sort): cluster c's rows are `order[start[c]..start[c + 1])`. */
export interface ClusterRows {
  order: Int32Array;
  start: Int32Array;
}

/** Groups the rows by label (labels < 0 are left out), each cluster's rows in ascending order. */
export function clusterRows(labels: Int32Array, k: number): ClusterRows {
  const start = new Int32Array(k + 1);
  for (let r = 0; r < labels.length; r++) {
    const c = labels[r] as number;
    if (c >= 0) start[c + 1] = (start[c + 1] as number) + 1;
  }
  for (let c = 0; c < k; c++) start[c + 1] = (start[c + 1] as number) + (start[c] as number);
  const order = new Int32Array(start[k] as number);
  const next = start.slice(0, k);
  for (let r = 0; r < labels.length; r++) {
    const c = labels[r] as number;
    if (c < 0) continue;
    order[next[c] as number] = r;
    next[c] = (next[c] as number) + 1;
  }
  return { order, start };
}

/**
 * Blocked column sums. Column sums over a large vocabulary are additions scattered over
 * arrays larger than the caches (at 1M papers, 3.8M columns: 30 MB of term frequencies, 61 MB
 * of count and value sums per cluster), where nearly every addition misses. With at least
 * this many columns, the entries of a block of rows are first bucketed by column range (a
 * counting sort that keeps their order), and then each bucket's entries are added, into a
 * range of sums that stays in the L2 cache. Each column's additions come in the same order
 * as in one pass over the rows, so even float sums are the same bit for bit.
 */
export const BLOCKING: Blocking = { minColumns: 1 << 19, entries: 1 << 20 };

export interface Blocking {
  /** columns from which the passes are blocked */
  minColumns: number;
  /** entries bucketed at a time (at least one row's) */
  entries: number;
}

/** Columns per bucket: 2^15 sums of 8 or 16 bytes, 256 or 512 kB. */
const BUCKET_BITS = 15;

/** A block of entries in column-bucket order, reused from block to block. */
class EntryBlock {
  start: Int32Array;
  col = new Int32Array(0);
  /** the counts as their own type (the matrix's are 16-bit) */
  count: Uint16Array | Float64Array = new Uint16Array(0);
  value: Float32Array | null = null;
  n = 0;

  constructor(
    nCols: number,
    private readonly bits: number,
  ) {
    this.start = new Int32Array((nCols >> bits) + 2);
  }

  /**
   * Fills the block with the entries of rows `rows[x0..)` (values too when given), as many
   * rows as fit in `limit` entries (at least one); returns where it stopped.
   */
  fill(
    counts: CountRows,
    values: Float32Array | null,
    rows: Int32Array,
    x0: number,
    limit: number,
  ): number {
    const { indptr, indices, data } = counts;
    const bits = this.bits;
    let x1 = x0;
    let n = 0;
    while (x1 < rows.length) {
      const r = rows[x1] as number;
      const len = (indptr[r + 1] as number) - (indptr[r] as number);
      if (x1 > x0 && n + len > limit) break;
      n += len;
      x1++;
    }
    const wide = !(data instanceof Uint16Array);
    if (this.col.length < n || wide !== this.count instanceof Float64Array) {
      const size = Math.max(n, this.col.length);
      this.col = new Int32Array(size);
      this.count = wide ? new Float64Array(size) : new Uint16Array(size);
      this.value = null;
    }
    if (values && !this.value) this.value = new Float32Array(this.col.length);
    const start = this.start;
    start.fill(0);
    for (let x = x0; x < x1; x++) {
      const r = rows[x] as number;
      for (let p = indptr[r] as number; p < (indptr[r + 1] as number); p++) {
        const b = ((indices[p] as number) >> bits) + 1;
        start[b] = (start[b] as number) + 1;
      }
    }
    for (let b = 1; b < start.length; b++)
      start[b] = (start[b] as number) + (start[b - 1] as number);
    const { col, count } = this;
    const value = values ? (this.value as Float32Array) : null;
    for (let x = x0; x < x1; x++) {
      const r = rows[x] as number;
      for (let p = indptr[r] as number; p < (indptr[r + 1] as number); p++) {
        const j = indices[p] as number;
        const b = j >> bits;
        const at = start[b] as number;
        start[b] = at + 1;
        col[at] = j;
        count[at] = data[p] as number;
        if (value) value[at] = (values as Float32Array)[p] as number;
      }
    }
    this.n = n;
    return x1;
  }
}

/**
 * Rows [from, to) added into each term's frequency `ft` and each cluster's size in words
 * (raw counts; labels < 0 are left out). The sums are of integers, exact in any order, so
 * row ranges can be summed on several threads and added up. Blocked: see BLOCKING.
 */
export function countColumns(
  counts: CountRows,
  labels: Int32Array,
  ft: Float64Array,
  words: Float64Array,
  from: number,
  to: number,
  blocking = BLOCKING,
): void {
  const { indptr, indices, data } = counts;
  const blocked = counts.nCols >= blocking.minColumns;
  // blocked, the clustered rows are listed (and their words summed) first
  const rows = new Int32Array(blocked ? Math.max(0, to - from) : 0);
  let nRows = 0;
  for (let r = from; r < to; r++) {
    const c = labels[r] as number;
    if (c < 0) continue;
    let s = 0;
    if (blocked) {
      rows[nRows++] = r;
      for (let p = indptr[r] as number; p < (indptr[r + 1] as number); p++) s += data[p] as number;
    } else {
      for (let p = indptr[r] as number; p < (indptr[r + 1] as number); p++) {
        const v = data[p] as number;
        const col = indices[p] as number;
        ft[col] = (ft[col] as number) + v;
        s += v;
      }
    }
    words[c] = (words[c] as number) + s;
  }
  if (!blocked) return;
  const block = new EntryBlock(counts.nCols, BUCKET_BITS);
  const clustered = rows.subarray(0, nRows);
  for (let x = 0; x < nRows;) {
    x = block.fill(counts, null, clustered, x, blocking.entries);
    const { col, count, n } = block;
    for (let i = 0; i < n; i++) {
      const j = col[i] as number;
      ft[j] = (ft[j] as number) + (count[i] as number);
    }
  }
}

/**
 * The parts of class TF-IDF shared by all clusters, from every term's frequency over the
 * clustered rows and every cluster's size in words (see countColumns): each term's
 * log(1 + A / f_t), computed in place of `ft` (a term no clustered row holds is never weighed).
 */
export function classIdf(
  ft: Float64Array,
  words: Float64Array,
): { idf: Float64Array; words: Float64Array } {
  let nonEmpty = 0;
  let total = 0;
  for (let c = 0; c < words.length; c++) {
    if ((words[c] as number) > 0) nonEmpty++;
    total += words[c] as number;
  }
  const avg = total / (nonEmpty || 1);
  for (let j = 0; j < ft.length; j++) ft[j] = Math.log(1 + avg / (ft[j] as number));
  return { idf: ft, words };
}

/** classIdf of all rows on the calling thread. */
export function classWeights(
  counts: CountRows,
  labels: Int32Array,
  k: number,
): { idf: Float64Array; words: Float64Array } {
  const ft = new Float64Array(counts.nCols);
  const words = new Float64Array(k);
  countColumns(counts, labels, ft, words, 0, counts.nRows);
  return classIdf(ft, words);
}

/** Everything the cluster terms of all clusters are computed from. */
export interface ClusterTermsJob {
  /** raw counts (rows = papers) */
  counts: Omit<Csr, "data"> & { data: Uint16Array };
  /** the matrix's TF-IDF values, on the same structure as the counts */
  values: Float32Array;
  rows: ClusterRows;
  idf: Float64Array;
  words: Float64Array;
  /** label candidates to keep per cluster (at least; ties at the cut are kept too) */
  spare: number;
  /** columns kept per term-space centroid */
  top: number;
}

/** One cluster's label candidates and term-space centroid. */
export interface ClusterTerms {
  /** columns with a positive class TF-IDF weight, largest first (ties: lower column) */
  candidates: Int32Array;
  /** the candidates' weights */
  weights: Float64Array;
  /** columns with a positive weight: more than the candidates when some were cut */
  positive: number;
  /** the centroid's `top` largest columns, ascending, and their means over the cluster */
  centroidCols: Int32Array;
  centroidMeans: Float64Array;
}

/**
 * For each of `clusters`: its class TF-IDF label candidates and its term-space centroid, from
 * one pass over its rows into vocabulary-wide buffers (reused from cluster to cluster, so
 * k × vocabulary is never held: at 1M papers the vocabulary has millions of columns). Only
 * the columns the cluster's rows hold are read after that pass (and cleared for the next
 * cluster): the others weigh 0, and a pass over the whole vocabulary per cluster cost more
 * than the cluster's own entries. Every cluster's result is the same whichever clusters share
 * the call, so calls can be spread over threads.
 */
export function clusterTerms(
  job: ClusterTermsJob,
  clusters: readonly number[],
  blocking = BLOCKING,
): ClusterTerms[] {
  const { counts, values, idf, words } = job;
  const { order, start } = job.rows;
  const { indptr, indices, data } = counts;
  // a column's count and value sums side by side: an entry touches one cache line, not two
  // (the buffers are larger than the caches, so misses are what this pass costs)
  const both = new Float64Array(2 * counts.nCols);
  // the columns the cluster holds, in order of first sight: a count is at least 1, so a
  // column is new while its count sum is 0 (the order does not matter: largestFirst breaks
  // ties by column)
  const held = new Int32Array(counts.nCols);
  const block =
    counts.nCols >= blocking.minColumns ? new EntryBlock(counts.nCols, BUCKET_BITS) : null;
  return clusters.map((c) => {
    const from = start[c] as number;
    const to = start[c + 1] as number;
    let nHeld = 0;
    const add = (j: number, count: number, value: number): void => {
      const at = 2 * j;
      const v = both[at] as number;
      if (v === 0) held[nHeld++] = j;
      both[at] = v + count;
      both[at + 1] = (both[at + 1] as number) + value;
    };
    if (block) {
      const rows = order.subarray(from, to);
      for (let x = 0; x < rows.length;) {
        x = block.fill(counts, values, rows, x, blocking.entries);
        const { col, count, n } = block;
        const value = block.value as Float32Array;
        for (let i = 0; i < n; i++) add(col[i] as number, count[i] as number, value[i] as number);
      }
    } else {
      for (let x = from; x < to; x++) {
        const r = order[x] as number;
        for (let p = indptr[r] as number; p < (indptr[r + 1] as number); p++)
          add(indices[p] as number, data[p] as number, values[p] as number);
      }
    }
    const size = words[c] as number;
    const cols = held.subarray(0, nHeld);
    const weightOf = (j: number): number => {
      const v = both[2 * j] as number;
      return v > 0 && size > 0 ? (v / size) * (idf[j] as number) : v;
    };
    const weights = new Float64Array(nHeld);
    const sums = new Float64Array(nHeld);
    let positive = 0;
    for (let i = 0; i < nHeld; i++) {
      const j = cols[i] as number;
      const w = weightOf(j);
      if (w > 0) positive++;
      weights[i] = w;
      sums[i] = both[2 * j + 1] as number;
    }
    const candidates = largestFirst(weights, job.spare, cols);
    const centroidCols = Int32Array.from(
      largestFirst(sums, job.top, cols).slice(0, job.top),
    ).sort();
    const n = to - from;
    const out: ClusterTerms = {
      candidates: Int32Array.from(candidates),
      weights: Float64Array.from(candidates, weightOf),
      positive,
      centroidCols,
      centroidMeans: Float64Array.from(centroidCols, (j) => (both[2 * j + 1] as number) / n),
    };
    for (let i = 0; i < nHeld; i++) {
      const at = 2 * (cols[i] as number);
      both[at] = 0;
      both[at + 1] = 0;
    }
    return out;
  });
}

/**
 * A cluster's `n` label terms from its candidates; `all` gives every positive column when the
 * candidates run out (a unigram already inside a chosen bigram is skipped).
 */
export function labelTerms(
  t: ClusterTerms,
  vocabulary: readonly string[],
  display: (entry: string) => string,
  n: number,
  all: () => ClusterTerms,
): LabelTerm[] {
  const chosen = chooseTerms(t, vocabulary, display, n);
  if (chosen.length >= n || t.positive <= t.candidates.length) return chosen;
  return chooseTerms(all(), vocabulary, display, n);
}

/**
 * Indices of the positive values, largest first (ties: lower index): at least the `count`
 * largest, and every value tied with the last of them. The threshold (the count-th largest)
 * comes from a min-heap of the `count` largest, so only the candidates are sorted. With
 * `index`, value i belongs to index[i] (distinct), and those indices are returned.
 */
export function largestFirst(
  values: Float64Array,
  count: number,
  index: Int32Array | null = null,
): number[] {
  const threshold = count >= values.length ? 0 : kthLargestPositive(values, count);
  const out: number[] = [];
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    if (v > 0 && v >= threshold) out.push(i);
  }
  const at = (i: number): number => (index ? (index[i] as number) : i);
  return out.sort((a, b) => (values[b] as number) - (values[a] as number) || at(a) - at(b)).map(at);
}

/** The count-th largest positive value, or 0 when there are at most `count` (count ≥ 1). */
function kthLargestPositive(values: Float64Array, count: number): number {
  const heap = new Float64Array(count);
  let size = 0;
  for (let j = 0; j < values.length; j++) {
    const v = values[j] as number;
    if (!(v > 0)) continue;
    if (size < count) {
      let i = size++;
      while (i > 0) {
        const up = (i - 1) >> 1;
        if ((heap[up] as number) <= v) break;
        heap[i] = heap[up] as number;
        i = up;
      }
      heap[i] = v;
    } else if (v > (heap[0] as number)) {
      let i = 0;
      for (;;) {
        let child = 2 * i + 1;
        if (child >= size) break;
        if (child + 1 < size && (heap[child + 1] as number) < (heap[child] as number)) child++;
        if ((heap[child] as number) >= v) break;
        heap[i] = heap[child] as number;
        i = child;
      }
      heap[i] = v;
    }
  }
  return size < count ? 0 : (heap[0] as number);
}

function chooseTerms(
  t: ClusterTerms,
  vocabulary: readonly string[],
  display: (entry: string) => string,
  n: number,
): LabelTerm[] {
  const out: LabelTerm[] = [];
  const chosen: string[] = [];
  for (let i = 0; i < t.candidates.length && out.length < n; i++) {
    const entry = vocabulary[t.candidates[i] as number] as string;
    const parts = entry.split(" ");
    if (parts.length === 1 && chosen.some((c) => c.split(" ").includes(entry))) continue;
    chosen.push(entry);
    out.push({ term: display(entry), weight: t.weights[i] as number });
  }
  return out;
}
