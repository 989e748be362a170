import type { TrendsResult } from "../trends/index.js";
import type { Series } from "../trends/series.js";

/**
 * Vega-Lite spec builders: plain JSON, data inlined, one function per chart. Every theme keeps
 * its colour across runs because the colour comes from its name. Titles and subtitles carry
 * the corpus and the date range; labels are drawn on the chart (end-of-line labels, bar
 * labels, legends), not only in tooltips.
 */

export const Preset = { slide: "slide", paper: "paper", web: "web" } as const;
export type Preset = (typeof Preset)[keyof typeof Preset];
export const PRESETS: readonly Preset[] = Object.values(Preset);
export function isPreset(s: string): s is Preset {
  return (PRESETS as readonly string[]).includes(s);
}

export interface PresetSize {
  /** outer size of the rendered chart, px */
  width: number;
  height: number;
  font: number;
  title: number;
  stroke: number;
}

/** slide: 1920×1080, readable from the back of a room; paper: one column; web: a page. */
export const PRESET_SIZES: Record<Preset, PresetSize> = {
  slide: { width: 1920, height: 1080, font: 26, title: 44, stroke: 5 },
  paper: { width: 520, height: 320, font: 9, title: 12, stroke: 1.5 },
  web: { width: 960, height: 540, font: 13, title: 20, stroke: 2.5 },
};

export const FONT = "DejaVu Sans";
export const OTHER_COLOR = "#9e9e9e";

/** A theme's colour, from its name alone (FNV-1a hash → hue). */
export function themeColor(name: string): string {
  if (name === "other") return OTHER_COLOR;
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) {
    h ^= name.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  const hue = h % 360;
  const light = 38 + ((h >>> 9) % 3) * 8; // 38, 46 or 54%: neighbours in hue still differ
  return hslToHex(hue, 62, light);
}

function hslToHex(h: number, s: number, l: number): string {
  const a = (s / 100) * Math.min(l / 100, 1 - l / 100);
  const f = (n: number): string => {
    const k = (n + h / 30) % 12;
    const c = l / 100 - a * Math.max(-1, Math.min(k - 3, 9 - k, 1));
    return Math.round(255 * c)
      .toString(16)
      .padStart(2, "0");
  };
  return `#${f(0)}${f(8)}${f(4)}`;
}

export interface ChartContext {
  /** the corpus, for subtitles: "Hugging Face daily papers" */
  corpus: string;
  preset: Preset;
}

type Spec = Record<string, unknown>;

function base(title: string, subtitle: string | string[], ctx: ChartContext): Spec {
  const p = PRESET_SIZES[ctx.preset];
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: {
      text: title,
      subtitle,
      fontSize: p.title,
      subtitleFontSize: p.font,
      anchor: "start",
      font: FONT,
      subtitleFont: FONT,
    },
    // the whole chart (titles, axes, legend, labels) fits the preset's size exactly
    width: p.width,
    height: p.height,
    autosize: { type: "fit", contains: "padding" },
    background: "white",
    usermeta: { papertrends: { preset: ctx.preset } },
    padding: p.font * 0.8,
    config: {
      font: FONT,
      axis: { labelFontSize: p.font, titleFontSize: p.font, labelFont: FONT, titleFont: FONT },
      legend: {
        labelFontSize: p.font,
        titleFontSize: p.font,
        labelFont: FONT,
        titleFont: FONT,
        symbolSize: p.font * p.font * 2,
      },
      text: { font: FONT, fontSize: p.font },
      view: { stroke: null },
    },
  };
}

function colorScale(names: readonly string[]): Spec {
  return { domain: [...names], range: names.map(themeColor) };
}

const pct = (x: number): string => `${(100 * x).toFixed(1)}%`;

/** A y axis of names, sorted by a value (largest first; ties by name), with room for long labels. */
function namesByValue<T extends { name: string }>(
  values: readonly T[],
  value: (v: T) => number,
  p: PresetSize,
): Spec {
  return {
    field: "name",
    type: "nominal",
    sort: [...values]
      .sort((a, b) => value(b) - value(a) || (a.name < b.name ? -1 : 1))
      .map((v) => v.name),
    title: null,
    axis: { labelLimit: p.font * 24 },
  };
}

