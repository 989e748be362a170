import { describe, expect, it } from "vitest";
import {
  classWeights,
  clusterRows,
  clusterTerms,
  countColumns,
  type CountRows,
  largestFirst,
  labelTerms,
  type ClusterTermsJob,
} from "../../src/cluster/labels.js";
import { createRng } from "../../src/util/rng.js";
// the dist build: worker threads run compiled JavaScript (`npm test` builds first)
import { openKernels, serialKernels } from "../../dist/util/kernels.js";

/**
 * Random counts and TF-IDF-like values on the same rows. Every entry of an even column comes
 * with the same entry in the next column, so every weight and sum is tied with another.
 */
function randomCounts(seed: number, nRows: number, nCols: number, perRow: number) {
  const rng = createRng(seed);
  const indptr = new Int32Array(nRows + 1);
  const indices: number[] = [];
  const counts: number[] = [];
  const values: number[] = [];
  for (let r = 0; r < nRows; r++) {
    const cols = new Set<number>();
    // a skewed column choice: low columns are common, as frequent terms are
    while (cols.size < perRow) cols.add(2 * Math.floor((nCols / 2) * rng.next() ** 2));
    for (const c of [...cols].sort((a, b) => a - b)) {
      const count = 1 + rng.int(3);
      const value = rng.next();
      indices.push(c, c + 1);
      counts.push(count, count);
      values.push(value, value);
    }
    indptr[r + 1] = indices.length;
  }
  const labels = Int32Array.from({ length: nRows }, () => rng.int(6) - 1); // -1: "other"
  const structure = { nRows, nCols, indptr, indices: Int32Array.from(indices) };
  return {
    counts: { ...structure, data: Uint16Array.from(counts) },
    values: Float32Array.from(values),
    labels,
  };
}

/** Class TF-IDF and term-space centroids straight from their definitions, k × vocabulary dense. */
function bruteForce(m: ReturnType<typeof randomCounts>, k: number) {
  const { counts, values, labels } = m;
  const tf = Array.from({ length: k }, () => new Float64Array(counts.nCols));
  const sum = Array.from({ length: k }, () => new Float64Array(counts.nCols));
  const rows = new Array<number>(k).fill(0);
  for (let r = 0; r < counts.nRows; r++) {
    const c = labels[r] as number;
    if (c < 0) continue;
    rows[c]!++;
    for (let p = counts.indptr[r]!; p < counts.indptr[r + 1]!; p++) {
      tf[c]![counts.indices[p]!]! += counts.data[p]!;
      sum[c]![counts.indices[p]!]! += values[p]!;
    }
  }
  const words = tf.map((t) => t.reduce((a, b) => a + b, 0));
  const avg = words.reduce((a, b) => a + b, 0) / words.filter((w) => w > 0).length;
  return tf.map((t, c) => {
    const weight = Array.from(t, (v, j) => {
      const f = tf.reduce((a, x) => a + x[j]!, 0);
      return v > 0 ? (v / words[c]!) * Math.log(1 + avg / f) : 0;
    });
    const byWeight = weight
      .map((w, j) => ({ w, j }))
      .filter((x) => x.w > 0)
      .sort((a, b) => b.w - a.w || a.j - b.j);
    const bySum = Array.from(sum[c]!, (s, j) => ({ s, j }))
      .filter((x) => x.s > 0)
      .sort((a, b) => b.s - a.s || a.j - b.j);
    return { byWeight, bySum, rows: rows[c]!, sum: sum[c]! };
  });
}

describe("class TF-IDF labels and term-space centroids", () => {
  const k = 5;
  const m = randomCounts(3, 2_000, 3_000, 25);
  const job: ClusterTermsJob = {
    counts: m.counts,
    values: m.values,
    rows: clusterRows(m.labels, k),
    ...classWeights(m.counts, m.labels, k),
    // odd, so that the cut falls inside a tied pair
    spare: 41,
    top: 31,
  };
  const want = bruteForce(m, k);

  it("give each cluster the definition's largest weights, ties kept at the cut, and its centroid", () => {
    const got = clusterTerms(job, [0, 1, 2, 3, 4]);
    got.forEach((t, c) => {
      const w = want[c]!;
      expect(t.positive).toBe(w.byWeight.length);
      // at least `spare`, plus every candidate tied with the last
      const cut = w.byWeight[job.spare - 1]!.w;
      const expected = w.byWeight.filter((x) => x.w >= cut);
      expect(expected.length).toBeGreaterThan(job.spare);
      expect(Array.from(t.candidates)).toEqual(expected.map((x) => x.j));
      t.weights.forEach((v, i) => expect(v).toBeCloseTo(expected[i]!.w, 12));
      const cols = w.bySum.slice(0, job.top).map((x) => x.j);
      expect(Array.from(t.centroidCols)).toEqual(cols.sort((a, b) => a - b));
      t.centroidMeans.forEach((v, i) =>
        expect(v).toBeCloseTo(w.sum[t.centroidCols[i]!]! / w.rows, 12),
      );
    });
  });

  it("give a cluster the same result whichever clusters share the call", () => {
    const all = clusterTerms(job, [0, 1, 2, 3, 4]);
    const some = clusterTerms(job, [3, 1]);
    expect(some).toEqual([all[3], all[1]]);
  });

  it("are the same on two and three threads as on one, term frequencies included", async () => {
    const one = await serialKernels.clusterTerms(job);
    expect(one).toEqual(clusterTerms(job, [0, 1, 2, 3, 4]));
    for (const threads of [2, 3]) {
      const kernels = openKernels(threads);
      expect(kernels).not.toBe(serialKernels);
      try {
        expect(await kernels.classWeights(m.counts, m.labels, k)).toEqual(
          classWeights(m.counts, m.labels, k),
        );
        expect(await kernels.clusterTerms(job)).toEqual(one);
      } finally {
        kernels.close();
      }
    }
  });

  it("fall back to every positive column when the candidates run out", () => {
    const t = clusterTerms({ ...job, spare: 1 }, [2])[0]!;
    // the candidates are a tied pair, and the second (a unigram) is inside the first (made a
    // bigram here): they give one label, so the other two come from every positive column
    const vocabulary = Array.from({ length: m.counts.nCols }, (_, j) => `t${j}`);
    const first = t.candidates[0]!;
    const second = want[2]!.byWeight[1]!.j;
    vocabulary[first] = `t${second} t9999`;
    const labels = labelTerms(
      t,
      vocabulary,
      (e) => e,
      3,
      () => clusterTerms({ ...job, spare: Infinity }, [2])[0]!,
    );
    expect(labels.map((l) => l.term)).toEqual([
      `t${second} t9999`,
      `t${want[2]!.byWeight[2]!.j}`,
      `t${want[2]!.byWeight[3]!.j}`,
    ]);
  });
});

