import { Worker } from "node:worker_threads";
import type { Corpus, IngestSummary } from "../ingest/corpus.js";
import type { Paper } from "../ingest/types.js";
import { expandPath } from "../ingest/detect.js";
import { msg } from "../messages.js";
import { InputFileError } from "../util/errors.js";
import { VERSION } from "../version.js";
import { CorpusStore, type UpsertCounts } from "./store.js";

export { CorpusStore } from "./store.js";
export type { RunRecord, StoredEvent, StoredModel, StoredTheme, UpsertCounts } from "./store.js";

export interface InputFile {
  file: string;
  sha256: string;
  bytes: number;
}

/**
 * The SHA-256 of files, read and hashed on a worker thread (the main thread goes on, say with
 * the ingest of the same files), streamed: no file is held in memory whole. An eval'd script,
 * so that it also runs from the TypeScript sources.
 */
const HASH_WORKER = `
const { parentPort, workerData } = require("node:worker_threads");
const { createHash } = require("node:crypto");
const { createReadStream } = require("node:fs");
(async () => {
  const out = [];
  for (const file of workerData) {
    const h = createHash("sha256");
    let bytes = 0;
    try {
      for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 })) {
        h.update(chunk);
        bytes += chunk.length;
      }
    } catch (e) {
      parentPort.postMessage({ failed: file, reason: String(e && e.message) });
      return;
    }
    out.push({ file, sha256: h.digest("hex"), bytes });
  }
  parentPort.postMessage({ files: out });
})();
`;

function hashFiles(files: readonly string[]): Promise<InputFile[]> {
  return new Promise((resolve, reject) => {
    const w = new Worker(HASH_WORKER, { eval: true, workerData: files });
    w.once("message", (m: { files: InputFile[] } | { failed: string; reason: string }) => {
      if ("files" in m) resolve(m.files);
      else reject(new InputFileError(m.failed, undefined, msg.cannotRead(m.reason)));
      void w.terminate();
    });
    w.once("error", reject);
  });
}

/** Every file behind the input paths, with its SHA-256: what a run or ingest read. */
export async function hashInputs(paths: readonly string[]): Promise<InputFile[]> {
  const files: string[] = [];
  for (const p of paths) files.push(...(await expandPath(p)));
  return files.length === 0 ? [] : hashFiles(files);
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