/** Bar labels: bold where `bold` (a Vega expression) holds, plain elsewhere. */
function labelLayers(bold: string, p: PresetSize, at?: Spec): Spec[] {
  const encoding = { text: { field: "label" }, ...(at && { x: at }) };
  return [
    {
      transform: [{ filter: bold }],
      mark: { type: "text", align: "left", dx: p.font * 0.4, fontWeight: "bold" },
      encoding,
    },
    {
      transform: [{ filter: `!(${bold})` }],
      mark: { type: "text", align: "left", dx: p.font * 0.4 },
      encoding,
    },
  ];
}

export function dateRange(series: Series): string {
  const first = series.periods[0];
  const last = series.periods[series.periods.length - 1];
  return `${first?.start ?? ""} to ${series.asOf}${last && !last.complete ? ` (${last.key} in progress, ${last.days} of ${last.length} days: not drawn)` : ""}`;
}

/** The time axis of the series charts: period start dates, labelled by year or month. */
function periodAxis(series: Series): Spec {
  return {
    field: "period",
    type: "temporal",
    title: null,
    axis: { format: series.period === "year" ? "%Y" : "%b %Y" },
  };
}

/** Rows of complete periods only: an incomplete period is never drawn as a drop. */
function completeRows(series: Series) {
  const complete = new Set(series.periods.filter((p) => p.complete).map((p) => p.key));
  return series.rows.filter((r) => complete.has(r.period));
}

/** Stacked area: papers per theme per period. */
export function volumeSpec(t: TrendsResult, ctx: ChartContext): Spec {
  const s = t.series;
  const start = new Map(s.periods.map((p) => [p.key, p.start]));
  const values = completeRows(s).map((r) => ({
    period: start.get(r.period),
    label: r.period,
    theme: r.theme,
    count: r.count,
  }));
  return {
    ...base(`Papers per ${s.period} by theme`, [ctx.corpus, dateRange(s)], ctx),
    data: { values },
    // click a theme in the legend to pick it out (interactive in report.html)
    params: [{ name: "pick", select: { type: "point", fields: ["theme"] }, bind: "legend" }],
    mark: { type: "area" },
    encoding: {
      x: periodAxis(s),
      y: { field: "count", type: "quantitative", stack: "zero", title: "papers" },
      color: {
        field: "theme",
        type: "nominal",
        scale: colorScale(s.themes),
        legend: { title: null, orient: "right" },
      },
      opacity: { condition: { param: "pick", value: 1 }, value: 0.15 },
      order: { field: "theme", sort: "ascending" },
      tooltip: [
        { field: "label", title: s.period },
        { field: "theme" },
        { field: "count", title: "papers" },
      ],
    },
  };
}

/** Share lines, rising themes drawn thick and labelled at their last point. */
export function shareSpec(t: TrendsResult, ctx: ChartContext): Spec {
  const s = t.series;
  const p = PRESET_SIZES[ctx.preset];
  const rising = new Set(
    t.themes.filter((c) => c.significant && c.direction === "rising").map((c) => c.name),
  );
  const start = new Map(s.periods.map((x) => [x.key, x.start]));
  const lastKey = [...s.periods].reverse().find((p) => p.complete)?.key;
  const values = completeRows(s)
    .filter((r) => r.theme !== "other")
    .map((r) => ({
      period: start.get(r.period),
      label: r.period,
      theme: r.theme,
      share: r.share,
      shareText: pct(r.share),
      rising: rising.has(r.theme),
      last: r.period === lastKey,
    }));
  const names = s.themes.filter((n) => n !== "other");
  // end-of-line labels for the rising themes and the five largest now (labels would collide otherwise)
  const lastShares = values.filter((v) => v.last).sort((a, b) => b.share - a.share);
  const labelled = new Set([...rising, ...lastShares.slice(0, 5).map((v) => v.theme)]);
  for (const v of values) (v as { labelled?: boolean }).labelled = labelled.has(v.theme);
  return {
    ...base(
      `Share of papers per ${s.period}`,
      [
        ctx.corpus,
        `${dateRange(s)}${rising.size ? ` · rising (thick): ${[...rising].join("; ")}` : ""}`,
      ],
      ctx,
    ),
    data: { values },
    encoding: {
      x: periodAxis(s),
      y: { field: "share", type: "quantitative", title: "share of papers", axis: { format: "%" } },
      color: { field: "theme", type: "nominal", scale: colorScale(names), legend: null },
    },
    layer: [
      {
        mark: { type: "line" },
        encoding: {
          strokeWidth: {
            condition: { test: "datum.rising", value: p.stroke * 2 },
            value: p.stroke * 0.6,
          },
          opacity: {
            condition: { test: "datum.rising", value: 1 },
            value: rising.size ? 0.45 : 0.9,
          },
          tooltip: [
            { field: "label", title: s.period },
            { field: "theme" },
            { field: "shareText", title: "share" },
          ],
        },
      },
      {
        transform: [{ filter: "datum.last && datum.labelled" }],
        mark: { type: "text", align: "left", dx: p.font * 0.5, fontWeight: "bold" },
        encoding: { text: { field: "theme" } },
      },
    ],
  };
}

