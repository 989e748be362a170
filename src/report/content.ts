import type { ReportThemes, Theme } from "../cluster/index.js";
import type { IngestSummary } from "../ingest/corpus.js";
import type { Change, TermChange } from "../trends/rising.js";
import type { TrendsResult } from "../trends/index.js";

/** What a report says, independent of Markdown or HTML. Plain data; renderers escape it. */
export interface ReportContent {
  title: string;
  subtitle: string;
  headline: string[];
  /** weekly runs: what changed since the last run (null otherwise) */
  changes: { title: string; lines: string[] } | null;
  themes: ThemeRow[];
  rising: Change[];
  fading: Change[];
  terms: TermChange[];
  quality: string[];
  charts: { name: string; title: string }[];
  manifest: Record<string, unknown>;
}

export interface ThemeRow {
  /** the stable theme id of weekly runs */
  key: string | null;
  name: string;
  kind: string;
  size: number;
  share: string;
  terms: string;
  papers: { title: string; url: string | null; date: string | null }[];
}

const pct = (x: number): string => `${(100 * x).toFixed(1)}%`;
const q = (x: number): string => (x < 0.001 ? x.toExponential(1) : x.toFixed(3));

/** A link for a paper id: arXiv ids go to arXiv; derived ids have none. */
export function paperUrl(id: string): string | null {
  if (/^\d{4}\.\d{4,5}$/.test(id) || /^[a-z-]+(\.[A-Z]{2})?\/\d{7}$/.test(id))
    return `https://arxiv.org/abs/${id}`;
  return null;
}

function sentence(c: Change, window: string): string {
  const verb = c.direction === "rising" ? "rose" : "fell";
  return `${c.name} ${verb} to ${pct(c.shareNow)} of papers in ${window} (${c.countNow} of ${c.totalNow}), from ${pct(c.shareBase)} in the baseline (${c.ratio === null ? "new" : `×${c.ratio.toFixed(2)}`}, q = ${q(c.q)}).`;
}

export function buildContent(input: {
  title: string;
  summary: IngestSummary;
  themes: ReportThemes;
  papers: readonly { id: string; title: string; date: string | null }[];
  trends: TrendsResult | null;
  trendsError: string | null;
  charts: { name: string; spec: Record<string, unknown> }[];
  manifest: Record<string, unknown>;
  changes?: { title: string; lines: string[] };
}): ReportContent {
  const t = input.trends;
  const headline: string[] = [];
  let rising: Change[] = [];
  let fading: Change[] = [];
  let terms: TermChange[] = [];
  let subtitle = `${input.summary.total.kept} papers`;
  if (t) {
    const window = t.window.recent.join(", ");
    const base = `${t.window.baseline[0]}..${t.window.baseline[t.window.baseline.length - 1]}`;
    subtitle = `${t.series.period} ${window} against ${base} · ${input.summary.total.kept} papers, ${t.series.periods[0]?.start ?? ""} to ${t.series.asOf}`;
    rising = t.themes
      .filter((c) => c.significant && c.direction === "rising")
      .sort((a, b) => a.q - b.q);
    fading = t.themes
      .filter((c) => c.significant && c.direction === "fading")
      .sort((a, b) => a.q - b.q);
    terms = t.terms.filter((c) => c.significant && c.direction === "rising").slice(0, 15);
    for (const c of [...rising, ...fading]) headline.push(sentence(c, window));
    if (!rising.length && !fading.length)
      headline.push(
        `No theme's share of papers changed significantly in ${window} (q < 0.05 against ${base}).`,
      );
    if (terms.length) {
      headline.push(
        `Terms on the rise: ${terms
          .slice(0, 5)
          .map((c) => `“${c.name}” (${pct(c.shareNow)} of papers, from ${pct(c.shareBase)})`)
          .join(", ")}.`,
      );
    }
    if (t.inProgress) headline.push(`The ${t.inProgress}; it is not compared.`);
  } else if (input.trendsError) headline.push(`Trends were not computed: ${input.trendsError}`);

  const themeRow = (th: Theme): ThemeRow => ({
    key: th.key ?? null,
    name: th.name,
    kind: th.kind,
    size: th.size,
    share: pct(th.share),
    terms: th.labels
      .slice(0, 6)
      .map((l) => l.term)
      .join(", "),
    papers: th.representatives
      .slice(0, 3)
      .map((r) => ({ title: r.title, url: paperUrl(r.id), date: r.date })),
  });
  const s = input.summary.total;
  const quality = [
    `${s.read} records read from ${s.files} files: ${s.kept} papers kept, ${s.duplicates} duplicates merged, ${s.rejected} rejected.`,
    ...Object.entries(input.summary.rejectReasons).map(
      ([reason, n]) => `${n} rejected: ${reason}.`,
    ),
    `${s.undated} papers have no date${t ? ` and are left out of the trends; ${t.series.afterAsOf} are dated after ${t.series.asOf}` : ""}.`,
    ...(t?.inProgress ? [`The ${t.inProgress}: shown as in progress, not tested.`] : []),
    `Themes: k = ${input.themes.k}, silhouette ${input.themes.quality.silhouette.toFixed(3)}; ${input.themes.other.size} papers fit no theme well (other).`,
    ...input.themes.warnings.map((w) => `Warning: ${w}.`),
    ...(t?.warnings ?? []).map((w) => `Warning: ${w}.`),
  ];
  return {
    title: input.title,
    subtitle,
    headline,
    changes: input.changes ?? null,
    themes: input.themes.themes.map(themeRow),
    rising,
    fading,
    terms,
    quality,
    charts: input.charts.map((c) => ({
      name: c.name,
      title: String((c.spec.title as { text?: string } | undefined)?.text ?? c.name),
    })),
    manifest: input.manifest,
  };
}
