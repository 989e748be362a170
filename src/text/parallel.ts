import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import type { Paper } from "../ingest/types.js";
import { release, transferList } from "../util/release.js";
import { workerFileExists } from "../util/worker-file.js";
import {
  commonTerms,
  countNgrams,
  dfBounds,
  entriesWithin,
  fitTransform,
  fitVocabulary,
  fillIdRows,
  idCount,
  idRowLengths,
  matrixArrays,
  matrixRoom,
  mergeCounts,
  type MatrixArrays,
  type MatrixRoom,
  UnigramCounter,
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
  paperTexts,
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
  return workerFileExists(workerUrl);
}

/** Round three's request: each of the chunk's n-gram ids' entry key (or -1), and the weights. */
export interface MatrixRequest {
  keyOf: Int32Array;
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
  /** count only the first `keep` documents, and first hand the others to the main thread */
  keep?: number;
}

/** The documents a worker hands to the main thread to count (its own term ids). */
export interface HandOffMessage {
  ids: Int32Array;
  ptr: Int32Array;
}

/** A streaming worker's "send another batch". */
export const WANT = "want";

/** Round two's answer: the chunk's n-gram counts and its documents (its own term ids). */
export interface CountedMessage {
  counts: CountsMessage;
  /** how many ids its rows hold (each at most one matrix entry) */
  entries: number;
  ids?: Int32Array;
  ptr?: Int32Array;
}

/**
 * Between rounds two and three: the room the matrix will be laid out in, for the worker to
 * fault in (see MatrixRoom) up to the entry `limit[0]`, which the main thread raises, until
 * round three's request comes.
 */
export interface PrefaultMessage {
  room: MatrixRoom;
  limit: Int32Array;
}

/** Entries faulted in at a time (about 2.5 MB), so that round three's request is heard soon. */
export const PREFAULT_STEP = 1 << 18;

/** A worker thread holding one chunk across the two rounds. */
class ChunkWorker {
  private readonly worker: Worker;
  private readonly replies: ((m: unknown) => void)[] = [];
  private failure: Error | null = null;
  private readonly failed: ((e: Error) => void)[] = [];

  /**
   * With no chunk, the worker is streamed batches (`send`, then `end`); `want` hears it ask.
   * `blockIds`: term ids a block of streamed documents holds (tests set it small).
   */
  constructor(options: TextOptions, chunk: TextChunk | null, want?: () => void, blockIds?: number) {
    const streamed = chunk === null;
    this.worker = new Worker(workerUrl, { workerData: { options, streamed, blockIds } });
    this.worker.on("message", (m: unknown) => {
      if (m === WANT) want?.();
      else this.replies.shift()?.(m);
    });
    const fail = (e: Error): void => {
      this.failure = e;
      for (const f of this.failed.splice(0)) f(e);
    };
    this.worker.on("error", fail);
    this.worker.on("exit", (code) => {
      if (code !== 0) fail(new Error(`tokenizer worker exited with code ${code}`));
    });
    if (chunk) this.worker.postMessage(chunk, transferList([chunk.start.buffer]));
  }

  /** A streamed batch of round one. */
  send(batch: TextChunk): void {
    this.worker.postMessage(batch, transferList([batch.start.buffer]));
  }

