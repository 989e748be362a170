import { describe, expect, it } from "vitest";
import { ari, nmi, silhouette } from "../../src/cluster/quality.js";
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
