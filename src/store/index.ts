import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import type { Corpus } from "../ingest/corpus.js";
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