  /** The end of a streamed round one. */
  end(): void {
    this.worker.postMessage(null);
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

  /** The counts; with `keep`, first the documents handed over. */
  count(request: CountRequest): {
    handed: Promise<HandOffMessage> | null;
    counted: Promise<CountedMessage>;
  } {
    const handed = request.keep !== undefined ? this.next<HandOffMessage>() : null;
    const counted = this.next<CountedMessage>();
    this.worker.postMessage(request, transferList([request.common.buffer]));
    return { handed, counted };
  }

  /** The room to fault in while the main thread merges and fits (no answer). */
  prefault(message: PrefaultMessage): void {
    this.worker.postMessage(message);
  }

  rowLengths(request: MatrixRequest): Promise<RowLengthsMessage> {
    const reply = this.next<RowLengthsMessage>();
    this.worker.postMessage(request, transferList([request.keyOf.buffer]));
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
 * The worker's share of the counting when the text stage was streamed. The main thread counts
 * more slowly than the worker: its collections walk a heap that holds every paper (at 1M
 * papers, 12-22% of its time in the counting went to the collector, the worker's about 5%),
 * and with half each it finished 5 s after the worker, which then waited.
 */
export const WORKER_COUNT_SHARE = 0.55;

/** Papers in a streamed batch of round one. */
export const FEED_BATCH = 1000;

/**
 * Round one while the input is still being read: the ingest stage hands over each paper as it
 * is kept (a paper's title and abstract never change after that), and a worker thread
 * analyses batches of them meanwhile, asking for the next as it finishes one. When the input
 * is read, the main thread analyses the batches left from the back while the worker goes on
 * from the front, so the worker has the first papers and the main thread the last. Round two
 * evens the work out (the worker hands its documents past the middle to the main thread).
 * One worker: with more threads the papers are cut into chunks after ingest as before.
 */
export class TextFeed {
  /** papers seen */
  papers = 0;
  private readonly a: Analyzer;
  /** batches in paper order; null once handed out */
  private readonly batches: (TextChunk | null)[] = [];
  private texts: string[] = [];
  private starts: number[] = [0];
  /** batches [0, sent) went to the worker, [limit, ..) are the main thread's */
  private sent = 0;
  private limit = Infinity;
  private inFlight = 0;
  private worker: ChunkWorker | null = null;
  private idle: (() => void)[] = [];

  /** Whether the text stage of these settings can be streamed (see the class). */
  static usable(threads: number, text: Partial<TextOptions>): boolean {
    return threads === 2 && workersAvailable() && !(text.fields ?? []).includes("keywords");
  }

  constructor(
    textOptions: Partial<TextOptions>,
    private readonly o: { batch: number; startAt: number; blockIds?: number } = {
      batch: FEED_BATCH,
      startAt: 2 * PARALLEL_MIN_PAPERS,
    },
  ) {
    this.a = new Analyzer(textOptions);
  }

  /**
   * Whether the feed holds every text the text stage will read (a worker started: the papers'
   * own texts are not read again), so that the papers' abstracts may be let go.
   */
  holdsAllTexts(): boolean {
    return this.worker !== null;
  }

  /**
   * Runs `f` once the text stage leaves the second core idle: when the worker has counted its
   * n-grams (the main thread then fits the vocabulary alone), or when the input is read if no
   * worker started. Work that can wait (loading a library on another thread) is best begun
   * then: before, both cores are busy with the ingest and the text stage.
   */
  onIdle(f: () => void): void {
    this.idle.push(f);
  }

  /** Runs the `onIdle` callbacks (once). */
  private wentIdle(): void {
    for (const f of this.idle.splice(0)) f();
  }

  add(p: Paper): void {
    for (const t of paperTexts(p, this.a.options.fields)) this.texts.push(t);
    this.starts.push(this.texts.length);
    this.papers++;
    if (this.starts.length > this.o.batch) this.cut();
  }

  private cut(): void {
    if (this.starts.length <= 1) return;
    this.batches.push({ texts: this.texts, start: Int32Array.from(this.starts) });
    this.texts = [];
    this.starts = [0];
    // no worker for a small corpus: it would cost more than it saves
    if (!this.worker && this.papers >= this.o.startAt)
      this.worker = new ChunkWorker(
        this.a.options,
        null,
        () => {
          this.inFlight--;
          this.pump();
        },
        this.o.blockIds,
      );
    this.pump();
  }

  /** Keeps two batches at the worker, so that it never waits for the next. */
  private pump(): void {
    const w = this.worker;
    if (!w) return;
    while (this.inFlight < 2 && this.sent < Math.min(this.batches.length, this.limit)) {
      const batch = this.batches[this.sent] as TextChunk;
      this.batches[this.sent++] = null;
      this.inFlight++;
      w.send(batch);
    }
  }

  /**
   * The end of the input: round one finished on both threads. Null when no worker started
   * (the papers are then analysed as usual).
   */
  async finish(): Promise<RoundOne | null> {
    this.cut();
    const w = this.worker;
    if (!w) {
      this.wentIdle();
      return null;
    }
    const mine: { ids: Int32Array; ptr: Int32Array }[] = [];
    // counted batch by batch too, while the worker still analyses (see UnigramCounter)
    const mainUni = new UnigramCounter();
    this.limit = this.batches.length;
    while (this.sent < this.limit) {
      this.limit--;
      const batch = this.batches[this.limit] as TextChunk;
      this.batches[this.limit] = null;
      const m = analyzeChunk(this.a, batch);
      mainUni.add(m.ids, m.ptr);
      mine.push(m);
      // let the worker's requests in between batches
      await new Promise((resolve) => setImmediate(resolve));
    }
    const reply = w.analyzed();
    w.end();
    const mainDocs: Int32Array[] = [];
    for (const m of mine.reverse()) docsOf(m.ids, m.ptr, mainDocs);
    return {
      a: this.a,
      workers: [w],
      analyzed: [await reply],
      mainDocs,
      mainUni,
      mainLast: true,
      idle: () => this.wentIdle(),
    };
  }

  stop(): void {
    this.worker?.stop();
  }
}

/**
 * The text stage and the n-gram counting of TF-IDF on `threads` threads (the main one
 * included), then the fit. Round one: each thread analyses its chunk; the main thread merges
 * the terms and decides which reach minDf. Round two: each thread counts its chunk's n-grams
 * of those terms; the main thread merges the counts and fits. Outputs equal the single-thread
 * `tokenizeCorpus` + `fitTransform` (a test checks), whatever the thread count. Without
 * `keepDocs` the documents' term ids are let go once counted (only guided themes need them).
 * With a `feed` that streamed the papers during ingest, round one is mostly done already.
 */
export async function tokenizeAndFit(
  papers: readonly Paper[],
  textOptions: Partial<TextOptions>,
  tfidfOptions: TfidfOptions,
  threads: number,
  keepDocs = true,
  feed?: TextFeed,
): Promise<{ tokens: TokenDocs; fitted: Fitted }> {
  if (feed) {
    if (feed.papers !== papers.length)
      throw new Error(`the text feed saw ${feed.papers} papers, not ${papers.length}`);
    const streamed = await feed.finish();
    if (streamed) {
      try {
        return await fitRounds(streamed, papers.length, tfidfOptions, keepDocs);
      } finally {
        feed.stop();
      }
    }
  }
  const parts = Math.min(threads, Math.floor(papers.length / PARALLEL_MIN_PAPERS));
  if (parts <= 1 || !workersAvailable()) {
    const tokens = tokenizeCorpus(papers, textOptions);
    const fitted = fitTransform(tokens, tfidfOptions);
    return { tokens: keepDocs ? tokens : { ...tokens, docs: [] }, fitted };
  }
  const a = new Analyzer(textOptions);
  const size = Math.ceil(papers.length / parts);
  const chunks = Array.from({ length: parts }, (_, c) =>
    papers.slice(c * size, Math.min(papers.length, (c + 1) * size)),
  );
  const workers = chunks.slice(1).map((c) => new ChunkWorker(a.options, chunkTexts(c, a.options)));
  try {
    const round1 = workers.map((w) => w.analyzed());
    const { docs, uni } = analyzeMine(a, chunks[0] ?? []);
    const analyzed = await Promise.all(round1);
    return await fitRounds(
      { a, workers, analyzed, mainDocs: docs, mainUni: uni, mainLast: false },
      papers.length,
      tfidfOptions,
      keepDocs,
    );
  } finally {
    for (const w of workers) w.stop();
  }
}

/** Where round one left things: each thread's analysis of its contiguous run of papers. */
interface RoundOne {
  /** the main thread's analyzer (the workers' terms are merged into it) */
  a: Analyzer;
  workers: ChunkWorker[];
  analyzed: AnalyzedMessage[];
  /** the main thread's documents (its own term ids) */
  mainDocs: Int32Array[];
  /** their unigrams */
  mainUni: UnigramCounter;
  /** false: the main thread has the first papers, the workers the next ones in turn; true
   * (streamed): one worker has the first papers and the main thread the last */
  mainLast: boolean;
  /** called once the workers have counted (they wait while the main thread fits) */
  idle?: () => void;
}

/** Rounds two to four, and the fit, after round one. */
async function fitRounds(
  r: RoundOne,
  nDocs: number,
  tfidfOptions: TfidfOptions,
  keepDocs: boolean,
): Promise<{ tokens: TokenDocs; fitted: Fitted }> {
  const { a, workers, analyzed } = r;
  const { minCount } = dfBounds(tfidfOptions, nDocs);
  const maps = analyzed.map((m) => a.absorb(m.terms, m.surfaces));
  const nTerms = a.terms.length;
  const uni = r.mainUni.counts(nTerms);
  analyzed.forEach((m, w) => {
    const map = maps[w] as Int32Array;
    for (let t = 0; t < map.length; t++) {
      const g = map[t] as number;
      uni.df[g] = (uni.df[g] as number) + (m.uniDf[t] as number);
      uni.tf[g] = (uni.tf[g] as number) + (m.uniTf[t] as number);
    }
  });
  const common = commonTerms(uni.df, minCount);
  // streamed, the worker analysed most papers (it began during ingest): it keeps the first
  // WORKER_COUNT_SHARE to count and hands the rest to the main thread
  const keep = r.mainLast ? Math.floor(nDocs * WORKER_COUNT_SHARE) : undefined;
  const { model, colOf, rows, slotMaps, docs, mainRows, room } = await countAndFit(
    workers,
    maps,
    r.mainDocs,
    { terms: a.terms, uni, common, nDocs, mainLast: r.mainLast },
    tfidfOptions,
    keepDocs,
    keep,
    r.idle,
  );
  const tokens = {
    terms: a.terms,
    display: a.displayForms(),
    docs,
    idOf: a.termLookup(),
  };
  // round three: every thread turns its ids into entry keys and counts its rows' entries;
  // round four: each writes its rows straight into the one shared matrix
  const { w: w8, keyOf } = weighting(model, colOf, true);
  const round3 = workers.map((w, i) => {
    const map = maps[i] as Int32Array;
    const slots = slotMaps[i] as Int32Array;
    const local = new Int32Array(map.length + slots.length);
    for (let t = 0; t < map.length; t++) local[t] = keyOf[map[t] as number] as number;
    for (let s = 0; s < slots.length; s++) {
      const id = slots[s] as number;
      local[map.length + s] = id < 0 ? -1 : (keyOf[id] as number);
    }
    return w.rowLengths({ keyOf: local, weighting: w8 });
  });
  const mine = idRowLengths(rows, keyOf);
  const theirs = (await Promise.all(round3)).map((m) => m.rowLen);
  // in shared memory: the workers write their rows in place, and the LSA's worker pool
  // uses the matrix without a copy
  const out = matrixArrays(r.mainLast ? [...theirs, mine] : [mine, ...theirs], true, room);
  let rowFrom = r.mainLast ? 0 : mine.length;
  const round4 = workers.map((w, i) => {
    const from = rowFrom;
    rowFrom += (theirs[i] as Int32Array).length;
    return w.fill({ out, rowFrom: from });
  });
  fillIdRows(w8, rows, out, r.mainLast ? nDocs - mainRows : 0);
  await Promise.all(round4);
  return { tokens, fitted: { model, ...vectorizedOf(out, w8.nCols) } };
}

/**
 * Round one on the main thread: its chunk's documents (views of one buffer of term ids) and
 * their unigram counts.
 */
function analyzeMine(
  a: Analyzer,
  papers: readonly Paper[],
): { docs: Int32Array[]; uni: UnigramCounter } {
  const { ids, ptr } = analyzeChunk(a, chunkTexts(papers, a.options));
  const uni = new UnigramCounter();
  uni.add(ids, ptr);
  return { docs: docsOf(ids, ptr), uni };
}

/** Worker ids made the main thread's, in place (boundaries stay). */
function remap(ids: Int32Array, map: Int32Array): void {
  for (let j = 0; j < ids.length; j++) {
    const t = ids[j] as number;
    if (t >= 0) ids[j] = map[t] as number;
  }
}

/**
 * Round two: every thread counts its chunk's n-grams; the main thread merges the counts (and,
 * with `keepDocs`, gathers every document in paper order) and fits the vocabulary. A
 * function of its own so that the merged n-gram table is let go when it returns: only the
 * main thread's id rows live on. Without `keepDocs`, `docs` is emptied once counted. With
 * `keep` (one worker), the worker counts its first `keep` documents and the main thread the
 * rest of them, then its own.
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
    mainLast: boolean;
  },
  tfidfOptions: TfidfOptions,
  keepDocs: boolean,
  keep: number | undefined,
  idle?: () => void,
): Promise<{
  model: TfidfModel;
  colOf: Int32Array;
  rows: IdRows[];
  slotMaps: Int32Array[];
  /** every document in paper order (with `keepDocs`) */
  docs: Int32Array[];
  /** documents the main thread counted */
  mainRows: number;
  /** where to lay the matrix out: faulted in by the worker meanwhile (null: none) */
  room: MatrixRoom | null;
}> {
  const wantTf = tfidfOptions.maxFeatures !== null;
  const round2 = workers.map((w, i) =>
    w.count({
      common: Uint8Array.from(maps[i] as Int32Array, (g) => c.common[g] as number),
      ngramRange: tfidfOptions.ngramRange,
      wantTf,
      sendDocs: keepDocs,
      ...(keep !== undefined && { keep }),
    }),
  );
  let mine = docs;
  const handed = await round2[0]?.handed;
  if (handed) {
    remap(handed.ids, maps[0] as Int32Array);
    mine = docsOf(handed.ids, handed.ptr).concat(docs);
  }
  const mainRows = mine.length;
  const counts = countNgrams(mine, c.terms.length, tfidfOptions.ngramRange, c.common, wantTf);
  if (!keepDocs) {
    // counted: their memory goes now, before the matrix is laid out (see release)
    release(mine);
    docs.length = 0;
    mine = [];
  }
  const counted = await Promise.all(round2.map((r) => r.counted));
  const { minCount, maxCount } = dfBounds(tfidfOptions, c.nDocs);
  const [lo] = tfidfOptions.ngramRange;
  // the kept terms' entries: known before the merge, and at most the matrix's
  const termEntries = lo <= 1 ? entriesWithin(c.uni.df, minCount, maxCount) : 0;
  const prefault = MatrixPrefault.start(workers[0], counts.rows, counted, tfidfOptions);
  prefault?.atLeast(termEntries);
  idle?.();
  const theirs: Int32Array[] = [];
  const slotMaps = counted.map((r, w) => {
    const map = maps[w] as Int32Array;
    if (r.ids && r.ptr) {
      remap(r.ids, map);
      docsOf(r.ids, r.ptr, theirs);
    }
    // the last chunk merged leaves out the n-grams only it has, in too few documents
    const last = w === counted.length - 1 ? { minCount, lo } : null;
    return mergeCounts(counts, r.counts, map, last);
  });
  // merged: the matrix's exact number of entries is known before the fit
  prefault?.atLeast(termEntries + entriesWithin(counts.table.df(), minCount, maxCount));
  const { model, colOf } = fitVocabulary(c.terms, c.uni, counts, tfidfOptions, c.nDocs);
  counts.table.dispose();
  return {
    model,
    colOf,
    rows: counts.rows,
    slotMaps,
    docs: c.mainLast ? theirs.concat(mine) : mine.concat(theirs),
    mainRows,
    room: prefault?.room ?? null,
  };
}

/**
 * Part of the matrix's memory faulted in by a worker while the main thread merges the counts
 * and fits the vocabulary, which is the worker's idle time otherwise (at 1M papers about 7 s,
 * and the fill after it faulted in 1.4 GB afresh). The room holds every id of every row (the
 * most entries the matrix can have); only the pages below the limit are written.
 *
 * How much: the fill lets each segment of id rows go once written, so that without this the
 * resident memory grows from the id rows (6 bytes an id) to the matrix (10 bytes an entry).
 * Faulted in ahead, matrix pages stand beside every id row: faulting in all of them put a 1M
 * run's peak at 4.3 GB (3.5 without). So the limit is what the matrix holds beyond the id
 * rows, and the fill's peak stays where it was: entries − 0.6 × ids, given the matrix's entry
 * count (at first a lower bound: the kept terms' entries, then after the merge the exact
 * count). Not with max_features (which cuts the vocabulary after the counts).
 */
class MatrixPrefault {
  private readonly limit = new Int32Array(new SharedArrayBuffer(4));

  /** `room`: as many entries as the rows hold ids. */
  private constructor(readonly room: MatrixRoom) {}

  static start(
    worker: ChunkWorker | undefined,
    mainRows: readonly IdRows[],
    counted: readonly CountedMessage[],
    o: TfidfOptions,
  ): MatrixPrefault | null {
    if (!worker || o.maxFeatures !== null) return null;
    let capacity = idCount(mainRows);
    for (const m of counted) capacity += m.entries;
    // entries are counted in an Int32Array (the limit) and index typed arrays
    if (capacity === 0 || capacity > 0x7fffffff) return null;
    const p = new MatrixPrefault(matrixRoom(capacity));
    worker.prefault({ room: p.room, limit: p.limit });
    return p;
  }

  /** Given that the matrix has at least `entries` entries, raises the limit (see the class). */
  atLeast(entries: number): void {
    const ids = this.room.indices.length;
    const to = Math.min(Math.floor(entries - 0.6 * ids), ids);
    if (to > Atomics.load(this.limit, 0)) Atomics.store(this.limit, 0, to);
  }
}
