import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import type { Corpus, IngestSummary } from "../ingest/corpus.js";
import type { Paper } from "../ingest/types.js";
import { expandPath } from "../ingest/detect.js";
import { VERSION } from "../version.js";
import { CorpusStore, type UpsertCounts } from "./store.js";

export { CorpusStore } from "./store.js";
export type { RunRecord, StoredEvent, StoredModel, StoredTheme, UpsertCounts } from "./store.js";

export interface InputFile {
  file: string;
  sha256: string;
  bytes: number;
}

/** Every file behind the input paths, with its SHA-256: what a run or ingest read. */
export async function hashInputs(paths: readonly string[]): Promise<InputFile[]> {
  const out: InputFile[] = [];
  for (const p of paths) {
    for (const file of await expandPath(p)) {
      const data = await readFile(file);
      out.push({
        file,
        sha256: createHash("sha256").update(data).digest("hex"),
        bytes: data.length,
      });
    }
  }
  return out;
}

/** `papertrends ingest --store`: the corpus upserted into the store, recorded as an ingest. */
export async function ingestIntoStore(
  path: string,
  corpus: Corpus,
  inputs: readonly string[],
): Promise<{ counts: UpsertCounts; runId: number; papers: number }> {
  const files = await hashInputs(inputs);
  const store = CorpusStore.open(path);
  try {
    const runId = store.beginRun({ kind: "ingest", version: VERSION, inputs: files });
    const counts = store.addCorpus(runId, corpus.papers, corpus.rejects, (c) => ({
      ...corpus.summary,
      store: c,
    }));
    return { counts, runId, papers: store.counts().papers };
  } finally {
    store.close();
  }
}

/** The corpus of a store-backed run, summarised as one source. */
export function storeSummary(path: string, until: string, papers: readonly Paper[]): IngestSummary {
  let min: string | null = null;
  let max: string | null = null;
  for (const p of papers) {
    if (p.date === null) continue;
    if (min === null || p.date < min) min = p.date;
    if (max === null || p.date > max) max = p.date;
  }
  const s = {
    files: 1,
    read: papers.length,
    kept: papers.length,
    duplicates: 0,
    rejected: 0,
    undated: 0,
    dateMin: min,
    dateMax: max,
  };
  return {
    inputs: [{ input: `${path} (papers dated up to ${until})`, formats: {}, ...s }],
    total: s,
    rejectReasons: {},
  };
}
