import { msg } from "../messages.js";
import { BOUNDARY, termLookupOf, type TokenDocs } from "../text/tokenize.js";
import { NgramTable, STRIDE } from "./ngram-table.js";
import { UserError } from "../util/errors.js";
import { release } from "../util/release.js";
import type { Csr } from "./sparse.js";

/**
 * TF-IDF with scikit-learn's TfidfVectorizer semantics (given the same tokens, the same
 * weights): n-gram range, min_df / max_df (a number below 1 — for maxDf, up to 1 — is a
 * proportion of documents, otherwise a count), max_features (most frequent over the corpus),
 * sublinear tf (1 + ln tf), smooth idf (ln((1 + n) / (1 + df)) + 1), l2 / l1 norm. The
 * vocabulary is sorted. N-grams never cross a sentence or field boundary.
 *
 * `fit` returns a plain, versioned, JSON-serialisable model; `transform` applies it to any
 * token documents, so next week's papers are vectorised the same way.
 */

export const Norm = { l2: "l2", l1: "l1", none: "none" } as const;
export type Norm = (typeof Norm)[keyof typeof Norm];

export interface TfidfOptions {
  ngramRange: [number, number];
  minDf: number;
  maxDf: number;
  maxFeatures: number | null;
  sublinearTf: boolean;
  smoothIdf: boolean;
  useIdf: boolean;
  norm: Norm;
}

export const TFIDF_DEFAULTS: TfidfOptions = {
  ngramRange: [1, 2],
  minDf: 2,
  maxDf: 0.5,
  maxFeatures: null,
  sublinearTf: true,
  smoothIdf: true,
  useIdf: true,
  norm: "l2",
};

export const TFIDF_MODEL_KIND = "papertrends.tfidf";
export const TFIDF_MODEL_VERSION = 1;

export interface TfidfModel {
  kind: typeof TFIDF_MODEL_KIND;
  version: typeof TFIDF_MODEL_VERSION;
  options: TfidfOptions;
  nDocs: number;
  /** n-grams of stems joined by a space, sorted */
  vocabulary: string[];
  /** document frequency of each vocabulary entry in the fitted corpus */
  df: number[];
  idf: number[];
}

function checkOptions(o: TfidfOptions): void {
  const [lo, hi] = o.ngramRange;
  if (!Number.isInteger(lo) || !Number.isInteger(hi) || lo < 1 || hi < lo || hi > 3) {
    throw new UserError(
      msg.badTfidfOption(
        "ngramRange",
        JSON.stringify(o.ngramRange),
        "[min, max] with 1 ≤ min ≤ max ≤ 3",
      ),
    );
  }
  if (!(o.minDf > 0) || (o.minDf >= 1 && !Number.isInteger(o.minDf))) {
    throw new UserError(
      msg.badTfidfOption("minDf", String(o.minDf), "a proportion in (0, 1) or a whole count ≥ 1"),
    );
  }
  if (!(o.maxDf > 0) || (o.maxDf > 1 && !Number.isInteger(o.maxDf))) {
    throw new UserError(
      msg.badTfidfOption("maxDf", String(o.maxDf), "a proportion in (0, 1] or a whole count > 1"),
    );
  }
  if (o.maxFeatures !== null && !(Number.isInteger(o.maxFeatures) && o.maxFeatures > 0)) {
    throw new UserError(
      msg.badTfidfOption("maxFeatures", String(o.maxFeatures), "a whole number > 0, or null"),
    );
  }
}

export interface Fitted extends Vectorized {
  model: TfidfModel;
}

/** minDf and maxDf as document counts. */
export function dfBounds(o: TfidfOptions, nDocs: number): { minCount: number; maxCount: number } {
  const maxCount = o.maxDf <= 1 ? o.maxDf * nDocs : o.maxDf;
  const minCount = o.minDf < 1 ? o.minDf * nDocs : o.minDf;
  if (maxCount < minCount) throw new UserError(msg.maxDfBelowMinDf());
  return { minCount, maxCount };
}

/** Each term's document frequency and total count. */
export interface UnigramCounts {
  df: Int32Array;
  tf: Float64Array;
}

/** Each term's document frequency (and total count) over documents of term ids. */
export function unigramCounts(docs: readonly Int32Array[], nTerms: number): UnigramCounts {
  const c = new UnigramCounter(nTerms);
  for (const doc of docs) c.addDoc(doc, 0, doc.length);
  return c.counts(nTerms);
}

/**
 * Unigram counts gathered a batch of documents at a time while the terms are still being
 * found (the arrays grow with them): a streamed text stage counts each batch as it is
 * analysed, so that the counts are ready when the last batch is (at 1M papers, counting them
 * all at the end took the worker about two seconds while the main thread waited). Equal to
 * counting the same documents at once, in any batching.
 */
export class UnigramCounter {
  private df: Int32Array;
  private tf: Float64Array;
  /** the last document (numbered across batches) each term was seen in */
  private last: Int32Array;
  private docs = 0;

  constructor(terms = 1 << 12) {
    this.df = new Int32Array(terms);
    this.tf = new Float64Array(terms);
    this.last = new Int32Array(terms).fill(-1);
  }

  /** Counts documents [from, to) of `ids` (document d: ids[ptr[d] .. ptr[d + 1])), all by default. */
  add(ids: Int32Array, ptr: Int32Array, from = 0, to = ptr.length - 1): void {
    for (let d = from; d < to; d++) this.addDoc(ids, ptr[d] as number, ptr[d + 1] as number);
  }

