import { existsSync } from "node:fs";
import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import type { Paper } from "../ingest/types.js";
import {
  commonTerms,
  countNgrams,
  dfBounds,
  fitTransform,
  fitVocabulary,
  fillIdRows,
  idRowLengths,
  matrixArrays,
  mergeCounts,
  type MatrixArrays,
  unigramCounts,
  type CountsMessage,
  type Fitted,
  type IdRows,
  type TfidfModel,
  type TfidfOptions,
  type UnigramCounts,
  vectorizedOf,
  type Weighting,
  weighting,
} from "../vectorize/tfidf.js";
import {
  analyzeChunk,
  Analyzer,
  chunkTexts,
  docsOf,
  tokenizeCorpus,
  type TextChunk,
  type TextOptions,
  type TokenDocs,
} from "./tokenize.js";

/**
 * The text stage and n-gram counting on several threads. The papers are cut into contiguous
 * chunks; the main thread works on the first while worker threads work on the others, each
 * with its own analyzer; their terms, surface counts and n-gram counts are merged into the
 * main thread's and their documents' term ids remapped. Term ids differ with the thread
 * count, but nothing downstream depends on them (the vocabulary is sorted by text), so
 * outputs do not.
 */

/** Below this many papers a worker costs more than it saves. */
export const PARALLEL_MIN_PAPERS = 4000;

/** Worker threads used when the pipeline does not say: one per core, at most 4. */
export function defaultThreads(): number {
  return Math.max(1, Math.min(4, availableParallelism()));
}

const workerUrl = new URL("./tokenize-worker.js", import.meta.url);

/** Whether worker threads can start here (not when running from TypeScript sources). */
export function workersAvailable(): boolean {
  return workerUrl.protocol === "file:" && existsSync(fileURLToPath(workerUrl));
}

/** Round three's request: each of the chunk's n-gram ids' column (or -1), and the weights. */
export interface MatrixRequest {
  colOf: Int32Array;
  weighting: Weighting;
}

/** Round three's answer: how many entries each of the chunk's rows has. */
export interface RowLengthsMessage {
  rowLen: Int32Array;
}

/** Round four's request: the shared matrix, and where the chunk's rows go in it. */
export interface FillRequest {
  out: MatrixArrays;
  rowFrom: number;
}

/** Round one's answer: the chunk's terms, surfaces and unigram counts (its own term ids). */
export interface AnalyzedMessage {
  terms: string[];
  surfaces: { surfaces: string[]; terms: number[]; counts: number[] };
  uniDf: Int32Array;
  uniTf: Float64Array;
}

/** Round two's request: which of the chunk's terms reach minDf, and what to count. */
export interface CountRequest {
  common: Uint8Array;
  ngramRange: [number, number];
  wantTf: boolean;
  /** send back the documents' term ids (only guided themes need them) */
  sendDocs: boolean;
}

/** Round two's answer: the chunk's n-gram counts and its documents (its own term ids). */
export interface CountedMessage {
  counts: CountsMessage;
  ids?: Int32Array;
  ptr?: Int32Array;
}

/** A worker thread holding one chunk across the two rounds. */
class ChunkWorker {
  private readonly worker: Worker;
  private readonly replies: ((m: unknown) => void)[] = [];
  private failure: Error | null = null;
  private readonly failed: ((e: Error) => void)[] = [];

  constructor(options: TextOptions, chunk: TextChunk) {
    this.worker = new Worker(workerUrl, { workerData: { options } });
    this.worker.on("message", (m: unknown) => this.replies.shift()?.(m));
    const fail = (e: Error): void => {
      this.failure = e;
      for (const f of this.failed.splice(0)) f(e);
    };
    this.worker.on("error", fail);
    this.worker.on("exit", (code) => {
      if (code !== 0) fail(new Error(`tokenizer worker exited with code ${code}`));
    });
    this.worker.postMessage(chunk, [chunk.start.buffer as ArrayBuffer]);
  }

  private next<T>(): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      if (this.failure) return reject(this.failure);
      this.replies.push(resolve as (m: unknown) => void);
      this.failed.push(reject);
    });
  }

  analyzed(): Promise<AnalyzedMessage> {
    return this.next<AnalyzedMessage>();
  }

  count(request: CountRequest): Promise<CountedMessage> {
    const reply = this.next<CountedMessage>();
    this.worker.postMessage(request, [request.common.buffer as ArrayBuffer]);
    return reply;
  }

  rowLengths(request: MatrixRequest): Promise<RowLengthsMessage> {
    const reply = this.next<RowLengthsMessage>();
    this.worker.postMessage(request, [request.colOf.buffer as ArrayBuffer]);
    return reply;
  }

  /** Resolves once the worker has written its rows (then it ends). */
  fill(request: FillRequest): Promise<void> {
    const reply = this.next<unknown>();
    this.worker.postMessage(request);
    return reply.then(() => void this.worker.terminate());
  }

  stop(): void {
    void this.worker.terminate();
  }
}

/**
 * The text stage and the n-gram counting of TF-IDF on `threads` threads (the main one
 * included), then the fit. Round one: each thread analyses its chunk; the main thread merges
 * the terms and decides which reach minDf. Round two: each thread counts its chunk's n-grams
 * of those terms; the main thread merges the counts and fits. Outputs equal the single-thread
 * `tokenizeCorpus` + `fitTransform` (a test checks), whatever the thread count. Without
 * `keepDocs` the documents' term ids are let go once counted (only guided themes need them).
 */
