import { describe, expect, it } from "vitest";
import { batchCost, burstStates, bursts } from "../../src/trends/bursts.js";
import { benjaminiHochberg, fisher, lnGamma } from "../../src/trends/stats.js";

describe("exact tests", () => {
  it("ln Γ", () => {
    expect(lnGamma(1)).toBeCloseTo(0, 12);
    expect(lnGamma(5)).toBeCloseTo(Math.log(24), 12);
    expect(lnGamma(101)).toBeCloseTo(363.73937555556347, 9);
  });

  it("Fisher's exact test matches SciPy's fisher_exact (one-sided tails)", () => {
    // scipy.stats.fisher_exact([[12, 88], [30, 570]], alternative="greater" / "less")
    const a = fisher(12, 100, 30, 600);
    expect(a.up).toBeCloseTo(0.00998696300741901, 12);
    expect(a.down).toBeCloseTo(0.9966307826901875, 12);
    // [[0, 50], [5, 45]]
    const b = fisher(0, 50, 5, 50);
    expect(b.up).toBeCloseTo(1, 12);
    expect(b.down).toBeCloseTo(0.028142247214412164, 12);
    expect(b.twoSided).toBeCloseTo(2 * 0.028142247214412164, 12);
  });

  it("Benjamini–Hochberg q-values, worked by hand", () => {
    // sorted p: .01 .03 .04 .5 → m·p/rank: .04 .06 .0533 .5 → running minimum from the top
    expect(benjaminiHochberg([0.01, 0.04, 0.03, 0.5])).toEqual([0.04, 0.16 / 3, 0.16 / 3, 0.5]);
    expect(benjaminiHochberg([])).toEqual([]);
  });
});

describe("Kleinberg burst detection (two-state)", () => {
  // 6 batches of 100 papers; the theme has 5, 5, 20, 25, 5, 5.
  // p0 = 65/600, p1 = 2·p0; entering the burst state costs γ ln 6 = 1.79.
  // Cost saved by state 1 in a batch: r ln(p1/p0) + (d − r) ln((1 − p1)/(1 − p0)):
  //   r = 5: 5 ln 2 + 95 ln(0.7833/0.8917) = 3.47 − 12.31 = −8.84 (state 0 is cheaper)
  //   r = 20: 13.86 − 10.36 = 3.50;  r = 25: 17.33 − 9.72 = 7.61
  // so one burst over batches 2..3: it saves 11.11 > 1.79, and staying on costs 8.84.
  const r = [5, 5, 20, 25, 5, 5];
  const d = [100, 100, 100, 100, 100, 100];
  const p0 = 65 / 600;
  const p1 = 2 * p0;
  const saved = (x: number, n: number): number =>
    x * Math.log(p1 / p0) + (n - x) * Math.log((1 - p1) / (1 - p0));

  it("finds the hand-worked burst and its weight", () => {
    expect(saved(20, 100)).toBeCloseTo(3.5, 2);
    expect(saved(25, 100)).toBeCloseTo(7.61, 2);
    expect(saved(5, 100)).toBeCloseTo(-8.84, 2);
    const b = bursts(r, d);
    expect(b).toHaveLength(1);
    expect(b[0]).toMatchObject({ start: 2, end: 3 });
    expect(b[0]?.weight).toBeCloseTo(saved(20, 100) + saved(25, 100), 9);
  });

  it("the Viterbi path equals a brute-force search over all state sequences", () => {
    const cases: [number[], number[]][] = [
      [r, d],
      [
        [1, 9, 9, 1, 8, 0, 0, 9],
        [20, 20, 20, 20, 20, 20, 20, 20],
      ],
      [
        [0, 0, 3, 0, 0, 0, 4, 4],
        [10, 12, 9, 10, 11, 10, 10, 9],
      ],
    ];
    for (const [rr, dd] of cases) {
      const n = rr.length;
      const P0 = rr.reduce((a, b) => a + b, 0) / dd.reduce((a, b) => a + b, 0);
      const P1 = 2 * P0;
      const up = Math.log(n);
      let best = Infinity;
      let bestSeq: number[] = [];
      for (let mask = 0; mask < 1 << n; mask++) {
        const seq = Array.from({ length: n }, (_, t) => (mask >> t) & 1);
        let cost = 0;
        let prev = 0;
        seq.forEach((s, t) => {
          if (s > prev) cost += up;
          cost += batchCost(s ? P1 : P0, rr[t] as number, dd[t] as number);
          prev = s;
        });
        if (cost < best - 1e-12) {
          best = cost;
          bestSeq = seq;
        }
      }
      expect(burstStates(rr, dd)).toEqual(bestSeq);
    }
  });

  it("no theme papers, no bursts", () => {
    expect(bursts([0, 0, 0], [5, 5, 5])).toEqual([]);
  });
});
