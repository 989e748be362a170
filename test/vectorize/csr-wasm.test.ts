import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { matmulRowsScalar } from "../../src/cluster/linalg.js";
import { csrTimesDenseRowsWasm, matmulRowsWasm } from "../../src/vectorize/csr-wasm.js";
import { csrTimesDenseRowsScalar, type Csr } from "../../src/vectorize/sparse.js";
import { createRng } from "../../src/util/rng.js";

/** A seeded random matrix: some empty rows, sorted distinct columns per row. */
function randomCsr(seed: number, nRows: number, nCols: number, maxLen: number): Csr {
  const rng = createRng(seed);
  const indptr = new Int32Array(nRows + 1);
  const indices: number[] = [];
  const data: number[] = [];
  for (let r = 0; r < nRows; r++) {
    const len = rng.next() < 0.1 ? 0 : Math.floor(rng.next() * maxLen);
    const cols = new Set<number>();
    while (cols.size < Math.min(len, nCols)) cols.add(Math.floor(rng.next() * nCols));
    for (const c of [...cols].sort((a, b) => a - b)) {
      indices.push(c);
      data.push(rng.next() * 2 - 1);
    }
    indptr[r + 1] = indices.length;
  }
  return {
    nRows,
    nCols,
    indptr,
    indices: Int32Array.from(indices),
    data: Float32Array.from(data),
  };
}

function dense(seed: number, n: number, f32: boolean): Float32Array | Float64Array {
  const rng = createRng(seed);
  const w = f32 ? new Float32Array(n) : new Float64Array(n);
  for (let i = 0; i < n; i++) w[i] = rng.normal();
  return w;
}

/** Both kernels on rows [from, to); the outputs as bytes, to compare to the bit. */
function both(
  m: Csr,
  w: Float32Array | Float64Array,
  k: number,
  colOf: Int32Array | null,
  from = 0,
  to = m.nRows,
): { wasm: Uint8Array; ts: Uint8Array } {
  const a = new Float64Array(m.nRows * k).fill(7);
  const b = new Float64Array(m.nRows * k).fill(7);
  expect(csrTimesDenseRowsWasm(m, w, k, colOf, a, from, to)).toBe(true);
  csrTimesDenseRowsScalar(m, w, k, colOf, b, from, to);
  return { wasm: new Uint8Array(a.buffer), ts: new Uint8Array(b.buffer) };
}

describe("the WebAssembly products", () => {
  it("gives the TypeScript kernel's outputs to the bit: even and odd widths, float and double W, a column map", () => {
    const m = randomCsr(1, 5000, 3000, 40);
    const colOf = new Int32Array(m.nCols).map((_, c) => (c % 3 === 0 ? -1 : c % 1000));
    for (const k of [1, 2, 3, 7, 64, 74]) {
      for (const f32 of [true, false]) {
        const full = both(m, dense(k, m.nCols * k, f32), k, null);
        expect(Buffer.compare(full.wasm, full.ts)).toBe(0);
        const mapped = both(m, dense(k + 1, 1000 * k, f32), k, colOf, 17, 4321);
        expect(Buffer.compare(mapped.wasm, mapped.ts)).toBe(0);
      }
    }
  });

  it("takes a row longer than a block of entries", () => {
    // 300,000 entries in one row, between short ones: a block of its own
    const long = 300_000;
    const m = randomCsr(2, 6, long, 50);
    const indices = Array.from(m.indices.subarray(0, m.indptr[3]));
    const data = Array.from(m.data.subarray(0, m.indptr[3]));
    for (let c = 0; c < long; c++) {
      indices.push(c);
      data.push(((c % 17) - 8) / 8);
    }
    const rest = m.indptr[3] as number;
    indices.push(...m.indices.subarray(rest));
    data.push(...m.data.subarray(rest));
    const indptr = Int32Array.from(m.indptr, (p, r) => (r > 3 ? p + long : p));
    const x: Csr = {
      ...m,
      indptr,
      indices: Int32Array.from(indices),
      data: Float32Array.from(data),
    };
    const r = both(x, dense(3, long * 5, true), 5, null);
    expect(Buffer.compare(r.wasm, r.ts)).toBe(0);
  });

  it("gives the TypeScript dense product's outputs to the bit, over several blocks of rows", () => {
    const n = 5000;
    for (const k of [1, 3, 7, 74]) {
      for (const m of [1, 2, 5, 64]) {
        const a = dense(k * 100 + m, n * k, false) as Float64Array;
        a.fill(0, 10 * k, 20 * k); // rows of zeros count as well
        const b = dense(k * 100 + m + 1, k * m, false) as Float64Array;
        const x = new Float64Array(n * m).fill(7);
        const y = new Float64Array(n * m).fill(7);
        expect(matmulRowsWasm(a, k, b, m, x, 3, n - 2)).toBe(true);
        matmulRowsScalar(a, k, b, m, y, 3, n - 2);
        expect(Buffer.compare(new Uint8Array(x.buffer), new Uint8Array(y.buffer))).toBe(0);
      }
    }
  });

  it("comes from the module text in scripts/wasm-kernels.js (npm run wasm)", async () => {
    const url = new URL("../../scripts/wasm-kernels.js", import.meta.url).href;
    interface Source {
      name: string;
      path: URL;
    }
    const script = (await import(url)) as {
      MODULES: Source[];
      assemble(m: Source): Promise<Uint8Array>;
      bytesModule(bytes: Uint8Array, m: Source): string;
    };
    expect(script.MODULES.map((m) => m.name)).toEqual(["csr-kernels", "scan", "distances"]);
    for (const m of script.MODULES) {
      const committed = readFileSync(m.path, "utf8");
      expect(committed).toBe(script.bytesModule(await script.assemble(m), m));
    }
  });
});