export async function tokenizeAndFit(
  papers: readonly Paper[],
  textOptions: Partial<TextOptions>,
  tfidfOptions: TfidfOptions,
  threads: number,
  keepDocs = true,
): Promise<{ tokens: TokenDocs; fitted: Fitted }> {
  const parts = Math.min(threads, Math.floor(papers.length / PARALLEL_MIN_PAPERS));
  if (parts <= 1 || !workersAvailable()) {
    const tokens = tokenizeCorpus(papers, textOptions);
    const fitted = fitTransform(tokens, tfidfOptions);
    return { tokens: keepDocs ? tokens : { ...tokens, docs: [] }, fitted };
  }
  const { minCount } = dfBounds(tfidfOptions, papers.length);
  const a = new Analyzer(textOptions);
  const size = Math.ceil(papers.length / parts);
  const chunks = Array.from({ length: parts }, (_, c) =>
    papers.slice(c * size, Math.min(papers.length, (c + 1) * size)),
  );
  const workers = chunks.slice(1).map((c) => new ChunkWorker(a.options, chunkTexts(c, a.options)));
  try {
    const round1 = workers.map((w) => w.analyzed());
    const docs = analyzeMine(a, chunks[0] ?? []);
    const analyzed = await Promise.all(round1);
    const maps = analyzed.map((r) => a.absorb(r.terms, r.surfaces));
    const nTerms = a.terms.length;
    const uni = unigramCounts(docs, nTerms);
    analyzed.forEach((r, w) => {
      const map = maps[w] as Int32Array;
      for (let t = 0; t < map.length; t++) {
        const g = map[t] as number;
        uni.df[g] = (uni.df[g] as number) + (r.uniDf[t] as number);
        uni.tf[g] = (uni.tf[g] as number) + (r.uniTf[t] as number);
      }
    });
    const common = commonTerms(uni.df, minCount);
    const { model, colOf, rows, slotMaps } = await countAndFit(
      workers,
      maps,
      docs,
      { terms: a.terms, uni, common, nDocs: papers.length },
      tfidfOptions,
      keepDocs,
    );
    const tokens = { terms: a.terms, display: a.displayForms(), docs };
    // round three: every thread turns its ids into columns and counts its rows' entries;
    // round four: each writes its rows straight into the one shared matrix
    const w8 = weighting(model);
    const round3 = workers.map((w, i) => {
      const map = maps[i] as Int32Array;
      const slots = slotMaps[i] as Int32Array;
      const local = new Int32Array(map.length + slots.length);
      for (let t = 0; t < map.length; t++) local[t] = colOf[map[t] as number] as number;
      for (let s = 0; s < slots.length; s++)
        local[map.length + s] = colOf[slots[s] as number] as number;
      return w.rowLengths({ colOf: local, weighting: w8 });
    });
    const lengths = [idRowLengths(rows, colOf)];
    for (const r of await Promise.all(round3)) lengths.push(r.rowLen);
    // in shared memory: the workers write their rows in place, and the LSA's worker pool
    // uses the matrix without a copy
    const out = matrixArrays(lengths, true);
    let rowFrom = 0;
    const round4 = workers.map((w, i) => {
      rowFrom += (lengths[i] as Int32Array).length;
      return w.fill({ out, rowFrom });
    });
    fillIdRows(w8, rows, out, 0);
    await Promise.all(round4);
    return { tokens, fitted: { model, ...vectorizedOf(out, w8.nCols) } };
  } finally {
    for (const w of workers) w.stop();
  }
}

/** Round one on the main thread: its chunk's documents (views of one buffer of term ids). */
function analyzeMine(a: Analyzer, papers: readonly Paper[]): Int32Array[] {
  const { ids, ptr } = analyzeChunk(a, chunkTexts(papers, a.options));
  return docsOf(ids, ptr);
}

/**
 * Round two: every thread counts its chunk's n-grams; the main thread merges the counts (and,
 * with `keepDocs`, the workers' documents into `docs`) and fits the vocabulary. A function of
 * its own so that the merged n-gram table is let go when it returns: only the main chunk's id
 * rows live on. Without `keepDocs`, `docs` is emptied once counted.
 */
async function countAndFit(
  workers: readonly ChunkWorker[],
  maps: readonly Int32Array[],
  docs: Int32Array[],
  c: {
    terms: readonly string[];
    uni: UnigramCounts;
    common: Uint8Array;
    nDocs: number;
  },
  tfidfOptions: TfidfOptions,
  keepDocs: boolean,
): Promise<{ model: TfidfModel; colOf: Int32Array; rows: IdRows[]; slotMaps: Int32Array[] }> {
  const wantTf = tfidfOptions.maxFeatures !== null;
  const round2 = workers.map((w, i) =>
    w.count({
      common: Uint8Array.from(maps[i] as Int32Array, (g) => c.common[g] as number),
      ngramRange: tfidfOptions.ngramRange,
      wantTf,
      sendDocs: keepDocs,
    }),
  );
  const counts = countNgrams(docs, c.terms.length, tfidfOptions.ngramRange, c.common, wantTf);
  if (!keepDocs) docs.length = 0;
  const counted = await Promise.all(round2);
  const slotMaps = counted.map((r, w) => {
    const map = maps[w] as Int32Array;
    if (r.ids && r.ptr) {
      for (let j = 0; j < r.ids.length; j++) {
        const t = r.ids[j] as number;
        if (t >= 0) r.ids[j] = map[t] as number;
      }
      docsOf(r.ids, r.ptr, docs);
    }
    return mergeCounts(counts, r.counts, map);
  });
  const { model, colOf } = fitVocabulary(c.terms, c.uni, counts, tfidfOptions, c.nDocs);
  return { model, colOf, rows: counts.rows, slotMaps };
}
