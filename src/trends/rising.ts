import { msg } from "../messages.js";
import { UserError } from "../util/errors.js";
import type { Csr } from "../vectorize/sparse.js";
import type { Series } from "./series.js";
import { benjaminiHochberg, benjaminiHochbergTyped, fisher } from "./stats.js";

/**
 * Rising and fading: the latest complete period(s) against a baseline window just before them.
 * For each theme (and each term, by document frequency), Fisher's exact test compares its
 * share of papers now with its share in the baseline, the period totals being the exposure;
 * p-values are two-sided and Benjamini–Hochberg adjusted across all themes (or all tested
 * terms) to control the false discovery rate.
 */

export interface RisingOptions {
  /** periods in the recent window */
  recent: number;
  /** periods in the baseline window, just before the recent one */
  baseline: number;
  /** q below which a change is reported as significant */
  alpha: number;
  /** terms in fewer recent papers than this are not tested */
  minTermCount: number;
  /** how many terms to report in each direction */
  maxTerms: number;
}

export const RISING_DEFAULTS: RisingOptions = {
  recent: 1,
  baseline: 6,
  alpha: 0.05,
  minTermCount: 5,
  maxTerms: 25,
};

export interface Window {
  recent: string[];
  baseline: string[];
  /** the incomplete period left out of the test, if any */
  skipped: string | null;
}

export interface Change {
  name: string;
  direction: "rising" | "fading" | "flat";
  countNow: number;
  totalNow: number;
  shareNow: number;
  countBase: number;
  totalBase: number;
  shareBase: number;
  /** shareNow / shareBase; null when the baseline share is 0 */
  ratio: number | null;
  p: number;
  q: number;
  significant: boolean;
}

export function chooseWindow(series: Series, o: RisingOptions): Window {
  const complete = series.periods.filter((p) => p.complete).map((p) => p.key);
  const last = series.periods[series.periods.length - 1];
  const skipped = last && !last.complete ? last.key : null;
  const need = o.recent + o.baseline;
  if (complete.length < need) {
    throw new UserError(
      msg.windowTooLong(
        need,
        series.period,
        complete.length,
        complete[0] ?? null,
        complete[complete.length - 1] ?? null,
      ),
    );
  }
  const recent = complete.slice(complete.length - o.recent);
  const baseline = complete.slice(complete.length - need, complete.length - o.recent);
  return { recent, baseline, skipped };
}

export function change(
  name: string,
  x1: number,
  n1: number,
  x0: number,
  n0: number,
): Omit<Change, "q" | "significant"> {
  const shareNow = n1 > 0 ? x1 / n1 : 0;
  const shareBase = n0 > 0 ? x0 / n0 : 0;
  const f = fisher(x1, n1, x0, n0);
  const direction = shareNow > shareBase ? "rising" : shareNow < shareBase ? "fading" : "flat";
  return {
    name,
    direction,
    countNow: x1,
    totalNow: n1,
    shareNow,
    countBase: x0,
    totalBase: n0,
    shareBase,
    ratio: shareBase > 0 ? shareNow / shareBase : null,
    p: f.twoSided,
  };
}

function withQ(items: Omit<Change, "q" | "significant">[], alpha: number): Change[] {
  const q = benjaminiHochberg(items.map((c) => c.p));
  return items.map((c, i) => ({
    ...c,
    q: q[i] as number,
    significant: (q[i] as number) < alpha && c.direction !== "flat",
  }));
}

function windowTotals(series: Series, keys: string[]): { idx: number[]; total: number } {
  const idx = keys.map((k) => series.periods.findIndex((p) => p.key === k));
  return { idx, total: idx.reduce((a, i) => a + (series.totals[i] as number), 0) };
}

export function risingThemes(series: Series, w: Window, o: RisingOptions): Change[] {
  const now = windowTotals(series, w.recent);
  const base = windowTotals(series, w.baseline);
  if (now.total === 0) throw new UserError(msg.windowEmpty("recent", w.recent));
  if (base.total === 0) throw new UserError(msg.windowEmpty("baseline", w.baseline));
  const items = series.themes
    .filter((t) => t !== "other")
    .map((t) => {
      const ti = series.themes.indexOf(t);
      const c = series.counts[ti] as number[];
      const x1 = now.idx.reduce((a, i) => a + (c[i] as number), 0);
      const x0 = base.idx.reduce((a, i) => a + (c[i] as number), 0);
      return change(t, x1, now.total, x0, base.total);
    });
  return withQ(items, o.alpha);
}

