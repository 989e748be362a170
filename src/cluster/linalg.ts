/**
 * Small dense linear algebra on row-major Float64Arrays (no dependencies, deterministic; the
 * product also runs in WebAssembly, with the same outputs).
 */
import { matmulRowsWasm } from "../vectorize/csr-wasm.js";

/** Rows per Gram block: sums are always taken over these blocks, in order, on any thread. */
export const GRAM_BLOCK = 8192;

/** G = Aᵀ A for A (n × k, row-major): k × k, summed over fixed blocks of rows. */
export function gram(a: Float64Array, n: number, k: number): Float64Array {
  return sumGramBlocks(gramBlocks(a, n, k, 0, Math.ceil(n / GRAM_BLOCK)), k);
}

/** The Gram matrices of blocks [from, to) of GRAM_BLOCK rows of A (n × k). */
export function gramBlocks(
  a: Float64Array,
  n: number,
  k: number,
  from: number,
  to: number,
): Float64Array[] {
  const out: Float64Array[] = [];
  for (let b = from; b < to; b++) {
    out.push(gramRows(a, k, b * GRAM_BLOCK, Math.min(n, (b + 1) * GRAM_BLOCK)));
  }
  return out;
}

/** The sum of Gram blocks, in block order (so any split over threads gives the same bits). */
export function sumGramBlocks(blocks: readonly Float64Array[], k: number): Float64Array {
  const g = new Float64Array(k * k);
  for (const part of blocks) {
    for (let i = 0; i < g.length; i++) g[i] = (g[i] as number) + (part[i] as number);
  }
  return g;
}

/** Aᵀ A over rows [from, to) of A. Four rows of A per pass over G. */
export function gramRows(a: Float64Array, k: number, from: number, to: number): Float64Array {
  const g = new Float64Array(k * k);
  let r = from;
  for (; r + 3 < to; r += 4) {
    const o0 = r * k;
    const o1 = o0 + k;
    const o2 = o1 + k;
    const o3 = o2 + k;
    for (let i = 0; i < k; i++) {
      const v0 = a[o0 + i] as number;
      const v1 = a[o1 + i] as number;
      const v2 = a[o2 + i] as number;
      const v3 = a[o3 + i] as number;
      if (v0 === 0 && v1 === 0 && v2 === 0 && v3 === 0) continue;
      const gi = i * k;
      for (let j = i; j < k; j++) {
        g[gi + j] =
          (g[gi + j] as number) +
          v0 * (a[o0 + j] as number) +
          v1 * (a[o1 + j] as number) +
          v2 * (a[o2 + j] as number) +
          v3 * (a[o3 + j] as number);
      }
    }
  }
  for (; r < to; r++) {
    const o = r * k;
    for (let i = 0; i < k; i++) {
      const v = a[o + i] as number;
      if (v === 0) continue;
      const gi = i * k;
      for (let j = i; j < k; j++) g[gi + j] = (g[gi + j] as number) + v * (a[o + j] as number);
    }
  }
  for (let i = 0; i < k; i++) for (let j = 0; j < i; j++) g[i * k + j] = g[j * k + i] as number;
  return g;
}

/** C = A · B, A (n × k), B (k × m): n × m. */
export function matmul(
  a: Float64Array,
  n: number,
  k: number,
  b: Float64Array,
  m: number,
): Float64Array {
  const c = new Float64Array(n * m);
  matmulRows(a, k, b, m, c, 0, n);
  return c;
}

/**
 * Rows [from, to) of C = A · B into c (written over): by the WebAssembly kernel where it can
 * take them, else by the TypeScript one (the same outputs to the bit).
 */
export function matmulRows(...args: Parameters<typeof matmulRowsScalar>): void {
  if (!matmulRowsWasm(...args)) matmulRowsScalar(...args);
}

/** matmulRows in TypeScript, four columns of A per pass over a row of C: the reference. */
export function matmulRowsScalar(
  a: Float64Array,
  k: number,
  b: Float64Array,
  m: number,
  c: Float64Array,
  from: number,
  to: number,
): void {
  c.fill(0, from * m, to * m);
  for (let r = from; r < to; r++) {
    const ao = r * k;
    const co = r * m;
    let i = 0;
    for (; i + 3 < k; i += 4) {
      const v0 = a[ao + i] as number;
      const v1 = a[ao + i + 1] as number;
      const v2 = a[ao + i + 2] as number;
      const v3 = a[ao + i + 3] as number;
      const b0 = i * m;
      const b1 = b0 + m;
      const b2 = b1 + m;
      const b3 = b2 + m;
      for (let j = 0; j < m; j++) {
        c[co + j] =
          (c[co + j] as number) +
          v0 * (b[b0 + j] as number) +
          v1 * (b[b1 + j] as number) +
          v2 * (b[b2 + j] as number) +
          v3 * (b[b3 + j] as number);
      }
    }
    for (; i < k; i++) {
      const v = a[ao + i] as number;
      const bo = i * m;
      for (let j = 0; j < m; j++) c[co + j] = (c[co + j] as number) + v * (b[bo + j] as number);
    }
  }
}

