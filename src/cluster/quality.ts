import type { Rng } from "../util/rng.js";
import { sampleIndices, type Points } from "./kmeans.js";
import { matmul } from "./linalg.js";

/**
 * Clustering quality: silhouette (cosine distance, on a seeded sample when the corpus is
 * large, as scikit-learn's silhouette_score(sample_size=...) does), and, against reference
 * labels, normalised mutual information (arithmetic normalisation, scikit-learn's default) and
 * the adjusted Rand index. Labels < 0 are left out (the `other` bucket, papers with no label).
 */

export interface Silhouette {
  mean: number;
  /** mean silhouette of each cluster's sampled members (null: none sampled) */
  perCluster: (number | null)[];
  sampleSize: number;
}

/**
 * Cosine distances between the rows (m × m). The dot products come from one dense product of
 * the rows with their transpose (WebAssembly, see matmulRows): each sums its terms in
 * dimension order, as a loop over the pair would, so the distances are the same to the bit.
 */
export function cosineDistances(p: Points, rows: number[]): Float64Array {
  const m = rows.length;
  const d = p.d;
  const s = new Float64Array(m * d);
  const t = new Float64Array(d * m);
  const norms = rows.map((r, a) => {
    let sq = 0;
    for (let j = 0; j < d; j++) {
      const v = p.data[r * d + j] as number;
      s[a * d + j] = v;
      t[j * m + a] = v;
      sq += v ** 2;
    }
    return Math.sqrt(sq) || 1;
  });
  const dist = matmul(s, m, d, t, m);
  for (let a = 0; a < m; a++) {
    dist[a * m + a] = 0;
    for (let b = a + 1; b < m; b++) {
      const dot = dist[a * m + b] as number;
      const dd = Math.max(0, 1 - dot / ((norms[a] as number) * (norms[b] as number)));
      dist[a * m + b] = dd;
      dist[b * m + a] = dd;
    }
  }
  return dist;
}

export function silhouette(
  p: Points,
  labels: Int32Array,
  k: number,
  rng: Rng,
  maxSample = 3000,
): Silhouette {
  const eligible: number[] = [];
  for (let i = 0; i < p.n; i++) if ((labels[i] as number) >= 0) eligible.push(i);
  const pick = sampleIndices(eligible.length, maxSample, rng).map((i) => eligible[i] as number);
  const m = pick.length;
  const lab = pick.map((i) => labels[i] as number);
  const dist = cosineDistances(p, pick);
  const counts = new Array<number>(k).fill(0);
  for (const l of lab) counts[l] = (counts[l] as number) + 1;
  const sums = new Array<number>(k).fill(0);
  const members = new Array<number>(k).fill(0);
  let total = 0;
  let used = 0;
  const sumTo = new Float64Array(k);
  for (let a = 0; a < m; a++) {
    sumTo.fill(0);
    for (let b = 0; b < m; b++)
      if (b !== a)
        sumTo[lab[b] as number] = (sumTo[lab[b] as number] as number) + (dist[a * m + b] as number);
    const own = lab[a] as number;
    const nOwn = (counts[own] as number) - 1;
    let s = 0;
    if (nOwn > 0) {
      const ai = (sumTo[own] as number) / nOwn;
      let bi = Infinity;
      for (let c = 0; c < k; c++) {
        if (c === own || (counts[c] as number) === 0) continue;
        bi = Math.min(bi, (sumTo[c] as number) / (counts[c] as number));
      }
      s = bi === Infinity ? 0 : (bi - ai) / Math.max(ai, bi) || 0;
    }
    sums[own] = (sums[own] as number) + s;
    members[own] = (members[own] as number) + 1;
    total += s;
    used++;
  }
  return {
    mean: used ? total / used : 0,
    perCluster: sums.map((s, c) =>
      (members[c] as number) > 0 ? s / (members[c] as number) : null,
    ),
    sampleSize: m,
  };
}

function contingency(a: readonly number[], b: readonly number[]) {
  const ia = new Map<number, number>();
  const ib = new Map<number, number>();
  for (const x of a) if (!ia.has(x)) ia.set(x, ia.size);
  for (const x of b) if (!ib.has(x)) ib.set(x, ib.size);
  const table = new Float64Array(ia.size * ib.size);
  for (let i = 0; i < a.length; i++) {
    const at = (ia.get(a[i] as number) as number) * ib.size + (ib.get(b[i] as number) as number);
    table[at] = (table[at] as number) + 1;
  }
  const rows = new Float64Array(ia.size);
  const cols = new Float64Array(ib.size);
  for (let i = 0; i < ia.size; i++) {
    for (let j = 0; j < ib.size; j++) {
      const v = table[i * ib.size + j] as number;
      rows[i] = (rows[i] as number) + v;
      cols[j] = (cols[j] as number) + v;
    }
  }
  return { table, rows, cols, nA: ia.size, nB: ib.size, n: a.length };
}

const entropy = (counts: Float64Array, n: number): number => {
  let h = 0;
  for (const c of counts) if (c > 0) h -= (c / n) * Math.log(c / n);
  return h;
};

/** NMI with arithmetic-mean normalisation (scikit-learn's normalized_mutual_info_score). */
export function nmi(truth: readonly number[], pred: readonly number[]): number {
  const { table, rows, cols, nA, nB, n } = contingency(truth, pred);
  if (n === 0) return 0;
  if ((nA === 1 && nB === 1) || (nA === n && nB === n)) return 1;
  let mi = 0;
  for (let i = 0; i < nA; i++) {
    for (let j = 0; j < nB; j++) {
      const v = table[i * nB + j] as number;
      if (v > 0) mi += (v / n) * Math.log((v * n) / ((rows[i] as number) * (cols[j] as number)));
    }
  }
  const denom = (entropy(rows, n) + entropy(cols, n)) / 2;
  return denom > 0 ? Math.max(0, mi / denom) : 0;
}

/** Adjusted Rand index (Hubert & Arabie). */
export function ari(truth: readonly number[], pred: readonly number[]): number {
  const { table, rows, cols, n } = contingency(truth, pred);
  const c2 = (x: number): number => (x * (x - 1)) / 2;
  let sumCells = 0;
  for (const v of table) sumCells += c2(v);
  let sumRows = 0;
  for (const v of rows) sumRows += c2(v);
  let sumCols = 0;
  for (const v of cols) sumCols += c2(v);
  const expected = (sumRows * sumCols) / c2(n);
  const max = (sumRows + sumCols) / 2;
  if (max === expected) return 1;
  return (sumCells - expected) / (max - expected);
}