  /** Counts the document ids[start, end) (the next one). */
  addDoc(ids: Int32Array, start: number, end: number): void {
    const doc = this.docs++;
    let { df, tf, last } = this;
    for (let i = start; i < end; i++) {
      const id = ids[i] as number;
      if (id === BOUNDARY) continue;
      if (id >= df.length) {
        this.grow(id + 1);
        ({ df, tf, last } = this);
      }
      tf[id] = (tf[id] as number) + 1;
      if (last[id] !== doc) {
        last[id] = doc;
        df[id] = (df[id] as number) + 1;
      }
    }
  }

  /** The counts of terms [0, nTerms) (terms never seen count 0). */
  counts(nTerms: number): UnigramCounts {
    if (nTerms > this.df.length) this.grow(nTerms);
    return { df: this.df.slice(0, nTerms), tf: this.tf.slice(0, nTerms) };
  }

  private grow(need: number): void {
    const size = Math.max(need, this.df.length * 2);
    const df = new Int32Array(size);
    df.set(this.df);
    const tf = new Float64Array(size);
    tf.set(this.tf);
    const last = new Int32Array(size).fill(-1);
    last.set(this.last);
    this.df = df;
    this.tf = tf;
    this.last = last;
  }
}

/**
 * The n-gram counts of a set of documents: unigram counts by term id, longer n-grams in an
 * interned table (document frequencies, and total counts when asked), and each document as its
 * distinct candidate n-gram ids with their counts, so that the matrix needs no second round
 * of hashing once the vocabulary is known. A chunk counted on a worker thread has its own
 * term ids; `mergeCounts` maps it into the main thread's.
 */
export interface NgramCounts {
  table: NgramTable;
  /** the documents' id rows, in segments (one per batch, in document order) */
  rows: IdRows[];
}

/** Documents as n-gram ids, each row's distinct ids with their counts (saturating at 65,535). */
export interface IdRows {
  ptr: Int32Array;
  ids: Int32Array;
  counts: Uint16Array;
}

/** Tokens per batch of documents counted together (see countNgrams). */
export const COUNT_BATCH_TOKENS = 1 << 21;

/**
 * Counts the n-grams of lo..hi words (never across a BOUNDARY). An n-gram occurs in no more
 * documents than any of its words, so with `common` (1 = the term reaches minDf) n-grams with
 * a rarer word are never interned: the table is far smaller, and the vocabulary the same.
 *
 * Documents go in batches of about `batchTokens` tokens. In a batch, each document's n-grams
 * of each length are counted on their own, distinct (so each adds one to its document
 * frequency); then the batch's distinct pairs go to the table in bulk (see NgramTable.add),
 * length by length (a trigram's prefix is its bigram's id), and the ids come back into the
 * rows. Each batch's rows are a segment of their own, so that building the matrix can let
 * each go once written.
 */
export function countNgrams(
  docs: readonly Int32Array[],
  nTerms: number,
  ngramRange: [number, number],
  common: Uint8Array | null,
  wantTf: boolean,
  table: NgramTable = new NgramTable(nTerms, expectedNgrams(docs, nTerms), wantTf),
  batchTokens = COUNT_BATCH_TOKENS,
): NgramCounts {
  const rows: IdRows[] = [];
  const scratch = new BatchScratch(nTerms);
  for (let d0 = 0; d0 < docs.length;) {
    let d1 = d0;
    let tokens = 0;
    while (
      d1 < docs.length &&
      (d1 === d0 || tokens + (docs[d1] as Int32Array).length <= batchTokens)
    ) {
      tokens += (docs[d1] as Int32Array).length;
      d1++;
    }
    rows.push(countBatch(docs, d0, d1, ngramRange, common, wantTf, table, scratch));
    d0 = d1;
  }
  if (docs.length === 0)
    rows.push({ ptr: new Int32Array(1), ids: new Int32Array(0), counts: new Uint16Array(0) });
  table.releaseScratch();
  return { table, rows };
}

/** One length's distinct n-grams of a batch, document by document. */
interface LengthRun {
  /** per document: where its distinct n-grams start (nDocs + 1) */
  ptr: Int32Array;
  /** each n-gram's prefix (a term id, or for trigrams the bigram's index in this batch) */
  prefix: Int32Array;
  /** its last term */
  term: Int32Array;
  /** its id, once the table has answered */
  ids: Int32Array;
  counts: Uint16Array;
  n: number;
}

/**
 * The distinct n-grams of one document: an open-addressing set of (prefix, term) pairs giving
 * each pair's index in the batch's run, emptied for the next document by a stamp (no
 * clearing). Faster here than sorting each document's pairs.
 */
class DocSet {
  private keyA = new Int32Array(1 << 9);
  private keyB = new Int32Array(1 << 9);
  private index = new Int32Array(1 << 9);
  private stamp = new Int32Array(1 << 9);
  private mask = (1 << 9) - 1;
  private now = 0;

  /** Starts a document with room for `n` pairs. */
  reset(n: number): void {
    if (n * 2 > this.mask + 1) {
      let cap = this.mask + 1;
      while (cap < n * 2) cap <<= 1;
      this.keyA = new Int32Array(cap);
      this.keyB = new Int32Array(cap);
      this.index = new Int32Array(cap);
      this.stamp = new Int32Array(cap);
      this.mask = cap - 1;
      this.now = 0;
    }
    this.now++;
  }

