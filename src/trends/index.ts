import { msg } from "../messages.js";
import { periodOf, type Period } from "../util/periods.js";
import { bursts, BURST_DEFAULTS, type BurstOptions } from "./bursts.js";
import {
  chooseWindow,
  RISING_DEFAULTS,
  risingTerms,
  risingThemes,
  termPeriodCounts,
  type Change,
  type RisingOptions,
  type TermChange,
  type TermInput,
  type Window,
} from "./rising.js";
import { buildSeries, type Series, type SeriesInput } from "./series.js";

/** The trends stage: series per theme and period → rising/fading themes and terms → bursts. */

export interface TrendsOptions extends RisingOptions {
  period: Period;
  asOf?: string;
  burst: BurstOptions;
  /**
   * the term heatmap covers only the compared window (weekly runs read only the window's
   * papers' terms); otherwise every period
   */
  termsInWindow?: boolean;
}

export const TRENDS_DEFAULTS: TrendsOptions = {
  ...RISING_DEFAULTS,
  period: "month",
  burst: BURST_DEFAULTS,
};

export interface ThemeBursts {
  theme: string;
  bursts: { start: string; end: string; weight: number }[];
}

export interface TrendsResult {
  series: Series;
  window: Window;
  themes: Change[];
  terms: TermChange[];
  /** papers per period mentioning the top rising terms (for the heatmap) */
  termSeries: { term: string; counts: number[] }[];
  /** index in series.periods of the first period termSeries counts */
  termFrom: number;
  bursts: ThemeBursts[];
  /** "week in progress, 3 days" when the last period is incomplete */
  inProgress: string | null;
  warnings: string[];
}

export function trendsStage(
  input: SeriesInput,
  terms: Omit<TermInput, "periodOf"> | null,
  options: Partial<TrendsOptions> = {},
): TrendsResult {
  const o: TrendsOptions = {
    ...TRENDS_DEFAULTS,
    ...options,
    burst: { ...BURST_DEFAULTS, ...options.burst },
  };
  const series = buildSeries(input, o.period, o.asOf);
  const warnings: string[] = [];
  const empty = series.periods.filter((_, i) => series.totals[i] === 0).map((p) => p.key);
  if (empty.length) warnings.push(msg.periodEmpty(empty));
  const window = chooseWindow(series, o);
  const themes = risingThemes(series, window, o);
  let termChanges: TermChange[] = [];
  let termSeries: TrendsResult["termSeries"] = [];
  const first = window.baseline[0] ?? window.recent[0];
  const termFrom = o.termsInWindow
    ? Math.max(
        0,
        series.periods.findIndex((p) => p.key === first),
      )
    : 0;
  if (terms) {
    const keys = input.dates.map((d) =>
      d === null || d > series.asOf ? null : periodOf(d, o.period),
    );
    termChanges = risingTerms(series, window, { ...terms, periodOf: keys }, o);
    const top = termChanges.filter((c) => c.direction === "rising").slice(0, 12);
    const counts = termPeriodCounts(
      terms.matrix,
      keys,
      series.periods.slice(termFrom).map((p) => p.key),
      top.map((c) => c.column),
    );
    termSeries = top.map((c, i) => ({ term: c.name, counts: counts[i] as number[] }));
  }
  const themeBursts = series.themes
    .filter((t) => t !== "other")
    .map((t) => {
      const counts = series.counts[series.themes.indexOf(t)] as number[];
      return {
        theme: t,
        bursts: bursts(counts, series.totals, o.burst).map((b) => ({
          start: series.periods[b.start]?.key ?? "",
          end: series.periods[b.end]?.key ?? "",
          weight: b.weight,
        })),
      };
    });
  const last = series.periods[series.periods.length - 1];
  const inProgress =
    last && !last.complete
      ? `${o.period} in progress, ${last.days} day${last.days === 1 ? "" : "s"} of ${last.length}`
      : null;
  return {
    series,
    window,
    themes,
    terms: termChanges,
    termSeries,
    termFrom,
    bursts: themeBursts,
    inProgress,
    warnings,
  };
}
