import { describe, expect, it } from "vitest";
import {
  assign,
  defaultRestarts,
  kmeans,
  kmeansPlusPlus,
  lloydBounded,
  sampleIndices,
} from "../../src/cluster/kmeans.js";
import { lsa } from "../../src/cluster/lsa.js";
import { nmi } from "../../src/cluster/quality.js";
import { createRng } from "../../src/util/rng.js";
import type { Csr } from "../../src/vectorize/sparse.js";

/** A sparse matrix of exact rank 3 with known singular values 5, 3, 1 (orthogonal blocks). */
function rank3(): Csr {
  // rows: 3 groups of 4 identical unit rows over disjoint columns, scaled so σ = 5, 3, 1
  const rows: [number[], number[]][] = [];
  const sig = [5, 3, 1];
  for (let g = 0; g < 3; g++) {
    const scale = (sig[g] as number) / 2; // 4 rows of norm `scale` → σ = 2·scale
    for (let r = 0; r < 4; r++)
      rows.push([
        [g * 2, g * 2 + 1],
        [scale / Math.SQRT2, scale / Math.SQRT2],
      ]);
  }
  const indptr = new Int32Array(rows.length + 1);
  const indices: number[] = [];
  const data: number[] = [];
  rows.forEach(([c, v], i) => {
    indices.push(...c);
    data.push(...v);
    indptr[i + 1] = indices.length;
  });
  return {
    nRows: 12,
    nCols: 6,
    indptr,
    indices: Int32Array.from(indices),
    data: Float32Array.from(data),
  };
}

/** Points around k well-separated centres. */
function blobs(k: number, per: number, d: number, seed: number) {
  const rng = createRng(seed);
  const data = new Float64Array(k * per * d);
  const truth: number[] = [];
  for (let c = 0; c < k; c++) {
    for (let i = 0; i < per; i++) {
      const row = c * per + i;
      for (let j = 0; j < d; j++) data[row * d + j] = (j % k === c ? 10 : 0) + rng.normal() * 0.3;
      truth.push(c);
    }
  }
  return { points: { data, n: k * per, d }, truth };
}

describe("LSA (randomized truncated SVD)", () => {
  it("recovers the singular values of a low-rank matrix", async () => {
    const r = await lsa(rank3(), { dims: 3 }, createRng(7));
    expect(r.dims).toBe(3);
    // matrix entries are single precision (about 7 significant digits)
    r.singularValues.forEach((s, i) => expect(s).toBeCloseTo([5, 3, 1][i] as number, 6));
    expect(r.explained).toBeCloseTo(1, 8);
  });

  it("is deterministic for a seed, and fits on a sample when asked", async () => {
    const a = await lsa(rank3(), { dims: 2 }, createRng(3));
    const b = await lsa(rank3(), { dims: 2 }, createRng(3));
    expect(Array.from(a.embedding)).toEqual(Array.from(b.embedding));
    const s = await lsa(rank3(), { dims: 2, sample: 9 }, createRng(3));
    expect(s.fittedOn).toBe(9);
    expect(s.embedding.length).toBe(12 * 2);
  });

  it("fits on the maxFeatures most frequent columns of the sample (ties: lower column)", async () => {
    // 60 rows over 50 columns, document frequencies with many ties and some columns unused
    const rng = createRng(11);
    const indptr = new Int32Array(61);
    const indices: number[] = [];
    for (let r = 0; r < 60; r++) {
      const row = new Set<number>();
      for (let j = 0; j < 6; j++) row.add(Math.floor(rng.next() * rng.next() * 45));
      indices.push(...[...row].sort((a, b) => a - b));
      indptr[r + 1] = indices.length;
    }
    const x: Csr = {
      nRows: 60,
      nCols: 50,
      indptr,
      indices: Int32Array.from(indices),
      data: new Float32Array(indices.length).fill(1),
    };
    const df = new Array<number>(50).fill(0);
    for (const c of indices) df[c] = (df[c] as number) + 1;
    const active = df.flatMap((f, c) => (f > 0 ? [c] : []));
    for (const maxFeatures of [0, 1, 7, 12, 20, active.length - 1, active.length, 100]) {
      const expected = [...active]
        .sort((a, b) => (df[b] as number) - (df[a] as number) || a - b)
        .slice(0, maxFeatures)
        .sort((a, b) => a - b);
      if (expected.length < 2) continue;
      const r = await lsa(x, { dims: 1, maxFeatures }, createRng(5));
      expect(Array.from(r.projection.cols)).toEqual(expected);
    }
  });
});

