import { join } from "node:path";
import type { ClusterResult } from "../cluster/index.js";
import { OTHER } from "../cluster/index.js";
import type { Paper } from "../ingest/types.js";
import type { TextOptions } from "../text/tokenize.js";
import { writeFileAtomic, writeTextAtomic } from "../util/atomic-write.js";
import { jsonPieces } from "../util/json-pieces.js";
import type { TfidfModel } from "../vectorize/tfidf.js";

/** RFC 4180 field: quoted when it holds a comma, quote or line break. */
export function csvField(v: string | number | null): string {
  if (v === null) return "";
  const s = String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Rows of assignments.csv per chunk handed to the writer (one await per chunk, not per row). */
export const ASSIGNMENT_ROWS_PER_CHUNK = 1024;

/**
 * assignments.csv as lists of its lines (each ends with a line break), the header first: the
 * writer encodes the lines one by one (see writeFileAtomic), not a string joined from them.
 * The theme names are quoted once per theme rather than once per row, and the numbers need
 * no quoting; ids, titles and dates come from the data and go through csvField.
 */
export function* assignmentsCsv(
  papers: readonly Paper[],
  r: ClusterResult,
  rowsPerChunk = ASSIGNMENT_ROWS_PER_CHUNK,
): Generator<string[]> {
  const other = csvField(OTHER);
  const names = r.themes.map((t) => csvField(t.name));
  const name = (t: number): string => (t < 0 ? other : (names[t] ?? other));
  yield ["id,title,date,theme,theme_id,score,kmeans_theme,map_x,map_y\n"];
  const map = r.map;
  let chunk: string[] = [];
  for (let i = 0; i < papers.length; i++) {
    const p = papers[i] as Paper;
    const t = r.theme[i] as number;
    chunk.push(
      `${csvField(p.id)},${csvField(p.title)},${csvField(p.date)},${name(t)},${t},` +
        `${(r.score[i] as number).toFixed(6)},${name(r.rawLabels[i] as number)},` +
        (map
          ? `${(map[i * 2] as number).toFixed(4)},${(map[i * 2 + 1] as number).toFixed(4)}\n`
          : ",\n"),
    );
    if (chunk.length === rowsPerChunk) {
      yield chunk;
      chunk = [];
    }
  }
  if (chunk.length) yield chunk;
}

export interface ThemesJsonContext {
  seed: number;
  papers: number;
  options: Record<string, unknown>;
}

export function themesJson(r: ClusterResult, ctx: ThemesJsonContext): Record<string, unknown> {
  return {
    kind: "papertrends.themes",
    version: 1,
    seed: ctx.seed,
    papers: ctx.papers,
    k: r.k,
    kCurve: r.kCurve,
    reduce: r.reduce,
    quality: r.quality,
    inertia: r.inertia,
    other: r.other,
    themes: r.themes,
    warnings: r.warnings,
    options: ctx.options,
  };
}

export function modelJson(
  r: ClusterResult,
  model: TfidfModel,
  text: TextOptions,
  seed: number,
): Record<string, unknown> {
  return {
    kind: "papertrends.model",
    version: 1,
    seed,
    text,
    tfidf: model,
    themes: r.themes.map((t) => ({ id: t.id, name: t.name, kind: t.kind })),
    otherThreshold: r.other.threshold,
    /** per theme: mean TF-IDF of its papers over its top vocabulary columns (column → weight) */
    centroids: r.termCentroids,
  };
}

export async function writeThemeFiles(
  dir: string,
  papers: readonly Paper[],
  r: ClusterResult,
  model: TfidfModel,
  text: TextOptions,
  ctx: ThemesJsonContext,
): Promise<string[]> {
  const files = [join(dir, "assignments.csv"), join(dir, "themes.json"), join(dir, "model.json")];
  await writeFileAtomic(files[0] as string, async (append) => {
    for (const chunk of assignmentsCsv(papers, r)) await append(chunk);
  });
  await writeTextAtomic(files[1] as string, JSON.stringify(themesJson(r, ctx), null, 2) + "\n");
  // model.json in pieces: at 1M papers its vocabulary, df and idf are millions of values each
  await writeFileAtomic(files[2] as string, async (append) => {
    for (const piece of jsonPieces(modelJson(r, model, text, ctx.seed))) await append(piece);
    await append("\n");
  });
  return files;
}

/** The themes as a plain-text table for the terminal. */
export function formatThemes(r: ClusterResult): string {
  const out: string[] = [];
  const q = r.quality;
  const parts = [
    `k = ${r.k}`,
    `silhouette ${q.silhouette.toFixed(3)} (${q.silhouetteSample} papers)`,
  ];
  if (q.nmi !== undefined)
    parts.push(
      `NMI ${q.nmi.toFixed(3)}`,
      `ARI ${(q.ari ?? 0).toFixed(3)} vs ${q.labelField} (${q.labelled} papers)`,
    );
  out.push(parts.join(", "));
  if (r.kCurve)
    out.push(
      `k by silhouette: ${r.kCurve.map((c) => `${c.k}:${c.silhouette.toFixed(3)}`).join("  ")}`,
    );
  out.push("");
  const nameW = Math.max(5, ...r.themes.map((t) => t.name.length));
  out.push(`${"theme".padEnd(nameW)}  kind        size  silh.  top terms`);
  for (const t of r.themes) {
    out.push(
      `${t.name.padEnd(nameW)}  ${t.kind.padEnd(10)}  ${String(t.size).padStart(4)}  ${t.silhouette === null ? "    -" : t.silhouette.toFixed(2).padStart(5)}  ${t.labels
        .slice(0, 6)
        .map((l) => l.term)
        .join(", ")}`,
    );
  }
  out.push(
    `${OTHER.padEnd(nameW)}  ${"".padEnd(10)}  ${String(r.other.size).padStart(4)}         (similarity < ${r.other.threshold})`,
  );
  if (r.warnings.length) {
    out.push("", "warnings:");
    for (const w of r.warnings) out.push(`  - ${w}`);
  }
  return out.join("\n");
}

/** The themes as a table: name, kind, size, share, silhouette, top terms. */
export function themesTableCsv(r: Pick<ClusterResult, "themes">): string[] {
  const lines = ["theme,kind,size,share,silhouette,top_terms,seed_coverage"];
  for (const t of r.themes) {
    lines.push(
      [
        t.name,
        t.kind,
        t.size,
        t.share,
        t.silhouette,
        t.labels.map((l) => l.term).join("; "),
        t.seedCoverage ?? null,
      ]
        .map((v) => csvField(v as string | number | null))
        .join(","),
    );
  }
  return lines;
}
