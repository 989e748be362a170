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

/** `counts`: raw n-gram counts (rows = papers); labels < 0 are left out. */
export function classTfidf(counts: Csr, labels: Int32Array, k: number): Float64Array[] {
  const tf = Array.from({ length: k }, () => new Float64Array(counts.nCols));
  for (let r = 0; r < counts.nRows; r++) {
    const c = labels[r] as number;
    if (c < 0) continue;
    const row = tf[c] as Float64Array;
    for (let p = counts.indptr[r] as number; p < (counts.indptr[r + 1] as number); p++) {
      const col = counts.indices[p] as number;
      row[col] = (row[col] as number) + (counts.data[p] as number);
    }
  }
  const ft = new Float64Array(counts.nCols);
  const words = tf.map((row) => {
    let s = 0;
    for (let j = 0; j < row.length; j++) {
      s += row[j] as number;
      ft[j] = (ft[j] as number) + (row[j] as number);
    }
    return s;
  });
  const nonEmpty = words.filter((w) => w > 0).length || 1;
  const avg = words.reduce((a, b) => a + b, 0) / nonEmpty;
  return tf.map((row, c) => {
    const w = new Float64Array(counts.nCols);
    const size = words[c] as number;
    if (size === 0) return w;
    for (let j = 0; j < row.length; j++) {
      const v = row[j] as number;
      if (v > 0) w[j] = (v / size) * Math.log(1 + avg / (ft[j] as number));
    }
    return w;
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
