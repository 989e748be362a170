import { CSR_KERNELS_WASM } from "./csr-wasm-bytes.js";
import { SizedInstances } from "../util/wasm-memory.js";
import type { matmulRowsScalar } from "../cluster/linalg.js";
import type { csrTimesDenseRowsScalar } from "./sparse.js";

/**
 * The LSA's products in WebAssembly with two-lane SIMD, sparse × dense and dense × dense:
 * the same arithmetic in the same order as the TypeScript kernels, so outputs are equal to
 * the bit (a test checks), at two to three times their speed. The module's source is
 * scripts/wasm-kernels.js. Each thread has its own instance and memory: per call, colOf and
 * W are copied in once, and the rows go through in blocks (their entries copied in, their
 * outputs copied out), so the callers' arrays (shared or not) stay where they are.
 */

interface Exports {
  rows_f32: RowsFn;
  rows_f64: RowsFn;
  dense_f64: (n: number, a: number, m: number, sc: number, k: number, out: number) => void;
}

type RowsFn = (
  n: number,
  ptr: number,
  ind: number,
  dat: number,
  col: number,
  w: number,
  k: number,
  out: number,
  sc: number,
  sv: number,
) => void;

/** Entries of a block of rows (a longer row gets a block of its own). */
const BLOCK_ENTRIES = 1 << 18;
/** Rows of a block. */
const BLOCK_ROWS = 2048;
/** Above this much memory for one call the TypeScript kernel is used instead. */
export const WASM_MAX_BYTES = 1 << 30;

/** This thread's instances (a memory of the size a call needs: see SizedInstances). */
const instances = new SizedInstances<Exports>(CSR_KERNELS_WASM);

/**
 * A call's memory: `take` lays out regions one after another (16-byte aligned, from byte 16:
 * 0 stands for "none"), then `instance` gives an instance with a memory that large. Null
 * when it would pass WASM_MAX_BYTES or WebAssembly SIMD is not available.
 */
function layout(): {
  take(bytes: number): number;
  instance(): { exports: Exports; buffer: ArrayBuffer } | null;
} {
  let at = 16;
  return {
    take(bytes) {
      const a = at;
      at += Math.ceil(bytes / 16) * 16;
      return a;
    },
    instance() {
      return at > WASM_MAX_BYTES ? null : instances.withMemory(at);
    },
  };
}

/**
 * Rows [from, to) of X · W into y, as csrTimesDenseRows; false (nothing written) when the
 * WebAssembly kernel cannot take it (no SIMD here, or more memory than WASM_MAX_BYTES).
 */
export function csrTimesDenseRowsWasm(
  ...[m, w, k, colOf, y, from, to]: Parameters<typeof csrTimesDenseRowsScalar>
): boolean {
  if (!instances.available()) return false;
  let longest = 0;
  for (let r = from; r < to; r++)
    longest = Math.max(longest, (m.indptr[r + 1] as number) - (m.indptr[r] as number));
  const cap = Math.max(BLOCK_ENTRIES, longest);
  // colOf | W | ptr | ind | dat | out | sc | sv
  const { take, instance } = layout();
  const colAt = colOf ? take(colOf.length * 4) : 0;
  const wAt = take(w.byteLength);
  const ptrAt = take((BLOCK_ROWS + 1) * 4);
  const indAt = take(cap * 4);
  const datAt = take(cap * 4);
  const outAt = take(BLOCK_ROWS * k * 8);
  const scAt = take(longest * 4);
  const svAt = take(longest * 8);
  const wasm = instance();
  if (!wasm) return false;
  const { exports: x, buffer: buf } = wasm;
  if (colOf) new Int32Array(buf, colAt, colOf.length).set(colOf);
  if (w instanceof Float32Array) new Float32Array(buf, wAt, w.length).set(w);
  else new Float64Array(buf, wAt, w.length).set(w);
  const rows = w instanceof Float32Array ? x.rows_f32 : x.rows_f64;
  const ptr = new Int32Array(buf, ptrAt, BLOCK_ROWS + 1);
  const ind = new Int32Array(buf, indAt, cap);
  const dat = new Float32Array(buf, datAt, cap);
  const out = new Float64Array(buf, outAt, BLOCK_ROWS * k);
  for (let r0 = from; r0 < to;) {
    const base = m.indptr[r0] as number;
    // at least one row, then as many as fit
    let r1 = r0 + 1;
    while (r1 < to && r1 - r0 < BLOCK_ROWS && (m.indptr[r1 + 1] as number) - base <= cap) r1++;
    for (let r = r0; r <= r1; r++) ptr[r - r0] = (m.indptr[r] as number) - base;
    const end = m.indptr[r1] as number;
    ind.set(m.indices.subarray(base, end));
    dat.set(m.data.subarray(base, end));
    rows(r1 - r0, ptrAt, indAt, datAt, colAt, wAt, k, outAt, scAt, svAt);
    y.set(out.subarray(0, (r1 - r0) * k), r0 * k);
    r0 = r1;
  }
  return true;
}

/**
 * Rows [from, to) of C = A · B into c, as matmulRows (A n × k, B k × m); false (nothing
 * written) when the WebAssembly kernel cannot take it.
 */
export function matmulRowsWasm(
  ...[a, k, b, m, c, from, to]: Parameters<typeof matmulRowsScalar>
): boolean {
  if (!instances.available()) return false;
  // B | sc (where each row of B starts) | A's rows | C's rows
  const { take, instance } = layout();
  const bAt = take(b.length * 8);
  const scAt = take(k * 4);
  const aAt = take(BLOCK_ROWS * k * 8);
  const outAt = take(BLOCK_ROWS * m * 8);
  const wasm = instance();
  if (!wasm) return false;
  const { exports: x, buffer: buf } = wasm;
  new Float64Array(buf, bAt, b.length).set(b);
  const sc = new Int32Array(buf, scAt, k);
  for (let i = 0; i < k; i++) sc[i] = bAt + i * m * 8;
  const rowsA = new Float64Array(buf, aAt, BLOCK_ROWS * k);
  const out = new Float64Array(buf, outAt, BLOCK_ROWS * m);
  for (let r0 = from; r0 < to; r0 += BLOCK_ROWS) {
    const n = Math.min(BLOCK_ROWS, to - r0);
    rowsA.set(a.subarray(r0 * k, (r0 + n) * k));
    x.dense_f64(n, aAt, k, scAt, m, outAt);
    c.set(out.subarray(0, n * m), r0 * m);
  }
  return true;
}
