import { describe, expect, it } from "vitest";
// the dist build: worker threads run compiled JavaScript (`npm test` builds first)
import {
  assign,
  kmeans,
  kmeansPlusPlus,
  LLOYD_BLOCK,
  lloydBounded,
} from "../../dist/cluster/kmeans.js";
import { lsa } from "../../dist/cluster/lsa.js";
import { openKernels, serialKernels } from "../../dist/util/kernels.js";
import { createRng } from "../../dist/util/rng.js";
import type { Csr } from "../../src/vectorize/sparse.js";

/** A random sparse matrix: 30,000 rows, 4,000 columns, about 40 entries a row. */
function randomCsr(): Csr {
  const rng = createRng(11);
  const nRows = 30_000;
  const nCols = 4_000;
  const indptr = new Int32Array(nRows + 1);
  const indices: number[] = [];
  const data: number[] = [];
  for (let r = 0; r < nRows; r++) {
    const cols = new Set<number>();
    while (cols.size < 40) cols.add(rng.int(nCols));
    for (const c of [...cols].sort((a, b) => a - b)) {
      indices.push(c);
      data.push(rng.next());
    }
    indptr[r + 1] = indices.length;
  }
  return { nRows, nCols, indptr, indices: Int32Array.from(indices), data: Float32Array.from(data) };
}

describe("products on several threads", () => {
  it("give the LSA bit for bit what one thread gives", async () => {
    const x = randomCsr();
    const options = { dims: 20, sample: 20_000, maxFeatures: 3_000 };
    const one = await lsa(x, options, createRng(5), serialKernels);
    for (const threads of [2, 3]) {
      const kernels = openKernels(threads);
      expect(kernels).not.toBe(serialKernels);
      try {
        const many = await lsa(x, options, createRng(5), kernels);
        expect(Buffer.from(many.embedding.buffer).equals(Buffer.from(one.embedding.buffer))).toBe(
          true,
        );
        expect(many.singularValues).toEqual(one.singularValues);
      } finally {
        kernels.close();
      }
    }
  }, 60_000);

  it("give bounded Lloyd and the assignment bit for bit what one thread gives", async () => {
    const rng = createRng(6);
    const n = 3 * LLOYD_BLOCK + 100; // four blocks: every thread gets some, unevenly
    const d = 8;
    const data = Float64Array.from({ length: n * d }, () => rng.normal());
    const points = { data, n, d };
    const init = kmeansPlusPlus(points, 7, createRng(1));
    const one = lloydBounded(points, init, 7, 100, 0);
    expect(one.iterations).toBeGreaterThan(3);
    const nearest = assign(points, one.centroids, 7);
    for (const threads of [2, 3]) {
      const kernels = openKernels(threads);
      try {
        const many = await kernels.lloyd(points, init, 7, 100, 0);
        expect(many.iterations).toBe(one.iterations);
        expect(Buffer.from(many.labels.buffer).equals(Buffer.from(one.labels.buffer))).toBe(true);
        expect(Array.from(many.centroids)).toEqual(Array.from(one.centroids));
        const a = await kernels.assign(points, one.centroids, 7);
        expect(a.inertia).toBe(nearest.inertia);
        expect(Array.from(a.labels)).toEqual(Array.from(nearest.labels));
      } finally {
        kernels.close();
      }
    }
  });

  it("give k-means the same restarts, the same choice and the same labels", async () => {
    const rng = createRng(2);
    const n = 6_000;
    const d = 12;
    const data = Float64Array.from(
      { length: n * d },
      (_, i) => rng.normal() + ((i % d) % 4 === Math.floor(i / d) % 4 ? 2 : 0),
    );
    const points = { data, n, d };
    // restarts on a sample (bounded Lloyd), and on all points (ml-kmeans: a small corpus)
    for (const restartSample of [2_000, 10_000]) {
      const options = { k: 6, restarts: 5, restartSample };
      const one = await kmeans(points, options, createRng(9), [], serialKernels);
      const kernels = openKernels(2);
      try {
        const two = await kmeans(points, options, createRng(9), [], kernels);
        expect(two.restart).toBe(one.restart);
        expect(two.iterations).toBe(one.iterations);
        expect(Buffer.from(two.labels.buffer).equals(Buffer.from(one.labels.buffer))).toBe(true);
        expect(Array.from(two.centroids)).toEqual(Array.from(one.centroids));
        // every restart's outcome, whichever thread ran it
        const inits = [1, 2, 3].map((s) => kmeansPlusPlus(points, 6, createRng(s)));
        for (const op of ["mlRestarts", "lloydRestarts"] as const) {
          const here = await serialKernels[op](points, inits, 6, 50, 1e-4);
          const pooled = await kernels[op](points, inits, 6, 50, 1e-4);
          expect(pooled).toEqual(here);
        }
      } finally {
        kernels.close();
      }
    }
  });
});