/**
 * Eigen-decomposition of a symmetric k × k matrix by cyclic Jacobi rotations. Returns
 * eigenvalues in decreasing order and eigenvectors as the columns of a k × k matrix.
 */
export function symmetricEigen(
  m: Float64Array,
  k: number,
): { values: Float64Array; vectors: Float64Array } {
  const a = Float64Array.from(m);
  const v = new Float64Array(k * k);
  for (let i = 0; i < k; i++) v[i * k + i] = 1;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    let diag = 0;
    for (let i = 0; i < k; i++) {
      diag += (a[i * k + i] as number) ** 2;
      for (let j = i + 1; j < k; j++) off += (a[i * k + j] as number) ** 2;
    }
    if (off <= 1e-30 * Math.max(diag, 1e-300)) break;
    for (let p = 0; p < k; p++) {
      for (let q = p + 1; q < k; q++) {
        const apq = a[p * k + q] as number;
        if (Math.abs(apq) < 1e-300) continue;
        const app = a[p * k + p] as number;
        const aqq = a[q * k + q] as number;
        const theta = (aqq - app) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let r = 0; r < k; r++) {
          const arp = a[r * k + p] as number;
          const arq = a[r * k + q] as number;
          a[r * k + p] = c * arp - s * arq;
          a[r * k + q] = s * arp + c * arq;
        }
        for (let r = 0; r < k; r++) {
          const apr = a[p * k + r] as number;
          const aqr = a[q * k + r] as number;
          a[p * k + r] = c * apr - s * aqr;
          a[q * k + r] = s * apr + c * aqr;
        }
        for (let r = 0; r < k; r++) {
          const vrp = v[r * k + p] as number;
          const vrq = v[r * k + q] as number;
          v[r * k + p] = c * vrp - s * vrq;
          v[r * k + q] = s * vrp + c * vrq;
        }
      }
    }
  }
  const order = Array.from({ length: k }, (_, i) => i).sort(
    (x, y) => (a[y * k + y] as number) - (a[x * k + x] as number),
  );
  const values = Float64Array.from(order, (i) => a[i * k + i] as number);
  const vectors = new Float64Array(k * k);
  order.forEach((src, dst) => {
    // sign convention: the largest-magnitude entry of each eigenvector is positive
    let big = 0;
    for (let r = 0; r < k; r++)
      if (Math.abs(v[r * k + src] as number) > Math.abs(big)) big = v[r * k + src] as number;
    const sign = big < 0 ? -1 : 1;
    for (let r = 0; r < k; r++) vectors[r * k + dst] = sign * (v[r * k + src] as number);
  });
  return { values, vectors };
}

/**
 * An orthonormal basis of the column space of A (n × k) is A · U · Λ^(-1/2), from the
 * eigen-decomposition of AᵀA = U Λ Uᵀ; directions with negligible energy are dropped (zero
 * columns).
 */
export function orthonormalizer(g: Float64Array, k: number): Float64Array {
  const { values, vectors } = symmetricEigen(g, k);
  const top = values[0] ?? 0;
  const w = new Float64Array(k * k);
  for (let j = 0; j < k; j++) {
    const l = values[j] as number;
    if (!(l > top * 1e-12) || l <= 0) continue;
    const s = 1 / Math.sqrt(l);
    for (let i = 0; i < k; i++) w[i * k + j] = (vectors[i * k + j] as number) * s;
  }
  return w;
}

/** Scales each row of A (n × k) to unit length (zero rows stay zero). */
export function normalizeRows(a: Float64Array, n: number, k: number): void {
  for (let r = 0; r < n; r++) {
    let s = 0;
    for (let j = 0; j < k; j++) s += (a[r * k + j] as number) ** 2;
    if (s === 0) continue;
    const inv = 1 / Math.sqrt(s);
    for (let j = 0; j < k; j++) a[r * k + j] = (a[r * k + j] as number) * inv;
  }
}
