import { afterEach, describe, expect, it } from "vitest";
import {
  hasWasmDistances,
  pointDistances,
  sqDist,
  useWasmDistances,
} from "../../src/cluster/distances.js";
import { kmeans, kmeansPlusPlus, LLOYD_BLOCK } from "../../src/cluster/kmeans.js";
import { createRng } from "../../src/util/rng.js";

const bytes = (a: Float64Array | Int32Array): Buffer =>
  Buffer.from(a.buffer, a.byteOffset, a.byteLength);

function gaussian(n: number, d: number, seed: number): Float64Array {
  const rng = createRng(seed);
  return Float64Array.from({ length: n * d }, () => rng.normal() * 3);
}

describe("k-means' squared distances in WebAssembly", () => {
  afterEach(() => useWasmDistances(true));

  it("runs here (Node's WebAssembly has SIMD)", () => {
    expect(hasWasmDistances()).toBe(true);
  });

  it("equal sqDist's to the bit, for any dimension and centroid count", () => {
    for (const d of [1, 3, 4, 5, 8, 63, 64, 67]) {
      for (const k of [1, 3, 20]) {
        const n = 50;
        const data = gaussian(n, d, d * 100 + k);
        const c = gaussian(k, d, d * 100 + k + 1);
        const to = pointDistances(data, d, c, k, 16);
        // a block from the middle: every distance, then some one at a time
        to.load(7, 16);
        const table = Float64Array.from(to.all(16).subarray(0, 16 * k));
        for (let i = 0; i < 16; i++)
          for (let j = 0; j < k; j++) {
            const want = sqDist(data, (7 + i) * d, c, j * d, d);
            expect(table[i * k + j]).toBe(want);
            expect(to.one(i, j)).toBe(want);
          }
        // one point made the block's first
        to.point(41);
        for (let j = 0; j < k; j++) expect(to.one(0, j)).toBe(sqDist(data, 41 * d, c, j * d, d));
      }
    }
  });

  it("leave k-means' results as the TypeScript kernel gives them, to the bit", async () => {
    // more points than a block and than the restarts' sample, so every path runs: k-means++,
    // the restarts on the sample, bounded Lloyd's first and later steps, the final assignment
    const n = 2 * LLOYD_BLOCK + 777;
    const d = 12;
    const data = gaussian(n, d, 5);
    // five loose groups, so that points change clusters for some steps
    for (let i = 0; i < n; i++) data[i * d + (i % 5)] = (data[i * d + (i % 5)] as number) + 4;
    const points = { data, n, d };
    const run = () => kmeans(points, { k: 7, restartSample: 1500 }, createRng(11));
    const wasm = await run();
    useWasmDistances(false);
    const scalar = await run();
    expect(wasm.iterations).toBeGreaterThan(2);
    expect(bytes(wasm.labels).equals(bytes(scalar.labels))).toBe(true);
    expect(bytes(wasm.centroids).equals(bytes(scalar.centroids))).toBe(true);
    expect(wasm.inertia).toBe(scalar.inertia);
    expect(wasm.restart).toBe(scalar.restart);
    const pp = (): Float64Array => kmeansPlusPlus(points, 7, createRng(2));
    const ppScalar = pp();
    useWasmDistances(true);
    expect(bytes(pp()).equals(bytes(ppScalar))).toBe(true);
  });
});
