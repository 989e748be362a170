/** Compressed sparse rows on typed arrays; column indices sorted within each row. */
export interface Csr {
  nRows: number;
  nCols: number;
  indptr: Int32Array;
  indices: Int32Array;
  data: Float64Array;
}

export function csrRow(m: Csr, r: number): { indices: Int32Array; data: Float64Array } {
  const a = m.indptr[r] as number;
  const b = m.indptr[r + 1] as number;
  return { indices: m.indices.subarray(a, b), data: m.data.subarray(a, b) };
}

/** Selects rows (in the given order) into a new matrix. */
export function csrSelectRows(m: Csr, rows: ArrayLike<number>): Csr {
  let nnz = 0;
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i] as number;
    nnz += (m.indptr[r + 1] as number) - (m.indptr[r] as number);
  }
  const indptr = new Int32Array(rows.length + 1);
  const indices = new Int32Array(nnz);
  const data = new Float64Array(nnz);
  let at = 0;
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i] as number;
    const a = m.indptr[r] as number;
    const b = m.indptr[r + 1] as number;
    indices.set(m.indices.subarray(a, b), at);
    data.set(m.data.subarray(a, b), at);
    at += b - a;
    indptr[i + 1] = at;
  }
  return { nRows: rows.length, nCols: m.nCols, indptr, indices, data };
}

/** Y = X · W, with W dense (nCols × k, row-major); Y is nRows × k, row-major. */
export function csrTimesDense(m: Csr, w: Float64Array, k: number): Float64Array {
  const y = new Float64Array(m.nRows * k);
  for (let r = 0; r < m.nRows; r++) {
    const a = m.indptr[r] as number;
    const b = m.indptr[r + 1] as number;
    const yo = r * k;
    for (let p = a; p < b; p++) {
      const v = m.data[p] as number;
      const wo = (m.indices[p] as number) * k;
      for (let j = 0; j < k; j++) y[yo + j] = (y[yo + j] as number) + v * (w[wo + j] as number);
    }
  }
  return y;
}

/** Z = Xᵀ · Q, with Q dense (nRows × k, row-major); Z is nCols × k, row-major. */
export function csrTransposeTimesDense(m: Csr, q: Float64Array, k: number): Float64Array {
  const z = new Float64Array(m.nCols * k);
  for (let r = 0; r < m.nRows; r++) {
    const a = m.indptr[r] as number;
    const b = m.indptr[r + 1] as number;
    const qo = r * k;
    for (let p = a; p < b; p++) {
      const v = m.data[p] as number;
      const zo = (m.indices[p] as number) * k;
      for (let j = 0; j < k; j++) z[zo + j] = (z[zo + j] as number) + v * (q[qo + j] as number);
    }
  }
  return z;
}