  /** The index of (a, b) in this document's run; when new, it is added as `next` and -1 - next returned. */
  find(a: number, b: number, next: number): number {
    const m = this.mask;
    const now = this.now;
    let h = Math.imul(a, 0x9e3779b1) ^ Math.imul(b, 0x85ebca6b);
    h ^= h >>> 15;
    for (let i = h & m; ; i = (i + 1) & m) {
      if (this.stamp[i] !== now) {
        this.stamp[i] = now;
        this.keyA[i] = a;
        this.keyB[i] = b;
        this.index[i] = next;
        return -1 - next;
      }
      if (this.keyA[i] === a && this.keyB[i] === b) return this.index[i] as number;
    }
  }
}

/** Growable scratch arrays reused from batch to batch. */
class BatchScratch {
  runs: LengthRun[] = [];
  set = new DocSet();
  bigrams = new DocSet();
  ident: Int32Array | null = null;
  /** per term: the last document that had it (+ 1), and its index in the unigram run */
  readonly seen: Int32Array;

  constructor(nTerms: number) {
    this.seen = new Int32Array(2 * nTerms);
  }

  run(len: number, nDocs: number, capacity: number): LengthRun {
    let r = this.runs[len];
    if (!r || r.ids.length < capacity || r.ptr.length < nDocs + 1) {
      const size = Math.max(capacity, r ? r.ids.length : 0);
      r = {
        ptr: new Int32Array(Math.max(nDocs + 1, r ? r.ptr.length : 0)),
        prefix: new Int32Array(size),
        term: new Int32Array(size),
        ids: new Int32Array(size),
        counts: new Uint16Array(size),
        n: 0,
      };
      this.runs[len] = r;
    }
    r.n = 0;
    return r;
  }
}

function countBatch(
  docs: readonly Int32Array[],
  d0: number,
  d1: number,
  ngramRange: [number, number],
  common: Uint8Array | null,
  wantTf: boolean,
  table: NgramTable,
  scratch: BatchScratch,
): IdRows {
  const [lo, hi] = ngramRange;
  if (hi > 3) throw new Error(`n-grams up to 3 words are counted, not ${hi}`);
  const nDocs = d1 - d0;
  let tokens = 0;
  for (let d = d0; d < d1; d++) tokens += (docs[d] as Int32Array).length;
  const ok = (t: number): boolean => t !== BOUNDARY && (common === null || common[t] === 1);
  const runs: LengthRun[] = [];
  // unigrams (only when counted): each document's distinct term ids, with their counts
  if (lo <= 1) {
    const run = scratch.run(1, nDocs, tokens);
    const seen = scratch.seen;
    let at = 0;
    for (let d = d0; d < d1; d++) {
      const doc = docs[d] as Int32Array;
      const mark = d + 1;
      for (let i = 0; i < doc.length; i++) {
        const t = doc[i] as number;
        if (!ok(t)) continue;
        if (seen[2 * t] === mark) {
          const j = seen[2 * t + 1] as number;
          const c = run.counts[j] as number;
          if (c < 65535) run.counts[j] = c + 1;
        } else {
          seen[2 * t] = mark;
          seen[2 * t + 1] = at;
          run.ids[at] = t;
          run.counts[at] = 1;
          at++;
        }
      }
      run.ptr[d - d0 + 1] = at;
    }
    run.n = at;
    // marks are documents + 1 of this call: clear them so that the next batch's cannot clash
    seen.fill(0);
    runs[1] = run;
  }
  // longer n-grams, length by length: each document's distinct pairs, then the table's ids
  const { set, bigrams } = scratch;
  for (let len = 2; len <= hi; len++) {
    const run = scratch.run(len, nDocs, tokens);
    const prev = runs[len - 1];
    let at = 0;
    for (let d = d0; d < d1; d++) {
      const doc = docs[d] as Int32Array;
      set.reset(doc.length);
      if (len === 3) {
        // the document's bigrams, to find each trigram's bigram by
        const p = prev as LengthRun;
        bigrams.reset(doc.length);
        for (let j = p.ptr[d - d0] as number; j < (p.ptr[d - d0 + 1] as number); j++) {
          bigrams.find(p.prefix[j] as number, p.term[j] as number, j);
        }
      }
      for (let i = 0; i + len <= doc.length; i++) {
        const a = doc[i] as number;
        const last = doc[i + len - 1] as number;
        if (!ok(a) || !ok(last) || (len === 3 && !ok(doc[i + 1] as number))) continue;
        // a bigram's prefix is its first term; a trigram's, its bigram's index in this batch
        const prefix = len === 2 ? a : bigrams.find(a, doc[i + 1] as number, -1);
        const j = set.find(prefix, last, at);
        if (j >= 0) {
          const c = run.counts[j] as number;
          if (c < 65535) run.counts[j] = c + 1;
        } else {
          run.prefix[at] = prefix;
          run.term[at] = last;
          run.counts[at] = 1;
          at++;
        }
      }
      run.ptr[d - d0 + 1] = at;
    }
    run.n = at;
    if (len === 3) {
      // prefixes as the bigrams' ids
      const p = prev as LengthRun;
      for (let j = 0; j < at; j++) run.prefix[j] = p.ids[run.prefix[j] as number] as number;
    }
    const n = at;
    table.add(
      {
        n,
        prefix: run.prefix.subarray(0, n),
        term: run.term.subarray(0, n),
        target: identity(scratch, n),
        df: len >= lo ? 1 : 0,
        tf: wantTf && len >= lo ? run.counts : null,
      },
      run.ids,
    );
    runs[len] = run;
  }
  // the batch's rows: each document's distinct ids of lengths lo..hi, with their counts
  let total = 0;
  for (let len = lo; len <= hi; len++) total += (runs[len] as LengthRun).n;
  const ptr = new Int32Array(nDocs + 1);
  const ids = new Int32Array(total);
  const counts = new Uint16Array(total);
  let at = 0;
  for (let d = 0; d < nDocs; d++) {
    for (let len = lo; len <= hi; len++) {
      const run = runs[len] as LengthRun;
      const to = run.ptr[d + 1] as number;
      for (let j = run.ptr[d] as number; j < to; j++, at++) {
        ids[at] = run.ids[j] as number;
        counts[at] = run.counts[j] as number;
      }
    }
    ptr[d + 1] = at;
  }
  return { ptr, ids, counts };
}

