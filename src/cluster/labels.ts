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

/**
 * Calls `each` with every cluster's column sums over its rows (labels < 0 are left out) and
 * its row count, in one buffer that is reused (read it before returning): the rows are
 * grouped by cluster first (a counting sort), so the matrix is read once per cluster's rows
 * and k × vocabulary is never held at once (at 1M papers the vocabulary has millions of
 * columns).
 */
export function clusterColumnSums(
  m: CountRows,
  labels: Int32Array,
  k: number,
  each: (cluster: number, sums: Float64Array, rows: number) => void,
): void {
  const start = new Int32Array(k + 1);
  for (let r = 0; r < m.nRows; r++) {
    const c = labels[r] as number;
    if (c >= 0) start[c + 1] = (start[c + 1] as number) + 1;
  }
  for (let c = 0; c < k; c++) start[c + 1] = (start[c + 1] as number) + (start[c] as number);
  const order = new Int32Array(start[k] as number);
  const next = start.slice(0, k);
  for (let r = 0; r < m.nRows; r++) {
    const c = labels[r] as number;
    if (c < 0) continue;
    order[next[c] as number] = r;
    next[c] = (next[c] as number) + 1;
  }
  const sums = new Float64Array(m.nCols);
  for (let c = 0; c < k; c++) {
    sums.fill(0);
    for (let x = start[c] as number; x < (start[c + 1] as number); x++) {
      const r = order[x] as number;
      for (let p = m.indptr[r] as number; p < (m.indptr[r + 1] as number); p++) {
        const col = m.indices[p] as number;
        sums[col] = (sums[col] as number) + (m.data[p] as number);
      }
    }
    each(c, sums, (start[c + 1] as number) - (start[c] as number));
  }
}

/**
 * `counts`: raw n-gram counts (rows = papers); labels < 0 are left out. Calls `each` with
 * every cluster's weights in turn, in one reused buffer (see clusterColumnSums).
 */
export function classTfidf(
  counts: CountRows,
  labels: Int32Array,
  k: number,
  each: (cluster: number, weights: Float64Array) => void,
): void {
  // each term's frequency over all clusters, and each cluster's size in words
  const ft = new Float64Array(counts.nCols);
  const words = new Float64Array(k);
  for (let r = 0; r < counts.nRows; r++) {
    const c = labels[r] as number;
    if (c < 0) continue;
    let s = 0;
    for (let p = counts.indptr[r] as number; p < (counts.indptr[r + 1] as number); p++) {
      const v = counts.data[p] as number;
      const col = counts.indices[p] as number;
      ft[col] = (ft[col] as number) + v;
      s += v;
    }
    words[c] = (words[c] as number) + s;
  }
  let nonEmpty = 0;
  let total = 0;
  for (let c = 0; c < k; c++) {
    if ((words[c] as number) > 0) nonEmpty++;
    total += words[c] as number;
  }
  const avg = total / (nonEmpty || 1);
  clusterColumnSums(counts, labels, k, (c, w) => {
    const size = words[c] as number;
    if (size > 0) {
      for (let j = 0; j < w.length; j++) {
        const v = w[j] as number;
        if (v > 0) w[j] = (v / size) * Math.log(1 + avg / (ft[j] as number));
      }
    }
    each(c, w);
  });
}

/** Top `n` terms by weight (ties: vocabulary order); a unigram already inside a chosen bigram is skipped. */
export function topTerms(
  weights: Float64Array,
  vocabulary: readonly string[],
  display: (entry: string) => string,
  n: number,
): LabelTerm[] {
  // candidates: the top few hundred (skipped unigrams need spares); all positive weights
  // only when those run out
  const spare = Math.max(200, n * 20);
  const top = largestFirst(weights, spare);
  const chosen = chooseTerms(top, weights, vocabulary, display, n);
  if (chosen.length >= n) return chosen;
  const all = largestFirst(weights, Infinity);
  return all.length > top.length ? chooseTerms(all, weights, vocabulary, display, n) : chosen;
}

/**
 * Indices of the positive values, largest first (ties: lower index): at least the `count`
 * largest, and every value tied with the last of them. A threshold from a numeric typed-array
 * sort first, so only the candidates go through the comparator sort.
 */
export function largestFirst(values: Float64Array, count: number): number[] {
  const positive = values.filter((v) => v > 0).sort();
  const threshold = positive.length > count ? (positive[positive.length - count] as number) : 0;
  const out: number[] = [];
  for (let j = 0; j < values.length; j++) {
    const v = values[j] as number;
    if (v > 0 && v >= threshold) out.push(j);
  }
  return out.sort((a, b) => (values[b] as number) - (values[a] as number) || a - b);
}

function chooseTerms(
  order: number[],
  weights: Float64Array,
  vocabulary: readonly string[],
  display: (entry: string) => string,
  n: number,
): LabelTerm[] {
  const out: LabelTerm[] = [];
  const chosen: string[] = [];
  for (const j of order) {
    if (out.length >= n) break;
    const entry = vocabulary[j] as string;
    const parts = entry.split(" ");
    if (parts.length === 1 && chosen.some((c) => c.split(" ").includes(entry))) continue;
    chosen.push(entry);
    out.push({ term: display(entry), weight: weights[j] as number });
  }
  return out;
}
