import { describe, expect, it } from "vitest";
import { trendsStage } from "../../src/trends/index.js";
import { buildSeries } from "../../src/trends/series.js";
import {
  change,
  chooseWindow,
  RISING_DEFAULTS,
  risingTerms,
  topWithTies,
  type TermChange,
} from "../../src/trends/rising.js";
import { benjaminiHochberg } from "../../src/trends/stats.js";
import { addDays, periodOf } from "../../src/util/periods.js";
import { createRng, type Rng } from "../../src/util/rng.js";

/** A synthetic corpus: `weeks` weeks of `perWeek` papers, theme shares given per week. */
function corpus(rng: Rng, weeks: number, perWeek: number, shares: (week: number) => number[]) {
  const dates: string[] = [];
  const themes: number[] = [];
  for (let w = 0; w < weeks; w++) {
    const s = shares(w);
    for (let i = 0; i < perWeek; i++) {
      dates.push(addDays("2024-01-01", w * 7 + rng.int(7))); // 2024-01-01 is a Monday
      let u = rng.next();
      let t = s.length - 1;
      for (let k = 0; k < s.length; k++) {
        u -= s[k] as number;
        if (u < 0) {
          t = k;
          break;
        }
      }
      themes.push(t);
    }
  }
  return { dates, themes: Int32Array.from(themes), themeNames: ["a", "b", "c", "d", "e"] };
}

const flat = [0.2, 0.2, 0.2, 0.2, 0.2];

describe("series", () => {
  it("zeros for empty periods, undated counted, the last period flagged in progress", () => {
    const s = buildSeries(
      {
        dates: ["2025-01-15", "2025-03-02", null, "2025-03-20", "2025-04-01"],
        themes: [0, 1, 0, -1, 0],
        themeNames: ["x", "y"],
        upvotes: [3, 10, undefined, 1, 7],
      },
      "month",
      "2025-03-25",
    );
    expect(s.periods.map((p) => [p.key, p.complete, p.days])).toEqual([
      ["2025-01", true, 31],
      ["2025-02", true, 28],
      ["2025-03", false, 25],
    ]);
    expect(s.themes).toEqual(["x", "y", "other"]);
    expect(s.counts).toEqual([
      [1, 0, 0],
      [0, 0, 1],
      [0, 0, 1],
    ]);
    expect(s.totals).toEqual([1, 0, 2]);
    expect(s.undated).toBe(1);
    expect(s.afterAsOf).toBe(1);
    const march = s.rows.filter((r) => r.period === "2025-03");
    expect(march.map((r) => [r.theme, r.count, r.share, r.upvotesSum, r.upvotesMedian])).toEqual([
      ["x", 0, 0, 0, null],
      ["y", 1, 0.5, 10, 10],
      ["other", 1, 0.5, 1, 1],
    ]);
  });

  it("clear errors: no dates, asOf before the data, a baseline longer than the data", () => {
    expect(() =>
      buildSeries({ dates: ["2024-02-01"], themes: [0], themeNames: ["x"] }, "month", "2024-01-01"),
    ).toThrow("--as-of 2024-01-01 is before the earliest paper (2024-02-01); choose a later day");
    expect(() =>
      buildSeries({ dates: [null, null], themes: [0, 0], themeNames: ["x"] }, "month"),
    ).toThrow(
      'none of the 2 papers has a date: trends need dated papers (check the ingest summary\'s "undated" column, or use a source with dates)',
    );
    const c = corpus(createRng(1), 5, 50, () => flat);
    expect(() =>
      trendsStage(c, null, { period: "week", recent: 1, baseline: 6, asOf: "2024-02-03" }),
    ).toThrow(
      "the rising test needs 7 complete weeks (trends.recent + trends.baseline), the data has 4 (2024-W01..2024-W04); lower trends.baseline or trends.recent, or use a shorter --period",
    );
  });

  it("warns about a period with no papers at all", () => {
    const c = corpus(createRng(2), 12, 40, () => flat);
    const keep = c.dates.map((d) => !(d >= "2024-02-05" && d <= "2024-02-11")); // drop week 6
    const t = trendsStage(
      {
        dates: c.dates.filter((_, i) => keep[i]),
        themes: Int32Array.from(Array.from(c.themes).filter((_, i) => keep[i])),
        themeNames: c.themeNames,
      },
      null,
      { period: "week", recent: 1, baseline: 4 },
    );
    expect(t.warnings).toEqual([
      "no papers at all in the period 2024-W06: shares there are 0 by definition",
    ]);
  });
});

