import type { Rng } from "../util/rng.js";
import { csrSelectRows, csrTranspose, type Csr } from "../vectorize/sparse.js";
import { sampleIndices } from "./kmeans.js";
import { serialKernels, type Kernels } from "../util/kernels.js";
import { orthonormalizer, symmetricEigen } from "./linalg.js";

/**
 * Latent semantic analysis: a rank-d truncated SVD of the TF-IDF matrix by the randomized
 * range finder (Halko, Martinsson & Tropp 2011) with power iterations, as scikit-learn's
 * TruncatedSVD(algorithm="randomized") does. On large corpora the right singular vectors are
 * fitted on a seeded sample of rows and every paper is projected onto them (X·V), which costs
 * one sparse product instead of many. Seeded: the same matrix and seed give the same output.
 */
export interface LsaResult {
  dims: number;
  /** nRows × dims, row-major: X·V */
  embedding: Float64Array;
  singularValues: number[];
  /** share of the (sampled) matrix's squared Frobenius norm the dims capture */
  explained: number;
  /** rows the SVD was fitted on */
  fittedOn: number;
  /** what projects any TF-IDF row of the same vocabulary: embedding = X[:, cols] · components */
  projection: Projection;
}

/** The fitted LSA map, saved with a model to place next week's papers in the same space. */
export interface Projection {
  d: number;
  /** vocabulary columns the SVD used, ascending */
  cols: Int32Array;
  /** cols.length × d, row-major */
  components: Float32Array;
}

/** colOf for csrTimesDense: vocabulary column → row of `components`, or -1. */
export function projectionColOf(p: Projection, nCols: number): Int32Array {
  const colOf = new Int32Array(nCols).fill(-1);
  p.cols.forEach((c, i) => {
    if (c < nCols) colOf[c] = i;
  });
  return colOf;
}

export interface LsaOptions {
  dims: number;
  powerIterations: number;
  oversample: number;
  /** fit on at most this many rows */
  sample: number;
  /** and on at most this many columns: the most frequent in the sample */
  maxFeatures: number;
}

export const LSA_DEFAULTS: LsaOptions = {
  dims: 100,
  powerIterations: 2,
  oversample: 10,
  sample: 20_000,
  maxFeatures: Number.MAX_SAFE_INTEGER,
};

/** Right singular vectors V (nCols × d, row-major) and singular values of x. */
export async function lsaFit(
  x: Csr,
  o: LsaOptions,
  rng: Rng,
  kernels: Kernels = serialKernels,
): Promise<{ components: Float64Array; d: number; singularValues: number[]; explained: number }> {
  const d = Math.max(1, Math.min(o.dims, x.nRows - 1, x.nCols - 1));
  const l = Math.min(d + o.oversample, x.nRows, x.nCols);
  const omega = new Float64Array(x.nCols * l);
  for (let i = 0; i < omega.length; i++) omega[i] = rng.normal();
  const xt = csrTranspose(x);
  const orth = async (a: Float64Array): Promise<Float64Array> =>
    kernels.matmul(a, x.nRows, l, orthonormalizer(await kernels.gram(a, x.nRows, l), l), l);
  let q = await orth(await kernels.csrTimesDense(x, omega, l));
  // subspace iteration on X·Xᵀ: Q ← orth(X (Xᵀ Q)). Only the row side is orthonormalised:
  // the column side has nCols rows (the vocabulary) and would cost nCols·l² per step.
  for (let it = 0; it < o.powerIterations; it++) {
    q = await orth(await kernels.csrTimesDense(x, await kernels.csrTimesDense(xt, q, l), l));
  }
  // B = Qᵀ X (l × nCols); with Bᵀ = XᵀQ, B Bᵀ = U_B Σ² U_Bᵀ and V = Bᵀ U_B Σ⁻¹
  const bt = await kernels.csrTimesDense(xt, q, l);
  const bbt = await kernels.gram(bt, x.nCols, l);
  const { values, vectors } = symmetricEigen(bbt, l);
  const w = new Float64Array(l * d);
  const singularValues: number[] = [];
  for (let j = 0; j < d; j++) {
    const s = Math.sqrt(Math.max(0, values[j] as number));
    singularValues.push(s);
    const inv = s > 0 ? 1 / s : 0;
    for (let i = 0; i < l; i++) w[i * d + j] = (vectors[i * l + j] as number) * inv;
  }
  const components = await kernels.matmul(bt, x.nCols, l, w, d);
  let total = 0;
  for (let p = 0; p < x.data.length; p++) total += (x.data[p] as number) ** 2;
  const captured = singularValues.reduce((a, s) => a + s * s, 0);
  return { components, d, singularValues, explained: total > 0 ? captured / total : 0 };
}