/** 0, 1, .., n - 1 (kept in the scratch). */
function identity(scratch: BatchScratch, n: number): Int32Array {
  let a = scratch.ident;
  if (!a || a.length < n) {
    a = new Int32Array(Math.max(n, a ? a.length * 2 : 0));
    for (let i = 0; i < a.length; i++) a[i] = i;
    scratch.ident = a;
  }
  return a.subarray(0, n);
}

/**
 * How many distinct longer n-grams to size the table for: a quarter of the tokens, and a
 * third more for its growth when other threads' counts are merged into it (about what arXiv
 * abstracts give), up to 4M; growing past that re-hashes a partition at a time.
 */
function expectedNgrams(docs: readonly Int32Array[], nTerms: number): number {
  let tokens = 0;
  for (const d of docs) tokens += d.length;
  return Math.max(nTerms * 4, Math.min(Math.floor(tokens / 3), 1 << 22));
}

/** What a worker thread's counts travel as (typed arrays only). */
export interface CountsMessage {
  nTerms: number;
  nSlots: number;
  /** per slot: prefix, last term */
  entries: Int32Array;
  /** per slot: document frequency */
  df: Int32Array;
  /** per slot: total count (when kept) */
  slotTf: Float64Array | null;
}

export function countsMessage(c: NgramCounts): CountsMessage {
  const nSlots = c.table.size - c.table.nTerms;
  return {
    nTerms: c.table.nTerms,
    nSlots,
    entries: c.table.entries.slice(0, nSlots * STRIDE),
    df: c.table.df().slice(0, nSlots),
    slotTf: c.table.totals()?.slice(0, nSlots) ?? null,
  };
}

/**
 * Adds a chunk's n-gram counts (its term ids mapped by `termMap`) into `into`: its n-grams go
 * to the table in bulk, bigrams first, then each longer length (a prefix always precedes its
 * extensions in slot order, so its id is known by then), document frequencies and totals
 * added. Unigram counts are merged by the caller (who knows every chunk's terms); the chunk's
 * rows stay with it. Returns the chunk's slot → id in `into` (-1: not interned).
 *
 * With `last` (no counts are merged after this chunk's), an n-gram of a counted length
 * (`lo` words or more) that `into` does not have and that is in fewer than `minCount` of the
 * chunk's documents can never reach min_df: it is left out rather than interned (at 143k
 * papers, 1.1M of the 1.76M n-grams a worker sends), and so are its extensions, which are in
 * no more documents than it.
 */
export function mergeCounts(
  into: NgramCounts,
  part: CountsMessage,
  termMap: Int32Array,
  last: { minCount: number; lo: number } | null = null,
): Int32Array {
  const t = into.table;
  const slotMap = new Int32Array(part.nSlots);
  const e = part.entries;
  const local = part.nTerms;
  // each slot's length: 2 when its prefix is a term, else one more than its prefix's
  const len = new Uint8Array(part.nSlots);
  let longest = 1;
  for (let s = 0; s < part.nSlots; s++) {
    const prefix = e[s * STRIDE] as number;
    const l = prefix < local ? 2 : (len[prefix - local] as number) + 1;
    len[s] = l;
    if (l > longest) longest = l;
  }
  const prefix = new Int32Array(part.nSlots);
  const term = new Int32Array(part.nSlots);
  const target = new Int32Array(part.nSlots);
  const df = new Int32Array(part.nSlots);
  const tf = part.slotTf && t.keepsTotals ? new Float64Array(part.nSlots) : null;
  for (let l = 2; l <= longest; l++) {
    let n = 0;
    for (let s = 0; s < part.nSlots; s++) {
      if (len[s] !== l) continue;
      const p = e[s * STRIDE] as number;
      prefix[n] = p < local ? (termMap[p] as number) : (slotMap[p - local] as number);
      if ((prefix[n] as number) < 0) {
        // an extension of an n-gram left out
        slotMap[s] = -1;
        continue;
      }
      term[n] = termMap[e[s * STRIDE + 1] as number] as number;
      target[n] = s;
      df[n] = part.df[s] as number;
      if (tf && part.slotTf) tf[n] = part.slotTf[s] as number;
      n++;
    }
    const minNew = last !== null && l >= last.lo ? last.minCount : 0;
    t.add({ n, prefix, term, target, df, tf, minNew }, slotMap);
  }
  t.releaseScratch();
  return slotMap;
}

