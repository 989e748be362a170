import type { Corpus, IngestSummary } from "../ingest/corpus.js";
import type { Paper, Reject, SourceRef } from "../ingest/types.js";
import { writeFileAtomic, writeTextAtomic } from "../util/atomic-write.js";
import { jsonString } from "../util/json-string.js";

/**
 * Paper as one JSON line, fields always in the same order: what JSON.stringify gives for an
 * object with these fields, written field by field (no object per paper; a 1M-paper corpus
 * is written in a few seconds), the texts by `jsonString`.
 */
export function paperToJson(p: Paper): string {
  const q = JSON.stringify;
  let s = `{"id":${q(p.id)},"title":${jsonString(p.title)},"abstract":${jsonString(p.abstract)},"date":${q(p.date)},"authors":${q(p.authors)}`;
  if (p.authorCount !== undefined) s += `,"authorCount":${q(p.authorCount)}`;
  if (p.upvotes !== undefined) s += `,"upvotes":${q(p.upvotes)}`;
  if (p.comments !== undefined) s += `,"comments":${q(p.comments)}`;
  if (p.categories !== undefined) s += `,"categories":${q(p.categories)}`;
  if (p.keywords !== undefined) s += `,"keywords":${q(p.keywords)}`;
  if (p.org !== undefined) s += `,"org":${q(p.org)}`;
  s += `,"source":${sourceText(p.source)}`;
  if (p.alsoIn?.length) s += `,"alsoIn":[${p.alsoIn.map(sourceText).join(",")}]`;
  return s + "}";
}

function sourceText(s: SourceRef): string {
  let t = `{"file":${JSON.stringify(s.file)}`;
  if (s.line !== undefined) t += `,"line":${JSON.stringify(s.line)}`;
  if (s.index !== undefined) t += `,"index":${JSON.stringify(s.index)}`;
  return t + `,"format":${JSON.stringify(s.format)}}`;
}

export function rejectToJson(r: Reject): string {
  // a record is parsed input (JSON values only), so it always has a JSON text
  return `{"source":${sourceText(r.source)},"reason":${JSON.stringify(r.reason)},"record":${JSON.stringify(r.record ?? null)}}`;
}

/** Lines writeJsonLines hands to the writer at a time. */
const LINES_PER_APPEND = 1024;

export async function writeJsonLines<T>(
  path: string,
  rows: readonly T[],
  line: (row: T) => string,
): Promise<void> {
  await writeFileAtomic(path, async (append) => {
    // lines in lists (one await per list, not per line), each line and its break in turn
    let list: string[] = [];
    for (const r of rows) {
      list.push(line(r), "\n");
      if (list.length >= LINES_PER_APPEND * 2) {
        await append(list);
        list = [];
      }
    }
    await append(list);
  });
}

export async function writeCorpusFiles(
  corpus: Corpus,
  paths: { corpus?: string; rejects?: string; summary?: string },
): Promise<void> {
  if (paths.corpus) await writeJsonLines(paths.corpus, corpus.papers, paperToJson);
  if (paths.rejects) await writeJsonLines(paths.rejects, corpus.rejects, rejectToJson);
  if (paths.summary)
    await writeTextAtomic(paths.summary, JSON.stringify(corpus.summary, null, 2) + "\n");
}

/** The ingest summary as a plain-text table, one row per input and a total. */
export function formatSummary(summary: IngestSummary): string {
  const head = ["input", "files", "read", "kept", "duplicates", "rejected", "undated", "dates"];
  const range = (a: string | null, b: string | null): string => (a === null ? "-" : `${a}..${b}`);
  const rows = summary.inputs.map((s) => [
    s.input,
    String(s.files),
    String(s.read),
    String(s.kept),
    String(s.duplicates),
    String(s.rejected),
    String(s.undated),
    range(s.dateMin, s.dateMax),
  ]);
  const t = summary.total;
  if (summary.inputs.length > 1) {
    rows.push([
      "total",
      String(t.files),
      String(t.read),
      String(t.kept),
      String(t.duplicates),
      String(t.rejected),
      String(t.undated),
      range(t.dateMin, t.dateMax),
    ]);
  }
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const fmt = (r: string[]): string =>
    r
      .map((c, i) =>
        i === 0 || i === r.length - 1 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0),
      )
      .join("  ")
      .trimEnd();
  const out = [fmt(head), ...rows.map(fmt)];
  const reasons = Object.entries(summary.rejectReasons);
  if (reasons.length) {
    out.push("", "rejected records by reason:");
    for (const [reason, n] of reasons) out.push(`  ${String(n).padStart(6)}  ${reason}`);
  }
  return out.join("\n");
}
