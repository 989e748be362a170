import { describe, expect, it } from "vitest";
import { ari, cosineDistances, nmi, silhouette } from "../../src/cluster/quality.js";
import { createRng } from "../../src/util/rng.js";

// reference values computed with scikit-learn 1.2.1 (normalized_mutual_info_score,
// adjusted_rand_score, silhouette_score / silhouette_samples with metric="cosine")
describe("clustering quality against scikit-learn", () => {
  const a = [0, 0, 0, 1, 1, 1, 2, 2, 2, 2, 0, 1];
  const b = [1, 1, 0, 0, 2, 2, 2, 2, 1, 0, 1, 2];

  it("NMI (arithmetic normalisation) and ARI", () => {
    expect(nmi(a, b)).toBeCloseTo(0.3272656703157479, 12);
    expect(ari(a, b)).toBeCloseTo(0.13651877133105803, 12);
    expect(nmi(a, a)).toBe(1);
    expect(ari(a, a)).toBe(1);
    // a relabelling changes nothing
    expect(
      nmi(
        a,
        a.map((x) => 5 - x),
      ),
    ).toBeCloseTo(1, 12);
  });

  it("silhouette with cosine distance, overall and per cluster", () => {
    const x = [
      [1, 0.1, 0],
      [0.9, 0.2, 0.1],
      [1, 0, 0.2],
      [0, 1, 0.1],
      [0.1, 0.9, 0],
      [0.2, 1, 0.3],
      [0.5, 0.5, 1],
      [0.4, 0.6, 0.9],
    ];
    const p = { data: Float64Array.from(x.flat()), n: 8, d: 3 };
    const s = silhouette(p, Int32Array.from([0, 0, 0, 1, 1, 1, 2, 2]), 3, createRng(1));
    expect(s.mean).toBeCloseTo(0.9459870344952259, 12);
    expect(s.perCluster[0]).toBeCloseTo(0.9562292841127663, 12);
    expect(s.perCluster[1]).toBeCloseTo(0.9143663746839449, 12);
    expect(s.perCluster[2]).toBeCloseTo(0.9780546497858368, 12);
    expect(s.sampleSize).toBe(8);
  });

  it("leaves out papers in `other` (label -1)", () => {
    const p = { data: Float64Array.from([1, 0, 0.9, 0.1, 0, 1, 0.1, 0.9, 0.5, 0.5]), n: 5, d: 2 };
    const s = silhouette(p, Int32Array.from([0, 0, 1, 1, -1]), 2, createRng(1));
    expect(s.sampleSize).toBe(4);
    expect(Number.isFinite(s.mean)).toBe(true);
  });
});

describe("cosine distances", () => {
  it("equal a loop over each pair's dot product, to the bit (rows in any order, a zero row)", () => {
    const rng = createRng(3);
    for (const [n, d, m] of [
      [40, 3, 25],
      [700, 64, 600],
      [300, 17, 300],
    ] as const) {
      const data = Float64Array.from({ length: n * d }, () => rng.normal());
      data.fill(0, 5 * d, 6 * d); // a zero row: its norm counts as 1
      const p = { data, n, d };
      const rows = Array.from({ length: m }, () => rng.int(n));
      rows[1] = 5;
      const got = cosineDistances(p, rows);
      const norm = (r: number): number => {
        let s = 0;
        for (let j = 0; j < d; j++) s += (data[r * d + j] as number) ** 2;
        return Math.sqrt(s) || 1;
      };
      for (let a = 0; a < m; a++) {
        expect(got[a * m + a]).toBe(0);
        for (let b = a + 1; b < m; b++) {
          const ra = rows[a] as number;
          const rb = rows[b] as number;
          let dot = 0;
          for (let j = 0; j < d; j++)
            dot += (data[ra * d + j] as number) * (data[rb * d + j] as number);
          const want = Math.max(0, 1 - dot / (norm(ra) * norm(rb)));
          if (got[a * m + b] !== want || got[b * m + a] !== want)
            throw new Error(`${n}×${d}, rows ${a}, ${b}: ${got[a * m + b]} against ${want}`);
        }
      }
    }
  });
});