export interface TermChange extends Change {
  /** the term's column in the TF-IDF vocabulary */
  column: number;
  /** papers of the recent window that contain the term: the most upvoted, then the newest */
  examples: { id: string; title: string; date: string }[];
}

export interface TermInput {
  /** paper × vocabulary (any weights: presence is what counts) */
  matrix: Csr;
  vocabulary: readonly string[];
  display: (entry: string) => string;
  papers: readonly { id: string; title: string; date: string | null; upvotes?: number }[];
  /** period key of every paper (null: undated or after asOf) */
  periodOf: readonly (string | null)[];
}

/** Emerging and fading terms: document frequency in the recent window against the baseline. */
export function risingTerms(
  series: Series,
  w: Window,
  input: TermInput,
  o: RisingOptions,
): TermChange[] {
  const inRecent = new Set(w.recent);
  const inBase = new Set(w.baseline);
  const now = windowTotals(series, w.recent).total;
  const base = windowTotals(series, w.baseline).total;
  const nCols = input.matrix.nCols;
  const dfNow = new Int32Array(nCols);
  const dfBase = new Int32Array(nCols);
  const m = input.matrix;
  for (let r = 0; r < m.nRows; r++) {
    const key = input.periodOf[r];
    if (key === null || key === undefined) continue;
    const target = inRecent.has(key) ? dfNow : inBase.has(key) ? dfBase : null;
    if (!target) continue;
    for (let p = m.indptr[r] as number; p < (m.indptr[r + 1] as number); p++) {
      const c = m.indices[p] as number;
      target[c] = (target[c] as number) + 1;
    }
  }
  // the tested terms as numbers only (at 1M papers there are millions): names and objects
  // are made only for the few reported
  let nTested = 0;
  for (let col = 0; col < nCols; col++) {
    // a term is tested when it is frequent enough in either window (so fading terms count too)
    if (Math.max(dfNow[col] as number, dfBase[col] as number) >= o.minTermCount) nTested++;
  }
  const testedCol = new Int32Array(nTested);
  const pValue = new Float64Array(nTested);
  // shareNow − shareBase's sign: 1 rising, −1 fading, 0 flat
  const sign = new Int8Array(nTested);
  // shareNow / shareBase, Infinity when the baseline share is 0 (as `order` ranks a null ratio)
  const ratio = new Float64Array(nTested);
  // Fisher's test depends only on (x1, x0) here: many terms share their counts
  const fisherOf = new Map<number, number>();
  let t = 0;
  for (let col = 0; col < nCols; col++) {
    const x1 = dfNow[col] as number;
    const x0 = dfBase[col] as number;
    if (Math.max(x1, x0) < o.minTermCount) continue;
    const key = x1 * (base + 1) + x0;
    let pv = fisherOf.get(key);
    if (pv === undefined) {
      pv = fisher(x1, now, x0, base).twoSided;
      fisherOf.set(key, pv);
    }
    const shareNow = now > 0 ? x1 / now : 0;
    const shareBase = base > 0 ? x0 / base : 0;
    testedCol[t] = col;
    pValue[t] = pv;
    sign[t] = shareNow > shareBase ? 1 : shareNow < shareBase ? -1 : 0;
    ratio[t] = shareBase > 0 ? shareNow / shareBase : Infinity;
    t++;
  }
  const qValue = benjaminiHochbergTyped(pValue);
  const changeOf = (i: number): Change => {
    const col = testedCol[i] as number;
    const c = change(
      input.display(input.vocabulary[col] as string),
      dfNow[col] as number,
      now,
      dfBase[col] as number,
      base,
    );
    const q = qValue[i] as number;
    return { ...c, q, significant: q < o.alpha && c.direction !== "flat" };
  };
  const recentRows: number[] = [];
  for (let r = 0; r < m.nRows; r++) {
    const key = input.periodOf[r];
    if (key !== null && key !== undefined && inRecent.has(key)) recentRows.push(r);
  }
  const examplesFor = (col: number): TermChange["examples"] => {
    const hits: number[] = [];
    for (const r of recentRows) {
      // indices are sorted within a row: binary search
      if (rowHas(m.indices, m.indptr[r] as number, m.indptr[r + 1] as number, col)) hits.push(r);
    }
    const ps = input.papers;
    hits.sort(
      (x, y) =>
        (ps[y]?.upvotes ?? 0) - (ps[x]?.upvotes ?? 0) ||
        ((ps[y]?.date ?? "") < (ps[x]?.date ?? "")
          ? -1
          : (ps[y]?.date ?? "") > (ps[x]?.date ?? "")
            ? 1
            : 0) ||
        x - y,
    );
    return hits
      .slice(0, 3)
      .map((r) => ({ id: ps[r]?.id ?? "", title: ps[r]?.title ?? "", date: ps[r]?.date ?? "" }));
  };
  const order = (a: Change, b: Change): number =>
    a.q - b.q ||
    a.p - b.p ||
    (b.ratio ?? Infinity) - (a.ratio ?? Infinity) ||
    (a.name < b.name ? -1 : 1);
  // `order` without the name: the top maxTerms by it, and every term tied with the last of
  // them, are the only ones the full order can report
  const byNumbers = (i: number, j: number): number =>
    (qValue[i] as number) - (qValue[j] as number) ||
    (pValue[i] as number) - (pValue[j] as number) ||
    (ratio[j] as number) - (ratio[i] as number);
  const pick = (dir: "rising" | "fading"): TermChange[] => {
    const want = dir === "rising" ? 1 : -1;
    const candidates = topWithTies(nTested, (i) => sign[i] === want, byNumbers, o.maxTerms);
    return candidates
      .map((i) => ({ c: changeOf(i), col: testedCol[i] as number }))
      .sort((a, b) => order(a.c, b.c))
      .slice(0, o.maxTerms)
      .map(({ c, col }) => ({
        ...c,
        column: col,
        examples: dir === "rising" ? examplesFor(col) : [],
      }));
  };
  return [...pick("rising"), ...pick("fading")];
}

