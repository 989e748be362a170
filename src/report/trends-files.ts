import { join } from "node:path";
import { round } from "../cluster/index.js";
import type { Change, TermChange } from "../trends/rising.js";
import type { TrendsResult } from "../trends/index.js";
import { writeTextAtomic } from "../util/atomic-write.js";
import { csvField } from "./themes-files.js";

const r6 = (x: number | null): number | null => (x === null ? null : round(x, 6));

function changeJson(c: Change): Record<string, unknown> {
  return {
    ...c,
    shareNow: r6(c.shareNow),
    shareBase: r6(c.shareBase),
    ratio: r6(c.ratio),
    p: r6sig(c.p),
    q: r6sig(c.q),
  };
}

/** p-values keep 6 significant digits (they can be tiny). */
function r6sig(x: number): number {
  return x === 0 ? 0 : Number(x.toPrecision(6));
}

export function trendsCsv(t: TrendsResult): string[] {
  const complete = new Map(t.series.periods.map((p) => [p.key, p]));
  const lines = ["period,start,end,complete,theme,count,total,share,upvotes_sum,upvotes_median"];
  for (const r of t.series.rows) {
    const p = complete.get(r.period);
    lines.push(
      [
        r.period,
        p?.start ?? "",
        p?.end ?? "",
        p?.complete ? "true" : "false",
        r.theme,
        r.count,
        r.total,
        round(r.share, 6),
        r.upvotesSum,
        r.upvotesMedian,
      ]
        .map((v) => csvField(v as string | number | null))
        .join(","),
    );
  }
  return lines;
}

export function risingCsv(t: TrendsResult): string[] {
  const lines = [
    "kind,name,direction,count_now,total_now,share_now,count_base,total_base,share_base,ratio,p,q,significant",
  ];
  const row = (kind: string, c: Change): string =>
    [
      kind,
      c.name,
      c.direction,
      c.countNow,
      c.totalNow,
      round(c.shareNow, 6),
      c.countBase,
      c.totalBase,
      round(c.shareBase, 6),
      r6(c.ratio),
      r6sig(c.p),
      r6sig(c.q),
      c.significant ? "true" : "false",
    ]
      .map((v) => csvField(v as string | number | null))
      .join(",");
  for (const c of t.themes) lines.push(row("theme", c));
  for (const c of t.terms) lines.push(row("term", c));
  return lines;
}

export function risingJson(t: TrendsResult, alpha: number): Record<string, unknown> {
  return {
    kind: "papertrends.rising",
    version: 1,
    period: t.series.period,
    asOf: t.series.asOf,
    window: t.window,
    inProgress: t.inProgress,
    test: "Fisher's exact test of the share of papers (recent window vs baseline window, period totals as exposure), two-sided; Benjamini-Hochberg q-values across themes, and separately across tested terms",
    alpha,
    themes: t.themes.map(changeJson),
    terms: t.terms.map((c: TermChange) => {
      const { column: _column, ...rest } = c;
      return { ...changeJson(rest), examples: c.examples };
    }),
    undated: t.series.undated,
    afterAsOf: t.series.afterAsOf,
    warnings: t.warnings,
  };
}

export function burstsJson(
  t: TrendsResult,
  options: { scale: number; gamma: number },
): Record<string, unknown> {
  return {
    kind: "papertrends.bursts",
    version: 1,
    method:
      "Kleinberg (2002) two-state burst detection on each theme's counts, period totals as batch sizes",
    period: t.series.period,
    options,
    themes: t.bursts.map((b) => ({
      theme: b.theme,
      bursts: b.bursts.map((x) => ({ ...x, weight: round(x.weight, 6) })),
    })),
  };
}

export async function writeTrendsFiles(
  dir: string,
  t: TrendsResult,
  o: { alpha: number; burst: { scale: number; gamma: number } },
): Promise<string[]> {
  const files = ["trends.csv", "rising.csv", "rising.json", "bursts.json"].map((f) => join(dir, f));
  const [a, b, c, d] = files as [string, string, string, string];
  await writeTextAtomic(a, trendsCsv(t).join("\n") + "\n");
  await writeTextAtomic(b, risingCsv(t).join("\n") + "\n");
  await writeTextAtomic(c, JSON.stringify(risingJson(t, o.alpha), null, 2) + "\n");
  await writeTextAtomic(d, JSON.stringify(burstsJson(t, o.burst), null, 2) + "\n");
  return files;
}

const pct = (x: number): string => `${(100 * x).toFixed(1)}%`;

/** A plain-text summary: shares of the recent periods, and what rose and faded. */
export function formatTrends(t: TrendsResult, alpha: number): string {
  const out: string[] = [];
  const s = t.series;
  const show = s.periods.slice(-Math.min(6, s.periods.length));
  const nameW = Math.max(5, ...s.themes.map((n) => n.length));
  out.push(
    `share of papers per ${s.period} (last ${show.length}; ${s.undated} undated papers left out)`,
  );
  out.push(`${"theme".padEnd(nameW)}  ${show.map((p) => p.key.padStart(9)).join(" ")}`);
  s.themes.forEach((name, ti) => {
    const cells = show.map((p) => {
      const pi = s.periods.indexOf(p);
      const total = s.totals[pi] as number;
      return (total > 0 ? pct(((s.counts[ti] as number[])[pi] as number) / total) : "-").padStart(
        9,
      );
    });
    out.push(`${name.padEnd(nameW)}  ${cells.join(" ")}`);
  });
  out.push(
    `${"papers".padEnd(nameW)}  ${show.map((p) => String(s.totals[s.periods.indexOf(p)]).padStart(9)).join(" ")}`,
  );
  if (t.inProgress) out.push(`(${t.inProgress}: not tested, never read as a drop)`);
  out.push(
    "",
    `recent ${t.window.recent.join(", ")} vs baseline ${t.window.baseline[0]}..${t.window.baseline[t.window.baseline.length - 1]} (Fisher exact, BH q < ${alpha})`,
  );
  const line = (c: Change): string =>
    `  ${c.direction === "rising" ? "↑" : "↓"} ${c.name}: ${pct(c.shareNow)} now vs ${pct(c.shareBase)} (×${c.ratio === null ? "new" : c.ratio.toFixed(2)}), ${c.countNow}/${c.totalNow} vs ${c.countBase}/${c.totalBase}, p=${c.p.toPrecision(3)}, q=${c.q.toPrecision(3)}`;
  const sig = t.themes.filter((c) => c.significant);
  out.push(sig.length ? "themes:" : "themes: no significant change");
  for (const c of sig) out.push(line(c));
  const rising = t.terms.filter((c) => c.significant && c.direction === "rising").slice(0, 10);
  out.push(rising.length ? "rising terms:" : "rising terms: none significant");
  for (const c of rising) out.push(line(c));
  if (t.warnings.length) {
    out.push("", "warnings:");
    for (const w of t.warnings) out.push(`  - ${w}`);
  }
  return out.join("\n");
}