/** Fits the vocabulary and idf, and returns the model with the fitted documents' matrix. */
export function fitTransform(tokens: TokenDocs, options: Partial<TfidfOptions> = {}): Fitted {
  const o: TfidfOptions = { ...TFIDF_DEFAULTS, ...options };
  checkOptions(o);
  const nDocs = tokens.docs.length;
  if (nDocs === 0) throw new UserError(msg.emptyCorpus());
  const { minCount } = dfBounds(o, nDocs);
  const nTerms = tokens.terms.length;
  const uni = unigramCounts(tokens.docs, nTerms);
  const common = commonTerms(uni.df, minCount);
  const counts = countNgrams(tokens.docs, nTerms, o.ngramRange, common, o.maxFeatures !== null);
  const { model, colOf } = fitVocabulary(tokens.terms, uni, counts, o, nDocs);
  counts.table.dispose();
  return { model, ...fromIdRows(model, counts.rows, colOf) };
}

/** 1 for the terms that reach minDf (only their n-grams can). */
export function commonTerms(df: Int32Array, minCount: number): Uint8Array {
  const common = new Uint8Array(df.length);
  for (let t = 0; t < df.length; t++) common[t] = (df[t] as number) >= minCount ? 1 : 0;
  return common;
}

/** The vocabulary and idf from counted n-grams, and each n-gram id's column (or -1). */
export function fitVocabulary(
  terms: readonly string[],
  uni: UnigramCounts,
  counts: NgramCounts,
  options: TfidfOptions,
  nDocs: number,
): { model: TfidfModel; colOf: Int32Array } {
  const o = options;
  checkOptions(o);
  if (nDocs === 0) throw new UserError(msg.emptyCorpus());
  const [lo] = o.ngramRange;
  const { minCount, maxCount } = dfBounds(o, nDocs);
  const { table } = counts;
  const slotTf = table.totals();
  const { df: uniDf, tf: uniTf } = uni;
  const nTerms = table.nTerms;
  const nIds = table.size;
  const slotDf = table.df();
  const df = (id: number): number =>
    id < nTerms ? (lo <= 1 ? (uniDf[id] as number) : 0) : (slotDf[id - nTerms] as number);
  const tf = (id: number): number =>
    id < nTerms ? (lo <= 1 ? (uniTf[id] as number) : 0) : (slotTf?.[id - nTerms] ?? 0);
  let kept: number[] = [];
  for (let s = 0; s < nIds; s++) {
    const f = df(s);
    if (f >= minCount && f <= maxCount) kept.push(s);
  }
  // vocabulary order: the n-grams' texts sorted by UTF-16 code units (the default string
  // sort, run natively on an array of strings rather than through a comparator)
  // texts built for a string sort are kept for the vocabulary (the sort by term ranks needs
  // none, and then each is built once, straight from its terms)
  const textOf = new Map<number, string>();
  const str = (id: number): string => textOf.get(id) ?? textOfId(table, terms, id);
  const sortByText = (ids: number[]): number[] => {
    const byRank = sortByTermRanks(ids, table, terms);
    if (byRank) return byRank;
    const idOf = new Map<string, number>();
    const texts = ids.map((id) => {
      const t = str(id);
      textOf.set(id, t);
      idOf.set(t, id);
      return t;
    });
    return texts.sort().map((t) => idOf.get(t) as number);
  };
  if (o.maxFeatures !== null && kept.length > o.maxFeatures) {
    kept = sortByText(kept);
    // most frequent first; ties keep vocabulary order (a stable sort)
    kept = kept
      .map((s, i) => [s, i] as const)
      .sort((a, b) => tf(b[0]) - tf(a[0]) || a[1] - b[1])
      .slice(0, o.maxFeatures)
      .map(([s]) => s);
  }
  if (kept.length === 0) throw new UserError(msg.noTermsRemain(nDocs, o.minDf, o.maxDf));
  kept = sortByText(kept);

  const vocabulary = kept.map(str);
  const dfs = kept.map(df);
  const idf = dfs.map((f) =>
    !o.useIdf ? 1 : o.smoothIdf ? Math.log((1 + nDocs) / (1 + f)) + 1 : Math.log(nDocs / f) + 1,
  );
  const model: TfidfModel = {
    kind: TFIDF_MODEL_KIND,
    version: TFIDF_MODEL_VERSION,
    options: o,
    nDocs,
    vocabulary,
    df: dfs,
    idf,
  };
  const colOf = new Int32Array(nIds).fill(-1);
  kept.forEach((id, col) => (colOf[id] = col));
  return { model, colOf };
}

/** An n-gram id's text (unigrams and bigrams without the general path's arrays). */
function textOfId(table: NgramTable, terms: readonly string[], id: number): string {
  const nTerms = table.nTerms;
  if (id < nTerms) return terms[id] as string;
  const o = (id - nTerms) * STRIDE;
  const prefix = table.entries[o] as number;
  // joined into a flat string: a template would give a rope of the two terms, which every
  // later reader (model.json's writer, first of all) flattens, by then in the old generation
  if (prefix < nTerms)
    return [terms[prefix] as string, terms[table.entries[o + 1] as number] as string].join(" ");
  return table.text(id, terms);
}

