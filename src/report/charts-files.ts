import { join } from "node:path";
import { mkdir, readdir, readFile, writeFile, rename, rm } from "node:fs/promises";
import { InputFileError } from "../util/errors.js";
import { msg } from "../messages.js";
import { randomBytes } from "node:crypto";
import type { ReportThemes } from "../cluster/index.js";
import { renderChart, type RenderedChart } from "../charts/renderer.js";
import {
  mapSpec,
  risingSpec,
  shareSpec,
  sizesSpec,
  termHeatmapSpec,
  volumeSpec,
  type ChartContext,
  type MapPoint,
} from "../charts/specs.js";
import type { Paper } from "../ingest/types.js";
import type { TrendsResult } from "../trends/index.js";

export interface Chart {
  name: string;
  spec: Record<string, unknown>;
}

/** Every chart the data allows: the trend charts when there are trends, then theme sizes and map. */
export function buildCharts(
  papers: readonly Paper[],
  themes: ReportThemes,
  trends: TrendsResult | null,
  ctx: ChartContext,
): Chart[] {
  return [...buildTrendCharts(trends, ctx), ...buildThemeCharts(papers, themes, ctx)];
}

/** The trend charts (none without trends): volume, share, rising terms and their heatmap. */
export function buildTrendCharts(trends: TrendsResult | null, ctx: ChartContext): Chart[] {
  if (!trends) return [];
  const charts: Chart[] = [
    { name: "theme-volume", spec: volumeSpec(trends, ctx) },
    { name: "theme-share", spec: shareSpec(trends, ctx) },
    { name: "rising", spec: risingSpec(trends, ctx) },
  ];
  if (trends.termSeries.length)
    charts.push({ name: "term-heatmap", spec: termHeatmapSpec(trends, ctx) });
  return charts;
}

/** The charts of the themes alone, which need no trends: theme sizes, and the map when there is one. */
export function buildThemeCharts(
  papers: readonly Paper[],
  themes: ReportThemes,
  ctx: ChartContext,
): Chart[] {
  const sizes = [
    ...themes.themes.map((t) => ({ name: t.name, size: t.size, kind: t.kind })),
    ...(themes.other.size > 0 ? [{ name: "other", size: themes.other.size, kind: "other" }] : []),
  ];
  const charts: Chart[] = [{ name: "theme-sizes", spec: sizesSpec(sizes, papers.length, ctx) }];
  if (themes.map) {
    const names = [...themes.themes.map((t) => t.name), "other"];
    const map = themes.map;
    // at most MAP_POINTS papers, evenly spaced through the corpus: the chart stays light
    const step = Math.max(1, Math.ceil(papers.length / MAP_POINTS));
    const points: MapPoint[] = [];
    for (let i = 0; i < papers.length; i += step) {
      const t = themes.theme[i] as number;
      points.push({
        x: round4(map[i * 2] as number),
        y: round4(map[i * 2 + 1] as number),
        theme: t < 0 ? "other" : (names[t] as string),
        title: (papers[i] as Paper).title,
      });
    }
    charts.push({ name: "theme-map", spec: mapSpec(points, names, ctx) });
  }
  return charts;
}

const round4 = (x: number): number => Math.round(x * 1e4) / 1e4;
const MAP_POINTS = 3000;

/**
 * Starts drawing the charts (on the rendering thread when one was started, see renderer.ts):
 * the caller may write other files meanwhile, then hand the drawings to `writeCharts`.
 */
export function renderCharts(charts: readonly Chart[]): Promise<RenderedChart>[] {
  const drawn = charts.map((c) => renderChart(c.spec));
  // a failure surfaces where writeCharts awaits it, not as an unhandled rejection before
  for (const d of drawn) d.catch(() => undefined);
  return drawn;
}

/**
 * Writes charts/NAME.vl.json, NAME.svg and NAME.png into a new folder beside `dir`, then swaps
 * it in: a crash leaves the previous charts whole. `drawn` are the charts' drawings begun by
 * `renderCharts` (begun here when not given).
 */
export async function writeCharts(
  dir: string,
  charts: readonly Chart[],
  drawn: readonly Promise<RenderedChart>[] = renderCharts(charts),
): Promise<string[]> {
  const tmp = `${dir}.tmp-${randomBytes(4).toString("hex")}`;
  await mkdir(tmp, { recursive: true });
  const files: string[] = [];
  try {
    for (const [i, c] of charts.entries()) {
      const d = drawn[i];
      if (!d) throw new Error(`chart ${c.name} was not drawn`);
      const { svg, png } = await d;
      await writeFile(join(tmp, `${c.name}.vl.json`), JSON.stringify(c.spec, null, 2) + "\n");
      await writeFile(join(tmp, `${c.name}.svg`), svg);
      await writeFile(join(tmp, `${c.name}.png`), png);
      files.push(...["vl.json", "svg", "png"].map((ext) => join(dir, `${c.name}.${ext}`)));
    }
    const old = `${dir}.old-${randomBytes(4).toString("hex")}`;
    await rename(dir, old).catch(() => undefined);
    await rename(tmp, dir);
    await rm(old, { recursive: true, force: true });
  } catch (e) {
    await rm(tmp, { recursive: true, force: true });
    throw e;
  }
  return files;
}

/** The Vega-Lite specs of a finished run's charts folder. */
export async function readCharts(dir: string): Promise<Chart[]> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((f) => f.endsWith(".vl.json")).sort();
  } catch {
    throw new InputFileError(dir, undefined, msg.runDirMissing("charts/"));
  }
  if (names.length === 0)
    throw new InputFileError(dir, undefined, msg.runDirMissing("charts/*.vl.json"));
  const out: Chart[] = [];
  for (const f of names)
    out.push({
      name: f.replace(/\.vl\.json$/, ""),
      spec: JSON.parse(await readFile(join(dir, f), "utf8")) as Record<string, unknown>,
    });
  return out;
}