describe("k-means", () => {
  it("finds well-separated clusters exactly, deterministically", async () => {
    const { points, truth } = blobs(4, 30, 8, 1);
    const a = await kmeans(points, { k: 4, restarts: 3 }, createRng(5));
    const b = await kmeans(points, { k: 4, restarts: 3 }, createRng(5));
    expect(nmi(truth, Array.from(a.labels))).toBe(1);
    expect(Array.from(a.labels)).toEqual(Array.from(b.labels));
    expect(Array.from(a.centroids)).toEqual(Array.from(b.centroids));
  });

  it("keeps anchored centroids in the first places (guided themes keep their ids)", async () => {
    const { points } = blobs(3, 20, 6, 2);
    const third = points.data.slice(40 * 6, 41 * 6); // a point of the third blob
    const r = await kmeans(points, { k: 3, restarts: 2 }, createRng(1), [third]);
    expect(r.labels[45]).toBe(0);
    const init = kmeansPlusPlus(points, 3, createRng(1), [third]);
    expect(Array.from(init.subarray(0, 6))).toEqual(Array.from(third));
  });

  it("runs restarts on a sample when the input is large", async () => {
    const { points, truth } = blobs(3, 200, 6, 3);
    const r = await kmeans(points, { k: 3, restarts: 4, restartSample: 150 }, createRng(9));
    expect(nmi(truth, Array.from(r.labels))).toBe(1);
  });

  it("restarts default to 8 on small inputs and 4 on sampled ones; a set count is kept", async () => {
    expect(defaultRestarts({ restarts: null, restartSample: 150 }, 150)).toBe(8);
    expect(defaultRestarts({ restarts: null, restartSample: 150 }, 151)).toBe(4);
    expect(defaultRestarts({ restarts: 3, restartSample: 150 }, 151)).toBe(3);
    expect(defaultRestarts({ restarts: 16, restartSample: 150 }, 100)).toBe(16);
    // unset, a sampled run draws 4 starts (the rng goes as far as with 4, not 8) and is the
    // run with 4; an input of restartSample papers or fewer draws 8
    const { points } = blobs(5, 200, 6, 3);
    const run = async (restarts: number | null, restartSample: number) => {
      const rng = createRng(9);
      const r = await kmeans(points, { k: 5, restarts, restartSample }, rng);
      return { labels: Array.from(r.labels), after: rng.next() };
    };
    const unset = await run(null, 150);
    expect(unset).toEqual(await run(4, 150));
    expect(unset.after).not.toBe((await run(8, 150)).after);
    expect((await run(null, 1000)).after).toBe((await run(8, 1000)).after);
    expect((await run(null, 1000)).after).not.toBe((await run(4, 1000)).after);
  });

  it("bounded Lloyd (Elkan) ends where plain Lloyd does, from the same start", () => {
    // structureless points, so that many change clusters on the way
    const rng = createRng(4);
    const points = {
      data: Float64Array.from({ length: 900 * 10 }, () => rng.normal()),
      n: 900,
      d: 10,
    };
    const init = kmeansPlusPlus(points, 6, createRng(3));
    // plain Lloyd: assign every point, move every centroid, until no label changes
    const c = Float64Array.from(init);
    let labels = assign(points, c, 6).labels;
    for (let it = 0; it < 200; it++) {
      const sums = new Float64Array(6 * points.d);
      const sizes = new Float64Array(6);
      labels.forEach((l, i) => {
        sizes[l] = (sizes[l] as number) + 1;
        for (let j = 0; j < points.d; j++) {
          sums[l * points.d + j] =
            (sums[l * points.d + j] as number) + (points.data[i * points.d + j] as number);
        }
      });
      for (let l = 0; l < 6; l++) {
        if (sizes[l] === 0) continue;
        for (let j = 0; j < points.d; j++) {
          c[l * points.d + j] = (sums[l * points.d + j] as number) / (sizes[l] as number);
        }
      }
      const next = assign(points, c, 6).labels;
      if (next.every((l, i) => l === labels[i])) break;
      labels = next;
    }
    const fast = lloydBounded(points, init, 6, 200, 0);
    expect(fast.iterations).toBeGreaterThan(2);
    expect(Array.from(fast.labels)).toEqual(Array.from(labels));
    fast.centroids.forEach((v, i) => expect(v).toBeCloseTo(c[i] as number, 12));
  });

  it("samples distinct sorted indices", () => {
    const s = sampleIndices(100, 10, createRng(1));
    expect(s).toHaveLength(10);
    expect(new Set(s).size).toBe(10);
    expect([...s].sort((x, y) => x - y)).toEqual(s);
    expect(sampleIndices(5, 10, createRng(1))).toEqual([0, 1, 2, 3, 4]);
  });
});
