import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { parse } from "csv-parse/sync";
import { msg } from "../messages.js";
import { InputFileError } from "../util/errors.js";
import type { TextOptions } from "../text/tokenize.js";
import type { TfidfModel } from "../vectorize/tfidf.js";
import { ingest } from "./index.js";
import type { Paper } from "./types.js";
import type { IngestSummary } from "./corpus.js";
import type { ReportThemes } from "../cluster/index.js";

/** What `papertrends cluster` / `run` leave in their folder, read back for `trends`. */
export interface RunDir {
  papers: Paper[];
  /** the ingest summary of the run (summary.json), else that of reading corpus.jsonl */
  summary: IngestSummary;
  /** the clustering as a report needs it (themes.json, assignments.csv) */
  themes: ReportThemes;
  /** theme id per paper (corpus order); -1: other */
  theme: Int32Array;
  names: string[];
  text: TextOptions;
  tfidf: TfidfModel;
}

async function readText(file: string, hint: string): Promise<string> {
  try {
    return await readFile(file, "utf8");
  } catch {
    throw new InputFileError(file, undefined, msg.runDirMissing(hint));
  }
}

export async function readRunDir(dir: string): Promise<RunDir> {
  const modelFile = join(dir, "model.json");
  const model = JSON.parse(await readText(modelFile, "model.json")) as {
    kind?: string;
    text: TextOptions;
    tfidf: TfidfModel;
    themes: { id: number; name: string }[];
  };
  if (model.kind !== "papertrends.model")
    throw new InputFileError(modelFile, undefined, msg.badModel(String(model.kind), "?"));
  const corpusFile = join(dir, "corpus.jsonl");
  await readText(corpusFile, "corpus.jsonl");
  const corpus = await ingest([{ path: corpusFile, format: "corpus" }]);
  const assignFile = join(dir, "assignments.csv");
  const rows = parse(await readText(assignFile, "assignments.csv"), { columns: true }) as Record<
    string,
    string
  >[];
  const byId = new Map(rows.map((r) => [r.id, r]));
  const row = (id: string): Record<string, string> => {
    const r = byId.get(id);
    if (r === undefined) throw new InputFileError(assignFile, undefined, msg.runDirMismatch(id));
    return r;
  };
  const theme = Int32Array.from(corpus.papers, (p) => Number(row(p.id).theme_id));
  const hasMap = rows.length > 0 && (rows[0]?.map_x ?? "") !== "";
  const map = hasMap
    ? Float64Array.from(
        corpus.papers.flatMap((p) => [Number(row(p.id).map_x), Number(row(p.id).map_y)]),
      )
    : null;
  const t = JSON.parse(await readText(join(dir, "themes.json"), "themes.json")) as Omit<
    ReportThemes,
    "theme" | "map"
  >;
  let summary = corpus.summary;
  try {
    summary = JSON.parse(await readFile(join(dir, "summary.json"), "utf8")) as IngestSummary;
  } catch {
    // a folder without summary.json: the corpus file's own summary
  }
  return {
    papers: corpus.papers,
    summary,
    themes: {
      themes: t.themes,
      k: t.k,
      quality: t.quality,
      other: t.other,
      warnings: t.warnings,
      theme,
      map,
    },
    theme,
    names: model.themes.map((x) => x.name),
    text: model.text,
    tfidf: model.tfidf,
  };
}
