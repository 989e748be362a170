import { msg } from "../messages.js";
import { UserError } from "../util/errors.js";
import { groupAggregate } from "./tables.js";
import {
  daysBetween,
  periodEnd,
  periodOf,
  periodRange,
  periodStart,
  type Period,
} from "../util/periods.js";

/**
 * Counts and shares of papers per theme per calendar period, aggregated with danfojs-node.
 * Bins are calendar-aligned (UTC); a period with no papers of a theme is a zero, not a gap;
 * undated papers are left out and counted. The period holding `asOf` is flagged incomplete
 * unless `asOf` is its last day. Where the source has upvotes, their sum and median per theme
 * and period are a second measure (attention).
 */

export interface PeriodInfo {
  key: string;
  start: string;
  end: string;
  complete: boolean;
  /** days of the period covered by the data (asOf inclusive) */
  days: number;
  length: number;
}

export interface SeriesRow {
  period: string;
  theme: string;
  count: number;
  total: number;
  share: number;
  upvotesSum: number | null;
  upvotesMedian: number | null;
}

export interface Series {
  period: Period;
  asOf: string;
  periods: PeriodInfo[];
  themes: string[];
  /** period-major, then themes in order */
  rows: SeriesRow[];
  /** count[theme][period] */
  counts: number[][];
  totals: number[];
  undated: number;
  afterAsOf: number;
  hasUpvotes: boolean;
}

export interface SeriesInput {
  dates: readonly (string | null)[];
  /** theme index per paper; -1 is `other` */
  themes: ArrayLike<number>;
  themeNames: readonly string[];
  upvotes?: readonly (number | undefined)[];
}

/** Theme index → column label; `other` is the last theme. */
export function themeLabels(names: readonly string[]): string[] {
  return [...names, "other"];
}

export function buildSeries(input: SeriesInput, period: Period, asOfGiven?: string): Series {
  const names = themeLabels(input.themeNames);
  const otherIdx = names.length - 1;
  let latest: string | null = null;
  let earliest: string | null = null;
  let undated = 0;
  for (const d of input.dates) {
    if (d === null) {
      undated++;
      continue;
    }
    if (latest === null || d > latest) latest = d;
    if (earliest === null || d < earliest) earliest = d;
  }
  if (earliest === null || latest === null) throw new UserError(msg.noDates(input.dates.length));
  const asOf = asOfGiven ?? latest;
  if (asOf < earliest) throw new UserError(msg.asOfBeforeData(asOf, earliest));

  // papers per day and theme first (a day has one period), so that danfojs sums a row per
  // day and theme into periods rather than a row per paper (at 1M papers, a fifth as many)
  const perDay = new Map<string, Int32Array>();
  // medians need every paper's upvotes: a row per paper with upvotes
  const upPeriod: string[] = [];
  const upTheme: string[] = [];
  const upvotes: number[] = [];
  let afterAsOf = 0;
  input.dates.forEach((d, i) => {
    if (d === null) return;
    if (d > asOf) {
      afterAsOf++;
      return;
    }
    const t = input.themes[i] as number;
    let day = perDay.get(d);
    if (!day) {
      day = new Int32Array(names.length);
      perDay.set(d, day);
    }
    const ti = t < 0 ? otherIdx : t;
    day[ti] = (day[ti] as number) + 1;
    const u = input.upvotes?.[i];
    if (u !== undefined) {
      upPeriod.push(periodOf(d, period));
      upTheme.push(names[ti] as string);
      upvotes.push(u);
    }
  });
  const hasUpvotes = upvotes.length > 0;
  const dayPeriod: string[] = [];
  const dayTheme: string[] = [];
  const dayCount: number[] = [];
  for (const d of [...perDay.keys()].sort()) {
    const key = periodOf(d, period);
    (perDay.get(d) as Int32Array).forEach((n, t) => {
      if (n === 0) return;
      dayPeriod.push(key);
      dayTheme.push(names[t] as string);
      dayCount.push(n);
    });
  }

  const keys = periodRange(earliest, asOf, period);
  const pIndex = new Map(keys.map((k, i) => [k, i]));
  const tIndex = new Map(names.map((n, i) => [n, i]));
  const counts = names.map(() => new Array<number>(keys.length).fill(0));
  const upSum = names.map(() => new Array<number | null>(keys.length).fill(null));
  const upMedian = names.map(() => new Array<number | null>(keys.length).fill(null));

  if (dayCount.length > 0) {
    const columns = { period: dayPeriod, theme: dayTheme, n: dayCount };
    for (const row of groupAggregate(columns, ["period", "theme"], { n: "sum" })) {
      const p = pIndex.get(String(row.period)) as number;
      const t = tIndex.get(String(row.theme)) as number;
      (counts[t] as number[])[p] = Number(row.n_sum);
    }
  }
  if (hasUpvotes) {
    const columns = { period: upPeriod, theme: upTheme, upvotes };
    for (const row of groupAggregate(columns, ["period", "theme"], {
      upvotes: ["sum", "median"],
    })) {
      const p = pIndex.get(String(row.period)) as number;
      const t = tIndex.get(String(row.theme)) as number;
      (upSum[t] as (number | null)[])[p] = Number(row.upvotes_sum);
      (upMedian[t] as (number | null)[])[p] = Number(row.upvotes_median);
    }
  }

  const totals = keys.map((_, p) => counts.reduce((a, c) => a + (c[p] as number), 0));
  const periods: PeriodInfo[] = keys.map((key) => {
    const start = periodStart(key, period);
    const end = periodEnd(key, period);
    const length = daysBetween(start, end) + 1;
    const last = end <= asOf ? end : asOf;
    return { key, start, end, complete: end <= asOf, days: daysBetween(start, last) + 1, length };
  });
  const rows: SeriesRow[] = [];
  keys.forEach((key, p) => {
    names.forEach((theme, t) => {
      const count = (counts[t] as number[])[p] as number;
      const total = totals[p] as number;
      rows.push({
        period: key,
        theme,
        count,
        total,
        share: total > 0 ? count / total : 0,
        upvotesSum: hasUpvotes ? ((upSum[t] as (number | null)[])[p] ?? 0) : null,
        upvotesMedian: hasUpvotes ? ((upMedian[t] as (number | null)[])[p] ?? null) : null,
      });
    });
  });
  return {
    period,
    asOf,
    periods,
    themes: names,
    rows,
    counts,
    totals,
    undated,
    afterAsOf,
    hasUpvotes,
  };
}
