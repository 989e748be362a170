import type { ReportContent } from "./content.js";

/**
 * Markdown text from data, safe inline and in table cells: characters that open emphasis,
 * code, links, HTML or cells are escaped, and a line never starts a heading or a list.
 */
export function md(s: string): string {
  return s
    .replace(/\r?\n/g, " ")
    .replace(/[\\`*_[\]<>|~]/g, (c) => `\\${c}`)
    .replace(/^([#+\-!])/, "\\$1");
}

const pct = (x: number): string => `${(100 * x).toFixed(1)}%`;

export function reportMarkdown(c: ReportContent): string {
  const out: string[] = [`# ${md(c.title)}`, "", `_${md(c.subtitle)}_`, "", "## Headline", ""];
  for (const h of c.headline) out.push(`- ${md(h)}`);
  if (c.changes) {
    out.push("", `## ${md(c.changes.title)}`, "");
    for (const l of c.changes.lines) out.push(`- ${md(l)}`);
  }
  const keyed = c.themes.some((t) => t.key !== null);
  out.push(
    "",
    "## Themes",
    "",
    `| ${keyed ? "id | " : ""}theme | kind | papers | share | top terms | representative papers |`,
    `|${keyed ? "---|" : ""}---|---|---:|---:|---|---|`,
  );
  for (const t of c.themes) {
    const papers = t.papers
      .map((p) => (p.url ? `[${md(p.title)}](${p.url})` : md(p.title)))
      .join("<br>");
    out.push(
      `| ${keyed ? `${md(t.key ?? "")} | ` : ""}${md(t.name)} | ${t.kind} | ${t.size} | ${t.share} | ${md(t.terms)} | ${papers} |`,
    );
  }
  out.push("", "## Charts", "");
  for (const ch of c.charts)
    out.push(`### ${md(ch.title)}`, "", `![${md(ch.title)}](charts/${ch.name}.svg)`, "");
  if (c.terms.length) {
    out.push(
      "## Rising terms",
      "",
      "| term | papers now | share now | share before | ratio | q | example |",
      "|---|---:|---:|---:|---:|---:|---|",
    );
    for (const t of c.terms) {
      const ex = t.examples[0];
      const link = ex
        ? `[${md(ex.title)}](https://arxiv.org/abs/${encodeURIComponent(ex.id)})`
        : "";
      out.push(
        `| ${md(t.name)} | ${t.countNow} | ${pct(t.shareNow)} | ${pct(t.shareBase)} | ${t.ratio === null ? "new" : t.ratio.toFixed(2)} | ${t.q.toPrecision(2)} | ${link} |`,
      );
    }
    out.push("");
  }
  out.push("## Data quality", "");
  for (const q of c.quality) out.push(`- ${md(q)}`);
  out.push(
    "",
    "## Run manifest",
    "",
    "```json",
    JSON.stringify(c.manifest, null, 2).replace(/```/g, "`\u200b``"),
    "```",
    "",
  );
  return out.join("\n");
}