/**
 * The sample restricted to its active columns (those with an entry), with at most `maxCols`
 * of them: the most frequent in the sample (ties: lower column). Columns that never occur in
 * the sample get zero components, so dropping them loses nothing and shrinks every dense
 * product with the vocabulary from nCols rows to the active ones.
 */
function activeColumns(x: Csr, maxCols: number): { sub: Csr; cols: Int32Array; colOf: Int32Array } {
  const df = new Int32Array(x.nCols);
  let maxDf = 0;
  for (let p = 0; p < x.indices.length; p++) {
    const c = x.indices[p] as number;
    const f = (df[c] as number) + 1;
    df[c] = f;
    if (f > maxDf) maxDf = f;
  }
  // the most frequent maxCols columns without a sort: the counts of columns by df give the
  // cut-off df, above which every column is kept, and at which the lowest columns fill what
  // is left (what sorting by df, then column, and keeping the first maxCols gives)
  const byDf = new Int32Array(maxDf + 1);
  for (let c = 0; c < x.nCols; c++) {
    const f = df[c] as number;
    byDf[f] = (byDf[f] as number) + 1;
  }
  // kept: every column with a df above `cut`, and the first `atCut` columns with a df of `cut`
  let cut = 1;
  let atCut = Infinity;
  if (x.nCols - (byDf[0] as number) > maxCols) {
    let above = 0;
    cut = maxDf;
    while (above + (byDf[cut] as number) < maxCols) above += byDf[cut--] as number;
    atCut = maxCols - above;
  }
  const colOf = new Int32Array(x.nCols).fill(-1);
  const kept: number[] = [];
  let nnz = 0;
  for (let c = 0; c < x.nCols; c++) {
    const f = df[c] as number;
    if (f < cut) continue;
    if (f === cut) {
      if (atCut === 0) continue;
      atCut--;
    }
    colOf[c] = kept.length;
    kept.push(c);
    nnz += f;
  }
  const cols = Int32Array.from(kept);
  const indptr = new Int32Array(x.nRows + 1);
  const indices = new Int32Array(nnz);
  const data = new Float32Array(nnz);
  let at = 0;
  for (let r = 0; r < x.nRows; r++) {
    for (let p = x.indptr[r] as number; p < (x.indptr[r + 1] as number); p++) {
      const c = colOf[x.indices[p] as number] as number;
      if (c < 0) continue;
      indices[at] = c;
      data[at] = x.data[p] as number;
      at++;
    }
    indptr[r + 1] = at;
  }
  return {
    sub: { nRows: x.nRows, nCols: cols.length, indptr, indices, data },
    cols,
    colOf,
  };
}

export async function lsa(
  x: Csr,
  options: Partial<LsaOptions>,
  rng: Rng,
  kernels: Kernels = serialKernels,
): Promise<LsaResult> {
  const o: LsaOptions = { ...LSA_DEFAULTS, ...options };
  const rows = sampleIndices(x.nRows, o.sample, rng);
  const fitOn = rows.length < x.nRows ? csrSelectRows(x, rows) : x;
  const { sub, cols, colOf } = activeColumns(fitOn, o.maxFeatures);
  const fit = await lsaFit(sub, o, rng, kernels);
  const components = Float32Array.from(fit.components);
  return {
    dims: fit.d,
    embedding: await kernels.csrTimesDense(x, components, fit.d, colOf),
    singularValues: fit.singularValues,
    explained: fit.explained,
    fittedOn: fitOn.nRows,
    projection: { d: fit.d, cols, components },
  };
}
