import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { parse } from "csv-parse/sync";
import { msg } from "../messages.js";
import { InputFileError } from "../util/errors.js";
import type { TextOptions } from "../text/tokenize.js";
import type { TfidfModel } from "../vectorize/tfidf.js";
import { ingest } from "./index.js";
import type { Paper } from "./types.js";

/** What `papertrends cluster` / `run` leave in their folder, read back for `trends`. */
export interface RunDir {
  papers: Paper[];
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
  const byId = new Map(rows.map((r) => [r.id, Number(r.theme_id)]));
  const theme = Int32Array.from(corpus.papers, (p) => {
    const t = byId.get(p.id);
    if (t === undefined) throw new InputFileError(assignFile, undefined, msg.runDirMismatch(p.id));
    return t;
  });
  return {
    papers: corpus.papers,
    theme,
    names: model.themes.map((t) => t.name),
    text: model.text,
    tfidf: model.tfidf,
  };
}