/**
 * Unigram and bigram ids in the order of their texts, without building the texts: every
 * character of a term sorts after the space that joins two terms, so "a b" < "ab" just as
 * ("a", "b") < ("ab"), and the texts' order is the order of (rank of first term, rank of
 * second term or none). Only the terms the ids hold are ranked (n-grams are made of common
 * terms only: a fraction of all terms), and two stable counting sorts over the ranks give
 * the order (second key, then first), reading the table's pairs in place: no text, array or
 * hash lookup per id. Null when that does not hold (trigrams, a term with white space or a
 * control character).
 */
function sortByTermRanks(
  ids: readonly number[],
  table: NgramTable,
  terms: readonly string[],
): number[] | null {
  const nTerms = table.nTerms;
  const n = ids.length;
  const e = table.entries;
  // each id's first and second term (-1: none), then the terms used
  const first = new Int32Array(n);
  const second = new Int32Array(n).fill(-1);
  const used = new Uint8Array(nTerms);
  for (let i = 0; i < n; i++) {
    const id = ids[i] as number;
    if (id < nTerms) {
      first[i] = id;
      used[id] = 1;
      continue;
    }
    const o = (id - nTerms) * STRIDE;
    const a = e[o] as number;
    if (a >= nTerms) return null;
    const b = e[o + 1] as number;
    first[i] = a;
    second[i] = b;
    used[a] = 1;
    used[b] = 1;
  }
  const byText: number[] = [];
  for (let t = 0; t < nTerms; t++) {
    if (used[t] === 0) continue;
    const x = terms[t] as string;
    for (let c = 0; c < x.length; c++) if (x.charCodeAt(c) <= 32) return null;
    byText.push(t);
  }
  byText.sort((a, b) => {
    const x = terms[a] as string;
    const y = terms[b] as string;
    return x < y ? -1 : x > y ? 1 : 0;
  });
  const rank = new Int32Array(nTerms);
  byText.forEach((t, r) => (rank[t] = r));
  for (let i = 0; i < n; i++) {
    first[i] = rank[first[i] as number] as number;
    const b = second[i] as number;
    // a unigram (0) sorts before its bigrams (the second term's rank + 1)
    second[i] = b < 0 ? 0 : (rank[b] as number) + 1;
  }
  const bySecond = countingOrder(second, byText.length + 1, null);
  const order = countingOrder(first, byText.length, bySecond);
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) out[i] = ids[order[i] as number] as number;
  return out;
}

/**
 * A stable counting sort: the places 0..n-1 (or those of `within`, in its order) ordered by
 * key (each in [0, range)).
 */
function countingOrder(key: Int32Array, range: number, within: Int32Array | null): Int32Array {
  const n = key.length;
  const at = new Int32Array(range + 1);
  for (let i = 0; i < n; i++) {
    const k = (key[i] as number) + 1;
    at[k] = (at[k] as number) + 1;
  }
  for (let k = 0; k < range; k++) at[k + 1] = (at[k + 1] as number) + (at[k] as number);
  const out = new Int32Array(n);
  for (let j = 0; j < n; j++) {
    const i = within ? (within[j] as number) : j;
    const k = key[i] as number;
    out[at[k] as number] = i;
    at[k] = (at[k] as number) + 1;
  }
  return out;
}

/**
 * What weighing rows needs of a model (sent to worker threads without the vocabulary). The
 * id rows reach it as entry keys (see `weighting`), and each key's column and idf sit side
 * by side: one read per matrix entry, and a hot one. Keys follow n-gram ids, which follow
 * first sight in the corpus, so frequent n-grams have small keys close together, while the
 * columns (in text order) scatter them over the whole vocabulary: at 1M papers an idf read
 * by column missed the caches at nearly every entry (3.8M columns, 30 MB).
 */
export interface Weighting {
  nCols: number;
  /** per entry key k: its column at 2k and its idf at 2k + 1 */
  colIdf: Float64Array;
  options: TfidfOptions;
}

/**
 * A model's weighting for id rows whose ids `colOf` maps to columns (-1: none), and each id's
 * entry key (-1: none): ids in the vocabulary numbered in id order. `shared`: colIdf in a
 * SharedArrayBuffer (sent to worker threads without a copy).
 */
export function weighting(
  model: TfidfModel,
  colOf: Int32Array,
  shared = false,
): { w: Weighting; keyOf: Int32Array } {
  const nCols = model.vocabulary.length;
  const bytes = 2 * nCols * Float64Array.BYTES_PER_ELEMENT;
  const colIdf = new Float64Array(shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes));
  const keyOf = new Int32Array(colOf.length);
  let k = 0;
  for (let id = 0; id < colOf.length; id++) {
    const col = colOf[id] as number;
    if (col < 0) {
      keyOf[id] = -1;
      continue;
    }
    colIdf[2 * k] = col;
    colIdf[2 * k + 1] = model.idf[col] as number;
    keyOf[id] = k++;
  }
  return { w: { nCols, colIdf, options: model.options }, keyOf };
}

export function fit(tokens: TokenDocs, options: Partial<TfidfOptions> = {}): TfidfModel {
  return fitTransform(tokens, options).model;
}