/** Rising and fading topics: effect (share ratio, log scale) with q-values written on the bars. */
export function risingSpec(t: TrendsResult, ctx: ChartContext): Spec {
  const items = [
    ...t.themes.map((c) => ({ ...c, kind: "theme" })),
    ...t.terms
      .filter((c) => c.significant)
      .slice(0, 12)
      .map((c) => ({ ...c, kind: "term" })),
  ].filter((c) => c.countBase > 0 && c.countNow > 0);
  const values = items.map((c) => ({
    name: c.kind === "term" ? `“${c.name}”` : c.name,
    kind: c.kind,
    ratio: c.ratio ?? 1,
    direction: c.direction,
    significant: c.significant,
    label: `×${(c.ratio ?? 1).toFixed(2)}  q=${c.q < 0.001 ? c.q.toExponential(1) : c.q.toFixed(3)}`,
    detail: `${pct(c.shareNow)} now vs ${pct(c.shareBase)}`,
    // labels sit right of the bar's far end (right of 1 for fading bars)
    labelAt: Math.max(c.ratio ?? 1, 1),
  }));
  const p = PRESET_SIZES[ctx.preset];
  return {
    ...base(
      `Rising and fading: ${t.window.recent.join(", ")} vs ${t.window.baseline[0]}..${t.window.baseline[t.window.baseline.length - 1]}`,
      [
        ctx.corpus,
        "share of papers now / in the baseline · Fisher's exact test, Benjamini–Hochberg q · bold: q < 0.05",
      ],
      ctx,
    ),
    data: { values },
    encoding: {
      y: namesByValue(values, (v) => v.ratio, p),
      x: {
        field: "ratio",
        type: "quantitative",
        scale: { type: "log" },
        title: "share now / share in the baseline",
      },
    },
    layer: [
      {
        mark: { type: "bar" },
        encoding: {
          x2: { datum: 1 },
          color: {
            field: "direction",
            type: "nominal",
            scale: {
              domain: ["rising", "fading", "flat"],
              range: ["#c0392b", "#2471a3", "#9e9e9e"],
            },
            legend: { title: null, orient: "bottom" },
          },
          opacity: { condition: { test: "datum.significant", value: 1 }, value: 0.35 },
          tooltip: [
            { field: "name" },
            { field: "detail", title: "share" },
            { field: "label", title: "effect" },
          ],
        },
      },
      ...labelLayers("datum.significant", p, { field: "labelAt" }),
    ],
  };
}

/** Term-trend heatmap: share of papers mentioning each term, per period. */
export function termHeatmapSpec(t: TrendsResult, ctx: ChartContext): Spec {
  const s = t.series;
  const values = t.termSeries.flatMap((ts) =>
    s.periods.slice(t.termFrom).map((p, j) => {
      const total = s.totals[j + t.termFrom] as number;
      const n = ts.counts[j] as number;
      return {
        term: ts.term,
        period: p.key,
        share: total > 0 ? n / total : 0,
        text: `${n} of ${total}`,
      };
    }),
  );
  return {
    ...base(
      `Terms on the rise: share of papers mentioning them`,
      `${ctx.corpus} · ${dateRange(s)}`,
      ctx,
    ),
    data: { values },
    mark: { type: "rect" },
    encoding: {
      x: { field: "period", type: "ordinal", title: null, axis: { labelAngle: -45 } },
      y: { field: "term", type: "nominal", title: null, sort: t.termSeries.map((x) => x.term) },
      color: {
        field: "share",
        type: "quantitative",
        scale: { scheme: "oranges" },
        legend: { title: "share", format: "%" },
      },
      tooltip: [{ field: "term" }, { field: "period" }, { field: "text", title: "papers" }],
    },
  };
}

export interface ThemeSize {
  name: string;
  size: number;
  kind: string;
}