describe("rising themes", () => {
  it("flags a planted jump in one theme's share over the last 4 weeks", () => {
    const c = corpus(createRng(7), 30, 80, (w) => (w >= 26 ? [0.2, 0.2, 0.35, 0.15, 0.1] : flat));
    const t = trendsStage(c, null, { period: "week", recent: 4, baseline: 12, asOf: "2024-07-28" });
    expect(t.window.recent).toEqual(["2024-W27", "2024-W28", "2024-W29", "2024-W30"]);
    const byName = new Map(t.themes.map((x) => [x.name, x]));
    // planted: c 20% → 35% (rising), d 20% → 15% and e 20% → 10% (fading), a unchanged
    expect([byName.get("c")?.direction, byName.get("c")?.significant]).toEqual(["rising", true]);
    expect([byName.get("d")?.direction, byName.get("d")?.significant]).toEqual(["fading", true]);
    expect([byName.get("e")?.direction, byName.get("e")?.significant]).toEqual(["fading", true]);
    expect(byName.get("a")?.significant).toBe(false);
    const cc = byName.get("c");
    expect(cc?.ratio).toBeGreaterThan(1.4);
    expect(cc?.q).toBeLessThan(0.001);
  });

  it("with no change, runs flagging anything at q < 0.05 stay near or below 5% (200 seeds)", () => {
    let flagged = 0;
    for (let seed = 1; seed <= 200; seed++) {
      const c = corpus(createRng(seed), 20, 60, () => flat);
      const t = trendsStage(c, null, {
        period: "week",
        recent: 4,
        baseline: 12,
        asOf: "2024-05-19",
      });
      if (t.themes.some((x) => x.significant)) flagged++;
    }
    // BH at 0.05 under the global null, with a conservative exact test: expected ≤ 5%
    expect(flagged / 200).toBeLessThanOrEqual(0.06);
  });

  it("does not test the incomplete period, and says so", () => {
    const c = corpus(createRng(3), 20, 50, () => flat);
    const t = trendsStage(c, null, { period: "week", recent: 1, baseline: 4, asOf: "2024-05-15" });
    expect(t.window.skipped).toBe("2024-W20");
    expect(t.window.recent).toEqual(["2024-W19"]);
    expect(t.inProgress).toBe("week in progress, 3 days of 7");
  });
});