/**
 * Applies a fitted model to token documents (which may come from another analyzer run): the
 * vocabulary's n-grams are interned first, the documents counted as in fitting (only n-grams
 * of vocabulary words), and each vocabulary n-gram's id gives its column.
 */
export function transform(model: TfidfModel, tokens: TokenDocs): Csr {
  if (model.kind !== TFIDF_MODEL_KIND || model.version !== TFIDF_MODEL_VERSION) {
    throw new UserError(msg.badModel(String(model.kind), String(model.version)));
  }
  const idOf = termLookupOf(tokens);
  const nTerms = tokens.terms.length;
  const table = new NgramTable(nTerms, model.vocabulary.length);
  const inVocabulary = new Uint8Array(nTerms);
  const columns: [number, number][] = [];
  model.vocabulary.forEach((entry, col) => {
    let id = -1;
    for (const part of entry.split(" ")) {
      const t = idOf(part);
      if (t === undefined) return;
      inVocabulary[t] = 1;
      id = id < 0 ? t : table.intern(id, t);
    }
    columns.push([id, col]);
  });
  const { ngramRange } = model.options;
  const counts = countNgrams(tokens.docs, nTerms, ngramRange, inVocabulary, false, table);
  const colOf = new Int32Array(table.size).fill(-1);
  for (const [id, col] of columns) colOf[id] = col;
  return fromIdRows(model, counts.rows, colOf).matrix;
}

/** A TF-IDF matrix and, parallel to its data, each entry's raw count in its document. */
export interface Vectorized {
  matrix: Csr;
  /** raw n-gram counts, parallel to matrix.data (saturating at 65,535) */
  counts: Uint16Array;
}

/**
 * The fitted documents' matrix from their id rows (consumed: ids are overwritten by entry
 * keys): ids become columns (dropping those not in the vocabulary), and each row's entries
 * are put in column order.
 */
export function fromIdRows(model: TfidfModel, segments: IdRows[], colOf: Int32Array): Vectorized {
  const { w, keyOf } = weighting(model, colOf);
  const out = matrixArrays([idRowLengths(segments, keyOf)], false);
  fillIdRows(w, segments, out, 0);
  return vectorizedOf(out, w.nCols);
}

/** Filled matrix arrays as the matrix and its raw counts. */
export function vectorizedOf(out: MatrixArrays, nCols: number): Vectorized {
  const { indptr, indices, data, counts } = out;
  return { matrix: { nRows: indptr.length - 1, nCols, indptr, indices, data }, counts };
}

/** The arrays of a matrix and its raw counts. */
export interface MatrixArrays {
  indptr: Int32Array;
  indices: Int32Array;
  data: Float32Array;
  counts: Uint16Array;
}

/**
 * Step one of `fromIdRows`, for one chunk: its ids become entry keys in place (`keyOf`, see
 * `weighting`; -1: not in the vocabulary), and each row's number of entries is returned.
 * Several threads that have done this can write their rows straight into one matrix laid out
 * by `matrixArrays`.
 */
export function idRowLengths(segments: readonly IdRows[], keyOf: Int32Array): Int32Array {
  const nDocs = segments.reduce((n, g) => n + g.ptr.length - 1, 0);
  const rowLen = new Int32Array(nDocs);
  let d = 0;
  for (const g of segments) {
    const cols = g.ids;
    for (let r = 0; r + 1 < g.ptr.length; r++, d++) {
      let m = 0;
      for (let p = g.ptr[r] as number; p < (g.ptr[r + 1] as number); p++) {
        const key = keyOf[cols[p] as number] as number;
        cols[p] = key;
        if (key >= 0) m++;
      }
      rowLen[d] = m;
    }
  }
  return rowLen;
}

/**
 * A matrix's arrays for chunks of rows with these lengths, in order: indptr filled, the rest
 * to be filled by `fillIdRows`. `shared`: in SharedArrayBuffers, so that worker threads fill
 * their rows in place and the LSA's worker pool uses the matrix without a copy of its own
 * (without this, the chunks would be built apart and stacked: two copies of a gigabyte at 1M
 * papers).
 */
export function matrixArrays(
  rowLens: readonly Int32Array[],
  shared: boolean,
  room: MatrixRoom | null = null,
): MatrixArrays {
  const nRows = rowLens.reduce((n, l) => n + l.length, 0);
  const buffer = (bytes: number): ArrayBuffer | SharedArrayBuffer =>
    shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes);
  const indptr = new Int32Array(buffer((nRows + 1) * 4));
  let r = 0;
  for (const lens of rowLens) {
    for (let i = 0; i < lens.length; i++, r++) {
      indptr[r + 1] = (indptr[r] as number) + (lens[i] as number);
    }
  }
  const nnz = indptr[nRows] as number;
  if (room && nnz <= room.indices.length) {
    return {
      indptr,
      indices: room.indices.subarray(0, nnz),
      data: room.data.subarray(0, nnz),
      counts: room.counts.subarray(0, nnz),
    };
  }
  return {
    indptr,
    indices: new Int32Array(buffer(nnz * 4)),
    data: new Float32Array(buffer(nnz * 4)),
    counts: new Uint16Array(buffer(nnz * 2)),
  };
}

