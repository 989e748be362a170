import { csrTimesDenseRowsWasm } from "./csr-wasm.js";

/** Compressed sparse rows on typed arrays; column indices sorted within each row. */
export interface Csr {
  nRows: number;
  nCols: number;
  indptr: Int32Array;
  indices: Int32Array;
  /** single precision: TF-IDF weights need no more, and products run on half the memory */
  data: Float32Array;
}

/** Selects rows (in the given order) into a new matrix; a negative row number gives an empty row. */
export function csrSelectRows(m: Csr, rows: ArrayLike<number>): Csr {
  let nnz = 0;
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i] as number;
    if (r >= 0) nnz += (m.indptr[r + 1] as number) - (m.indptr[r] as number);
  }
  const indptr = new Int32Array(rows.length + 1);
  const indices = new Int32Array(nnz);
  const data = new Float32Array(nnz);
  let at = 0;
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i] as number;
    if (r >= 0) {
      const a = m.indptr[r] as number;
      const b = m.indptr[r + 1] as number;
      indices.set(m.indices.subarray(a, b), at);
      data.set(m.data.subarray(a, b), at);
      at += b - a;
    }
    indptr[i + 1] = at;
  }
  return { nRows: rows.length, nCols: m.nCols, indptr, indices, data };
}

/**
 * acc += Σ_p data[p] · w[cols[p] · k ..] over entries p of [a, b): four entries per pass over
 * acc, which quarters the loads and stores of acc (this kernel is most of the LSA's time).
 * `colOf` maps a column to its row of w (or -1: skipped); null means the identity.
 */
export function gatherRow(
  indices: Int32Array,
  data: Float32Array,
  a: number,
  b: number,
  colOf: Int32Array | null,
  w: Float32Array | Float64Array,
  k: number,
  acc: Float64Array,
  scratchCol: Int32Array,
  scratchVal: Float64Array,
): void {
  let m = 0;
  for (let p = a; p < b; p++) {
    const c = colOf === null ? (indices[p] as number) : (colOf[indices[p] as number] as number);
    if (c < 0) continue;
    scratchCol[m] = c * k;
    scratchVal[m] = data[p] as number;
    m++;
  }
  let i = 0;
  for (; i + 3 < m; i += 4) {
    const v0 = scratchVal[i] as number;
    const v1 = scratchVal[i + 1] as number;
    const v2 = scratchVal[i + 2] as number;
    const v3 = scratchVal[i + 3] as number;
    const o0 = scratchCol[i] as number;
    const o1 = scratchCol[i + 1] as number;
    const o2 = scratchCol[i + 2] as number;
    const o3 = scratchCol[i + 3] as number;
    for (let j = 0; j < k; j++) {
      acc[j] =
        (acc[j] as number) +
        v0 * (w[o0 + j] as number) +
        v1 * (w[o1 + j] as number) +
        v2 * (w[o2 + j] as number) +
        v3 * (w[o3 + j] as number);
    }
  }
  for (; i < m; i++) {
    const v = scratchVal[i] as number;
    const o = scratchCol[i] as number;
    for (let j = 0; j < k; j++) acc[j] = (acc[j] as number) + v * (w[o + j] as number);
  }
}

/**
 * Y = X · W, with W dense (rows of W by column of X, or by colOf[column] when given; -1
 * skips the column), k wide, row-major; Y is nRows × k, row-major.
 */
export function csrTimesDense(
  m: Csr,
  w: Float32Array | Float64Array,
  k: number,
  colOf: Int32Array | null = null,
): Float64Array {
  const y = new Float64Array(m.nRows * k);
  csrTimesDenseRows(m, w, k, colOf, y, 0, m.nRows);
  return y;
}

/**
 * Rows [from, to) of X · W into y (see csrTimesDense): by the WebAssembly kernel where it can
 * take them, else by the TypeScript one (the same outputs to the bit).
 */
export function csrTimesDenseRows(...args: Parameters<typeof csrTimesDenseRowsScalar>): void {
  if (!csrTimesDenseRowsWasm(...args)) csrTimesDenseRowsScalar(...args);
}

/** csrTimesDenseRows in TypeScript: the reference the WebAssembly kernel follows. */
export function csrTimesDenseRowsScalar(
  m: Csr,
  w: Float32Array | Float64Array,
  k: number,
  colOf: Int32Array | null,
  y: Float64Array,
  from: number,
  to: number,
): void {
  const acc = new Float64Array(k);
  let longest = 0;
  for (let r = from; r < to; r++) {
    longest = Math.max(longest, (m.indptr[r + 1] as number) - (m.indptr[r] as number));
  }
  const sc = new Int32Array(longest);
  const sv = new Float64Array(longest);
  for (let r = from; r < to; r++) {
    acc.fill(0);
    gatherRow(
      m.indices,
      m.data,
      m.indptr[r] as number,
      m.indptr[r + 1] as number,
      colOf,
      w,
      k,
      acc,
      sc,
      sv,
    );
    y.set(acc, r * k);
  }
}

/** Xᵀ as a matrix of its own (nCols × nRows), by a counting sort of the entries. */
export function csrTranspose(m: Csr): Csr {
  const indptr = new Int32Array(m.nCols + 1);
  for (let p = 0; p < m.indices.length; p++) {
    const c = m.indices[p] as number;
    indptr[c + 1] = (indptr[c + 1] as number) + 1;
  }
  for (let c = 0; c < m.nCols; c++)
    indptr[c + 1] = (indptr[c + 1] as number) + (indptr[c] as number);
  const next = indptr.slice(0, m.nCols);
  const indices = new Int32Array(m.indices.length);
  const data = new Float32Array(m.indices.length);
  for (let r = 0; r < m.nRows; r++) {
    for (let p = m.indptr[r] as number; p < (m.indptr[r + 1] as number); p++) {
      const c = m.indices[p] as number;
      const at = next[c] as number;
      indices[at] = r;
      data[at] = m.data[p] as number;
      next[c] = at + 1;
    }
  }
  return { nRows: m.nCols, nCols: m.nRows, indptr, indices, data };
}