describe("largestFirst", () => {
  it("equals a full sort of the positive values, with every value tied at the cut", () => {
    const rng = createRng(8);
    const values = Float64Array.from({ length: 5_000 }, () => rng.int(50) - 10);
    const sorted = Array.from(values, (v, j) => ({ v, j }))
      .filter((x) => x.v > 0)
      .sort((a, b) => b.v - a.v || a.j - b.j);
    for (const count of [1, 7, 100, 3_000, sorted.length, 10_000, Infinity]) {
      const cut = sorted[Math.min(count, sorted.length) - 1]!.v;
      expect(largestFirst(values, count)).toEqual(sorted.filter((x) => x.v >= cut).map((x) => x.j));
    }
  });

  it("over values given with their indices (in any order), equals it over the whole array", () => {
    const rng = createRng(9);
    const whole = new Float64Array(20_000);
    const held: number[] = [];
    for (let j = 0; j < whole.length; j++) {
      if (rng.next() < 0.2) continue;
      whole[j] = rng.int(40) - 5; // ties, zeros and negatives among the held
      held.push(j);
    }
    for (let i = held.length - 1; i > 0; i--) {
      const r = rng.int(i + 1);
      [held[i], held[r]] = [held[r] as number, held[i] as number];
    }
    const index = Int32Array.from(held);
    const values = Float64Array.from(index, (j) => whole[j] as number);
    for (const count of [1, 10, 500, 5_000, Infinity])
      expect(largestFirst(values, count, index)).toEqual(largestFirst(whole, count));
  });
});

describe("blocked column sums", () => {
  const k = 5;
  // 200,000 columns: seven buckets of columns
  const m = randomCounts(9, 3_000, 200_000, 30);
  const { counts, labels } = m;
  const direct = { minColumns: Infinity, entries: 0 };
  const sums = (blocking: typeof direct, from: number, to: number, rows: CountRows = counts) => {
    const ft = new Float64Array(counts.nCols);
    const words = new Float64Array(k);
    countColumns(rows, labels, ft, words, from, to, blocking);
    return { ft, words };
  };
  /** Bit for bit (a deep toEqual over 200,000 numbers takes seconds). */
  const same = (a: ReturnType<typeof sums>, b: ReturnType<typeof sums>): boolean =>
    Buffer.from(a.ft.buffer).equals(Buffer.from(b.ft.buffer)) &&
    Buffer.from(a.words.buffer).equals(Buffer.from(b.words.buffer));
  // counts that are not 16-bit go through the block as 64-bit floats
  const wide = { ...counts, data: Float64Array.from(counts.data, (v, i) => v + (i % 7) * 1e5) };

  it("equal one pass over the rows bit for bit, whatever the block size", () => {
    const job: ClusterTermsJob = {
      counts,
      // values over 40 binary orders of magnitude: their sums depend on the order of addition
      values: Float32Array.from(m.values, (v, i) => v * 2 ** (((i * 7919) % 41) - 20)),
      rows: clusterRows(labels, k),
      ...classWeights(counts, labels, k),
      spare: 41,
      top: 31,
    };
    const want = clusterTerms(job, [0, 1, 2, 3, 4], direct);
    // (so the test sees a change of order: the same sums taken rows last to first differ)
    const order = job.rows.order.slice();
    for (let c = 0; c < k; c++) order.subarray(job.rows.start[c], job.rows.start[c + 1]).reverse();
    const reversed = { ...job, rows: { ...job.rows, order } };
    expect(clusterTerms(reversed, [0, 1, 2, 3, 4], direct)).not.toEqual(want);
    // one entry (a row per block), a few rows, many rows, all rows in one block
    for (const entries of [1, 100, 5_000, 1 << 20]) {
      const blocked = { minColumns: 0, entries };
      expect(same(sums(blocked, 0, counts.nRows), sums(direct, 0, counts.nRows))).toBe(true);
      expect(same(sums(blocked, 700, 2_300), sums(direct, 700, 2_300))).toBe(true);
      const all = [0, counts.nRows, wide] as const;
      expect(same(sums(blocked, ...all), sums(direct, ...all))).toBe(true);
      // the value sums are floats: they match only when added in the same order
      expect(clusterTerms(job, [0, 1, 2, 3, 4], blocked)).toEqual(want);
    }
  });
});