/**
 * Shared arrays with room for `capacity` matrix entries, for `matrixArrays` to lay a matrix
 * out in. Memory the system hands out is faulted in on its first write, one page at a time,
 * and on the benchmark machines that is slow (about 3.5 ms a megabyte: at 1M papers the
 * matrix's 1.4 GB cost seconds of the fill). A room made early can be faulted in by a thread
 * that would otherwise wait (see `touchRoom`); the pages it never writes cost nothing, so the
 * room may be larger than the matrix.
 */
export interface MatrixRoom {
  indices: Int32Array;
  data: Float32Array;
  counts: Uint16Array;
}

export function matrixRoom(capacity: number): MatrixRoom {
  return {
    indices: new Int32Array(new SharedArrayBuffer(capacity * 4)),
    data: new Float32Array(new SharedArrayBuffer(capacity * 4)),
    counts: new Uint16Array(new SharedArrayBuffer(capacity * 2)),
  };
}

/**
 * Faults in the room's memory for entries [from, to) by writing a zero (what it holds) into
 * each page of each array; returns where it stopped (`to`, or the room's end). Only while no
 * thread writes the matrix.
 */
export function touchRoom(room: MatrixRoom, from: number, to: number): number {
  const { indices, data, counts } = room;
  const end = Math.min(to, indices.length);
  // 4 kB pages: 1024 entries of the 4-byte arrays, 2048 of the counts
  for (let i = from; i < end; i += 1024) {
    indices[i] = 0;
    data[i] = 0;
  }
  for (let i = from; i < end; i += 2048) counts[i] = 0;
  return end;
}

/** How many ids id rows hold: the most matrix entries they can make. */
export function idCount(segments: readonly IdRows[]): number {
  let n = 0;
  for (const g of segments) n += g.ptr[g.ptr.length - 1] as number;
  return n;
}

/**
 * How many matrix entries the ids whose document frequency is within [minCount, maxCount]
 * make: each is in as many rows as its document frequency. Over every id, with no
 * max_features cut, that is the fitted matrix's number of entries.
 */
export function entriesWithin(df: ArrayLike<number>, minCount: number, maxCount: number): number {
  let n = 0;
  for (let i = 0; i < df.length; i++) {
    const f = df[i] as number;
    if (f >= minCount && f <= maxCount) n += f;
  }
  return n;
}

/**
 * Step two of `fromIdRows`: a chunk's rows (their ids made entry keys by `idRowLengths`)
 * written as rows `rowFrom`.. of `out`, each sorted by column, and weighted: tf (or 1 + ln tf)
 * times idf, then the row norm. Each row is sorted on its own (column and place in the row
 * packed in one integer, sorted natively; the place finds the entry's count and idf): as fast
 * here as a counting sort through all the columns, and it needs no scratch arrays as large
 * as the matrix, which would stand beside the matrix and the id rows at the text stage's
 * peak. The id rows are consumed: each segment's arrays are released (emptied) once its
 * rows are written.
 */
export function fillIdRows(
  model: Weighting,
  segments: IdRows[],
  out: MatrixArrays,
  rowFrom: number,
): void {
  const { indptr, indices, counts, data } = out;
  const { colIdf } = model;
  const o = model.options;
  const sublinear = o.sublinearTf;
  const l1 = o.norm === "l1";
  const rowTo = rowFrom + segments.reduce((n, g) => n + g.ptr.length - 1, 0);
  let longest = 0;
  for (let r = rowFrom; r < rowTo; r++)
    longest = Math.max(longest, (indptr[r + 1] as number) - (indptr[r] as number));
  // a power of two above every place in a row; column × place + place in 32 bits when it
  // fits (a third faster to sort here), else in a double (exact: columns < 2^31, places < 2^21)
  let place = 1;
  while (place < longest) place *= 2;
  const keys =
    model.nCols * place <= 2 ** 32 ? new Uint32Array(longest) : new Float64Array(longest);
  const rowCount = new Uint16Array(longest);
  const rowIdf = new Float64Array(longest);
  const w64 = new Float64Array(longest);
  let d = rowFrom;
  for (const g of segments) {
    const ks = g.ids;
    for (let r = 0; r + 1 < g.ptr.length; r++, d++) {
      let m = 0;
      for (let p = g.ptr[r] as number; p < (g.ptr[r + 1] as number); p++) {
        const k = ks[p] as number;
        if (k < 0) continue;
        keys[m] = (colIdf[2 * k] as number) * place + m;
        rowCount[m] = g.counts[p] as number;
        rowIdf[m] = colIdf[2 * k + 1] as number;
        m++;
      }
      const sorted = keys.subarray(0, m).sort();
      const a = indptr[d] as number;
      let norm = 0;
      for (let j = 0; j < m; j++) {
        const key = sorted[j] as number;
        const col = Math.floor(key / place);
        const at = key - col * place;
        const c = rowCount[at] as number;
        indices[a + j] = col;
        counts[a + j] = c;
        const w = (sublinear ? 1 + Math.log(c) : c) * (rowIdf[at] as number);
        w64[j] = w;
        norm += l1 ? Math.abs(w) : w * w;
      }
      const div = o.norm !== "none" && norm > 0 ? (o.norm === "l2" ? Math.sqrt(norm) : norm) : 1;
      for (let j = 0; j < m; j++) data[a + j] = (w64[j] as number) / div;
    }
    // written: its memory goes now, while the matrix fills (see release)
    release([g.ptr, g.ids, g.counts]);
  }
  segments.length = 0;
}
