import { join } from "node:path";
import type { ReportThemes } from "../cluster/index.js";
import type { Preset } from "../charts/specs.js";
import type { IngestSummary } from "../ingest/corpus.js";
import type { Paper } from "../ingest/types.js";
import type { TrendsResult } from "../trends/index.js";
import { writeTextAtomic } from "../util/atomic-write.js";
import { buildCharts, writeCharts } from "./charts-files.js";
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

/** The report stage's files in `dir`: trends tables, charts, tables/, report.md, report.html. */
export async function writeReportFiles(dir: string, r: ReportInput): Promise<string[]> {
  const files: string[] = [];
  if (r.trends) files.push(...(await writeTrendsFiles(dir, r.trends, r.trendOptions)));
  const charts = buildCharts(r.papers, r.themes, r.trends, { corpus: r.corpus, preset: r.preset });
  files.push(...(await writeCharts(join(dir, "charts"), charts)));
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
  files.push(table, join(dir, "report.md"), join(dir, "report.html"));
  return files;
}
