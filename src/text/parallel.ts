import { existsSync } from "node:fs";
import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import type { Paper } from "../ingest/types.js";
import {
  Analyzer,
  BOUNDARY,
  tokenizeCorpus,
  type TextOptions,
  type TokenDocs,
} from "./tokenize.js";

/**
 * The text stage on several threads. The papers are cut into contiguous chunks; the main
 * thread analyses the first while worker threads analyse the others, each with its own
 * analyzer; the workers' terms and surface counts are then merged into the main analyzer and
 * their documents' term ids remapped. Term ids differ with the thread count, but nothing
 * downstream depends on them (the vocabulary is sorted by text), so outputs do not.
 */

/** Below this many papers a worker costs more than it saves. */
export const PARALLEL_MIN_PAPERS = 4000;

/** Worker threads used when the pipeline does not say: one per core, at most 4. */
export function defaultThreads(): number {
  return Math.max(1, Math.min(4, availableParallelism()));
}

/** What a chunk's texts travel as: strings, and where each paper's fields start. */
export interface TextChunk {
  texts: string[];
  /** paper i's fields are texts[start[i]] .. texts[start[i + 1] - 1] */
  start: Int32Array;
}

export interface ChunkResult {
  terms: string[];
  surfaces: { surfaces: string[]; terms: number[]; counts: number[] };
  /** all documents' term ids, concatenated; document i is ids[ptr[i] .. ptr[i + 1]) */
  ids: Int32Array;
  ptr: Int32Array;
}

export function chunkTexts(papers: readonly Paper[], options: TextOptions): TextChunk {
  const texts: string[] = [];
  const start = new Int32Array(papers.length + 1);
  papers.forEach((p, i) => {
    for (const f of options.fields) {
      if (f === "keywords") texts.push(...(p.keywords ?? []));
      else texts.push(p[f]);
    }
    start[i + 1] = texts.length;
  });
  return { texts, start };
}

/** Analyses a chunk (in a worker, or on the main thread with the main analyzer). */
export function analyzeChunk(a: Analyzer, chunk: TextChunk): { ids: Int32Array; ptr: Int32Array } {
  const n = chunk.start.length - 1;
  const ptr = new Int32Array(n + 1);
  let ids = new Int32Array(1 << 16);
  let at = 0;
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    out.length = 0;
    for (let t = chunk.start[i] as number; t < (chunk.start[i + 1] as number); t++) {
      a.analyze(chunk.texts[t] as string, out);
    }
    if (out[out.length - 1] === BOUNDARY) out.pop();
    if (at + out.length > ids.length) {
      const grown = new Int32Array(Math.max(ids.length * 2, at + out.length));
      grown.set(ids.subarray(0, at));
      ids = grown;
    }
    for (let j = 0; j < out.length; j++) ids[at + j] = out[j] as number;
    at += out.length;
    ptr[i + 1] = at;
  }
  return { ids: ids.slice(0, at), ptr };
}

const workerUrl = new URL("./tokenize-worker.js", import.meta.url);

/** Whether worker threads can start here (not when running from TypeScript sources). */
export function workersAvailable(): boolean {
  return workerUrl.protocol === "file:" && existsSync(fileURLToPath(workerUrl));
}

function runWorker(options: TextOptions, chunk: TextChunk): Promise<ChunkResult> {
  return new Promise((resolve, reject) => {
    const w = new Worker(workerUrl, { workerData: { options } });
    w.once("message", (r: ChunkResult) => {
      resolve(r);
      void w.terminate();
    });
    w.once("error", reject);
    w.once("exit", (code) => {
      if (code !== 0) reject(new Error(`tokenizer worker exited with code ${code}`));
    });
    w.postMessage(chunk, [chunk.start.buffer as ArrayBuffer]);
  });
}

/** `tokenizeCorpus` on `threads` threads (the main one included); same outputs downstream. */
export async function tokenizeCorpusParallel(
  papers: readonly Paper[],
  options: Partial<TextOptions>,
  threads: number,
): Promise<TokenDocs> {
  const parts = Math.min(threads, Math.floor(papers.length / PARALLEL_MIN_PAPERS));
  if (parts <= 1 || !workersAvailable()) return tokenizeCorpus(papers, options);
  const a = new Analyzer(options);
  const size = Math.ceil(papers.length / parts);
  const chunks = Array.from({ length: parts }, (_, c) =>
    papers.slice(c * size, Math.min(papers.length, (c + 1) * size)),
  );
  const pending = chunks.slice(1).map((c) => runWorker(a.options, chunkTexts(c, a.options)));
  const mine = analyzeChunk(a, chunkTexts(chunks[0] ?? [], a.options));
  const docs: Int32Array[] = [];
  for (let i = 0; i + 1 < mine.ptr.length; i++) {
    docs.push(mine.ids.subarray(mine.ptr[i] as number, mine.ptr[i + 1] as number));
  }
  for (const r of await Promise.all(pending)) {
    const map = a.absorb(r.terms, r.surfaces);
    for (let j = 0; j < r.ids.length; j++) {
      const t = r.ids[j] as number;
      if (t >= 0) r.ids[j] = map[t] as number;
    }
    for (let i = 0; i + 1 < r.ptr.length; i++) {
      docs.push(r.ids.subarray(r.ptr[i] as number, r.ptr[i + 1] as number));
    }
  }
  return { terms: a.terms, display: a.displayForms(), docs };
}