describe("term changes", () => {
  it("report the top of the full order (q, p, ratio, then name), ties at the cut included", () => {
    const rng = createRng(11);
    const c = corpus(rng, 12, 60, () => flat);
    const nCols = 40;
    // columns 2j and 2j + 1 occur in the same papers (same counts, p, q and ratio: only their
    // names order them); names run against the columns so that the name decides
    const indptr = [0];
    const indices: number[] = [];
    c.dates.forEach((d) => {
      const week = Math.floor((Date.parse(d) - Date.parse("2024-01-01")) / (7 * 86400000));
      const row: number[] = [];
      for (let j = 0; j < nCols / 2; j++) {
        const rate = j % 3 === 0 ? 0.02 + 0.03 * week : j % 3 === 1 ? 0.4 - 0.03 * week : 0.2;
        if (rng.next() < rate) row.push(2 * j, 2 * j + 1);
      }
      indices.push(...row);
      indptr.push(indices.length);
    });
    const matrix = {
      nRows: c.dates.length,
      nCols,
      indptr: Int32Array.from(indptr),
      indices: Int32Array.from(indices),
      data: new Float32Array(indices.length).fill(1),
    };
    const vocabulary = Array.from({ length: nCols }, (_, i) => `w${String(99 - i)}`);
    const o = { ...RISING_DEFAULTS, recent: 2, baseline: 6, maxTerms: 3 };
    const series = buildSeries(c, "week", "2024-03-24");
    const window = chooseWindow(series, o);
    const keys = c.dates.map((d) => (d > series.asOf ? null : periodOf(d, "week")));
    const papers = c.dates.map((date, i) => ({ id: `p${i}`, title: `t${i}`, date }));
    const got = risingTerms(
      series,
      window,
      { matrix, vocabulary, display: (e) => e, papers, periodOf: keys },
      o,
    );
    // the reference: every tested term as a Change, adjusted together, fully sorted
    const inRecent = new Set(window.recent);
    const inBase = new Set(window.baseline);
    const now = c.dates.filter((_, r) => inRecent.has(keys[r] ?? "")).length;
    const base = c.dates.filter((_, r) => inBase.has(keys[r] ?? "")).length;
    const all = vocabulary
      .map((name, col) => {
        let x1 = 0;
        let x0 = 0;
        for (let r = 0; r < matrix.nRows; r++) {
          const has = indices.slice(indptr[r], indptr[r + 1]).includes(col);
          if (has && inRecent.has(keys[r] ?? "")) x1++;
          if (has && inBase.has(keys[r] ?? "")) x0++;
        }
        return { col, x1, x0, c: change(name, x1, now, x0, base) };
      })
      .filter((t) => Math.max(t.x1, t.x0) >= o.minTermCount);
    const q = benjaminiHochberg(all.map((t) => t.c.p));
    const ranked = all
      .map((t, i) => ({ ...t.c, q: q[i] as number, column: t.col }))
      .sort(
        (a, b) =>
          a.q - b.q ||
          a.p - b.p ||
          (b.ratio ?? Infinity) - (a.ratio ?? Infinity) ||
          (a.name < b.name ? -1 : 1),
      );
    const want = (dir: string) =>
      ranked
        .filter((t) => t.direction === dir)
        .slice(0, o.maxTerms)
        .map((t) => [t.name, t.column, t.q]);
    const rising = got.filter((t) => t.direction === "rising");
    const fading = got.filter((t) => t.direction === "fading");
    expect(rising.map((t) => [t.name, t.column, t.q])).toEqual(want("rising"));
    expect(fading.map((t) => [t.name, t.column, t.q])).toEqual(want("fading"));
    // the cut falls inside a tied pair: the name decides which of the two is reported
    expect(rising.length).toBe(3);
    expect((rising[2] as TermChange).column % 2).toBe(1);
  });
});

describe("topWithTies", () => {
  it("keeps the items a full sort would put first, and every tie of the last", () => {
    // few distinct values (many ties), Infinity ratios (whose difference is NaN, a tie to a
    // sort), and a filter: against the sort, then the ties after the cut
    const rng = createRng(5);
    for (let trial = 0; trial < 300; trial++) {
      const n = rng.int(200);
      const q = Array.from({ length: n }, () => rng.int(4) / 4);
      const p = Array.from({ length: n }, () => rng.int(3) / 3);
      const r = Array.from({ length: n }, () => (rng.int(4) === 0 ? Infinity : rng.int(3)));
      const keep = Array.from({ length: n }, () => rng.int(3) > 0);
      const cmp = (i: number, j: number): number =>
        (q[i] as number) - (q[j] as number) ||
        (p[i] as number) - (p[j] as number) ||
        (r[j] as number) - (r[i] as number);
      const k = rng.int(30);
      const kept = Array.from({ length: n }, (_, i) => i).filter((i) => keep[i]);
      const sorted = Int32Array.from(kept).sort(cmp);
      let end = Math.min(k, sorted.length);
      const last = sorted[end - 1];
      const tied = (i: number, j: number): boolean =>
        q[i] === q[j] && p[i] === p[j] && r[i] === r[j];
      if (last !== undefined)
        while (end < sorted.length && tied(sorted[end] as number, last)) end++;
      const want = Array.from(sorted.subarray(0, end)).sort((a, b) => a - b);
      expect(topWithTies(n, (i) => keep[i] as boolean, cmp, k)).toEqual(want);
    }
  });
});