/** Theme sizes, labelled with their counts. */
export function sizesSpec(themes: readonly ThemeSize[], total: number, ctx: ChartContext): Spec {
  const p = PRESET_SIZES[ctx.preset];
  const values = themes.map((t) => ({
    ...t,
    label: `${t.size} (${pct(total ? t.size / total : 0)})`,
  }));
  return {
    ...base(`Themes by size`, [ctx.corpus, `${total} papers · guided themes in bold`], ctx),
    data: { values },
    encoding: {
      y: namesByValue(values, (v) => v.size, p),
      x: { field: "size", type: "quantitative", title: "papers" },
    },
    layer: [
      {
        mark: { type: "bar" },
        encoding: {
          color: {
            field: "name",
            type: "nominal",
            scale: colorScale(themes.map((t) => t.name)),
            legend: null,
          },
        },
      },
      ...labelLayers("datum.kind === 'guided'", p),
    ],
  };
}

export interface MapPoint {
  x: number;
  y: number;
  theme: string;
  title: string;
}

/** Theme map: papers on the first two LSA components, coloured by theme, themes labelled at their centres. */
export function mapSpec(
  points: readonly MapPoint[],
  names: readonly string[],
  ctx: ChartContext,
): Spec {
  const p = PRESET_SIZES[ctx.preset];
  return {
    ...base(
      `Theme map`,
      `${ctx.corpus} · ${points.length} papers on the first two LSA components`,
      ctx,
    ),
    data: { values: points },
    encoding: {
      x: {
        field: "x",
        type: "quantitative",
        title: "component 1",
        axis: { labels: false, ticks: false },
      },
      y: {
        field: "y",
        type: "quantitative",
        title: "component 2",
        axis: { labels: false, ticks: false },
      },
      color: {
        field: "theme",
        type: "nominal",
        scale: colorScale(names),
        legend: { title: null, orient: "right" },
      },
    },
    layer: [
      {
        mark: { type: "circle", size: p.font * p.font * 0.6, opacity: 0.55 },
        encoding: { tooltip: [{ field: "title" }, { field: "theme" }] },
      },
      {
        transform: [
          { filter: "datum.theme !== 'other'" },
          {
            aggregate: [
              { op: "median", field: "x", as: "x" },
              { op: "median", field: "y", as: "y" },
            ],
            groupby: ["theme"],
          },
        ],
        mark: { type: "text", fontWeight: "bold", fontSize: p.font * 1.1 },
        encoding: { text: { field: "theme" }, color: { value: "#222" } },
      },
    ],
  };
}

const FONT_KEYS = new Set([
  "fontSize",
  "titleFontSize",
  "labelFontSize",
  "subtitleFontSize",
  "dx",
  "labelLimit",
  "padding",
]);
const AREA_KEYS = new Set(["symbolSize", "size"]);

/**
 * The same chart at another preset's size: width and height replaced, font-derived sizes
 * scaled by the ratio of the presets' font sizes (areas by its square), stroke widths by the
 * ratio of their strokes. Data and encodings are untouched.
 */
export function withPreset(spec: Record<string, unknown>, preset: Preset): Record<string, unknown> {
  const meta = (spec.usermeta as { papertrends?: { preset?: string } } | undefined)?.papertrends;
  const from =
    meta?.preset !== undefined && isPreset(meta.preset)
      ? PRESET_SIZES[meta.preset]
      : PRESET_SIZES.web;
  const to = PRESET_SIZES[preset];
  const f = to.font / from.font;
  const k = to.stroke / from.stroke;
  const t = to.title / from.title;
  const r = (x: number): number => Math.round(x * 1e6) / 1e6;
  const walk = (v: unknown, key: string, parent: string, inStroke: boolean): unknown => {
    if (Array.isArray(v)) return v.map((x) => walk(x, key, parent, inStroke));
    if (v !== null && typeof v === "object") {
      if (key === "data") return v; // values are data, not sizes
      const entries = Object.entries(v as Record<string, unknown>);
      return Object.fromEntries(
        entries.map(([kk, x]) => [kk, walk(x, kk, key, inStroke || kk === "strokeWidth")]),
      );
    }
    if (typeof v !== "number") return v;
    if (inStroke && key === "value") return r(v * k);
    if (key === "strokeWidth") return r(v * k);
    if (key === "fontSize" && parent === "title") return r(v * t);
    if (FONT_KEYS.has(key)) return r(v * f);
    if (AREA_KEYS.has(key)) return r(v * f * f);
    return v;
  };
  const out = walk(spec, "", "", false) as Record<string, unknown>;
  return {
    ...out,
    width: to.width,
    height: to.height,
    usermeta: { papertrends: { ...meta, preset } },
  };
}