/**
 * Of the items i < n that `keep`, the first `k` by `cmp` and every item tied with the k-th
 * (`cmp` 0, or NaN, which a sort takes for 0), in ascending i: the same items as the first
 * k of the sorted items and the ties after them. Found in one pass that keeps the best k so
 * far, then a second that collects: at 1M papers sorting the millions of tested terms (twice)
 * was 2 s of the trends stage, and only the top 25 or so are reported.
 */
export function topWithTies(
  n: number,
  keep: (i: number) => boolean,
  cmp: (i: number, j: number) => number,
  k: number,
): number[] {
  const best: number[] = [];
  for (let i = 0; i < n; i++) {
    if (!keep(i)) continue;
    if (best.length === k && !(cmp(i, best[k - 1] as number) < 0)) continue;
    let at = best.length;
    while (at > 0 && cmp(i, best[at - 1] as number) < 0) at--;
    best.splice(at, 0, i);
    if (best.length > k) best.pop();
  }
  const last = best[best.length - 1];
  const out: number[] = [];
  if (last === undefined) return out;
  for (let i = 0; i < n; i++) if (keep(i) && !(cmp(i, last) > 0)) out.push(i);
  return out;
}

/** Papers per period that contain each given column (for term-trend charts). */
export function termPeriodCounts(
  matrix: Csr,
  periodOf: readonly (string | null)[],
  periods: readonly string[],
  columns: readonly number[],
): number[][] {
  const pIndex = new Map(periods.map((k, i) => [k, i]));
  const out = columns.map(() => new Array<number>(periods.length).fill(0));
  for (let r = 0; r < matrix.nRows; r++) {
    const key = periodOf[r];
    const pi = key === null || key === undefined ? undefined : pIndex.get(key);
    if (pi === undefined) continue;
    // a few columns: each found by binary search in the row (its columns are sorted), which
    // reads only the row (a lookup table over the vocabulary misses the caches at every entry)
    const a = matrix.indptr[r] as number;
    const b = matrix.indptr[r + 1] as number;
    columns.forEach((col, ci) => {
      if (rowHas(matrix.indices, a, b, col)) {
        const row = out[ci] as number[];
        row[pi] = (row[pi] as number) + 1;
      }
    });
  }
  return out;
}

/** Whether indices[a, b) (sorted) holds col. */
function rowHas(indices: Int32Array, a: number, b: number, col: number): boolean {
  let lo = a;
  let hi = b - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const v = indices[mid] as number;
    if (v === col) return true;
    if (v < col) lo = mid + 1;
    else hi = mid - 1;
  }
  return false;
}
