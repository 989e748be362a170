import { join } from "node:path";
import type { ReportThemes } from "../cluster/index.js";
import type { ChartContext, Preset } from "../charts/specs.js";
import type { IngestSummary } from "../ingest/corpus.js";
import type { Paper } from "../ingest/types.js";
import type { TrendsResult } from "../trends/index.js";
import { writeTextAtomic } from "../util/atomic-write.js";
import {
  buildThemeCharts,
  buildTrendCharts,
  renderCharts,
  writeCharts,
  type Chart,
} from "./charts-files.js";
import type { RenderedChart } from "../charts/renderer.js";
import { buildContent } from "./content.js";
import { reportHtml } from "./html.js";
import { reportMarkdown } from "./markdown.js";
import { themesTableCsv } from "./themes-files.js";
import { writeTrendsFiles } from "./trends-files.js";

export interface ReportInput {
  title: string;
  corpus: string;
  preset: Preset;
  summary: IngestSummary;
  papers: readonly Paper[];
  themes: ReportThemes;
  trends: TrendsResult | null;
  trendsError: string | null;
  trendOptions: { alpha: number; burst: { scale: number; gamma: number } };
  manifest: Record<string, unknown>;
  /** weekly runs: what changed since the last run */
  changes?: { title: string; lines: string[] };
}

/** A report's charts, their drawing begun (see `startReportCharts`). */
export interface ReportCharts {
  charts: Chart[];
  drawn: Promise<RenderedChart>[];
}

/**
 * Builds a report's charts and begins drawing them (on the rendering thread when one was
 * started): a caller with other files to write first gives the result to `writeReportFiles`.
 */
export function startReportCharts(
  r: Pick<ReportInput, "papers" | "themes" | "trends" | "corpus" | "preset">,
): ReportCharts {
  return startThemeCharts(r.papers, r.themes, { corpus: r.corpus, preset: r.preset })(r.trends);
}

/**
 * startReportCharts in two steps, for a run that has its themes before its trends: the charts
 * of the themes alone (sizes, map) begin drawing now, while the trends are computed, and the
 * trend charts when the returned function is given the trends. The charts and their order are
 * buildCharts'; the theme charts are drawn first, in the same bytes (a chart's SVG does not
 * depend on what was drawn before it).
 */
export function startThemeCharts(
  papers: readonly Paper[],
  themes: ReportThemes,
  ctx: ChartContext,
): (trends: TrendsResult | null) => ReportCharts {
  const themeCharts = buildThemeCharts(papers, themes, ctx);
  const themeDrawn = renderCharts(themeCharts);
  return (trends) => {
    const trendCharts = buildTrendCharts(trends, ctx);
    return {
      charts: [...trendCharts, ...themeCharts],
      drawn: [...renderCharts(trendCharts), ...themeDrawn],
    };
  };
}

/**
 * The report stage's files in `dir`: trends tables, charts, tables/, report.md, report.html.
 * The charts are written last, so that while they are drawn elsewhere the rest is written.
 */
export async function writeReportFiles(
  dir: string,
  r: ReportInput,
  { charts, drawn }: ReportCharts = startReportCharts(r),
): Promise<string[]> {
  const trendFiles = r.trends ? await writeTrendsFiles(dir, r.trends, r.trendOptions) : [];
  const table = join(dir, "tables", "themes.csv");
  await writeTextAtomic(table, themesTableCsv(r.themes).join("\n") + "\n");
  const content = buildContent({
    title: r.title,
    summary: r.summary,
    themes: r.themes,
    papers: r.papers,
    trends: r.trends,
    trendsError: r.trendsError,
    charts,
    manifest: r.manifest,
    ...(r.changes && { changes: r.changes }),
  });
  await writeTextAtomic(join(dir, "report.md"), reportMarkdown(content));
  await writeTextAtomic(join(dir, "report.html"), reportHtml(content, charts));
  const chartFiles = await writeCharts(join(dir, "charts"), charts, drawn);
  return [...trendFiles, ...chartFiles, table, join(dir, "report.md"), join(dir, "report.html")];
}
