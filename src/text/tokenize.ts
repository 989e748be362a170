import tokenizers from "natural/lib/natural/tokenizers/regexp_tokenizer.js";
import type { Paper } from "../ingest/types.js";
import { porterStem } from "./porter.js";
import { TokenTable } from "./scan.js";
import { buildStopwords } from "./stopwords.js";

/**
 * The text stage: papers → token documents. Lower case, natural's regexp tokenizer with a
 * pattern that keeps hyphenated terms whole ("self-play"), English stopwords plus a domain
 * list, numbers dropped, Porter stemming (natural's stemmer, as src/text/porter.ts runs it;
 * memoised per surface form). Sentences and fields are separated by a boundary so that phrases
 * never span them.
 */

export const TEXT_FIELDS = ["title", "abstract", "keywords"] as const;
export type TextField = (typeof TEXT_FIELDS)[number];

export interface TextOptions {
  fields: TextField[];
  stem: boolean;
  /** natural's English stopwords plus the domain list */
  domainStopwords: boolean;
  extraStopwords: string[];
  minLength: number;
}

export const TEXT_DEFAULTS: TextOptions = {
  fields: ["title", "abstract"],
  stem: true,
  domainStopwords: true,
  extraStopwords: [],
  minLength: 2,
};

/** Term ids per document; BOUNDARY separates sentences and fields. */
export const BOUNDARY = -1;

export interface TokenDocs {
  /** term (stem) strings, by id */
  terms: string[];
  /** the most frequent surface form of each term, for labels */
  display: string[];
  docs: Int32Array[];
  /**
   * A term's id, when the analyzer's index of them is at hand (else found through `terms`):
   * it saves building another index of every term (about 0.1 s at 143k papers)
   */
  idOf?: (term: string) => number | undefined;
}

/** A word, as natural's tokenizer is given it: letters and digits, joined by - ' ’ inside. */
export const WORD = /[\p{L}\p{N}]+(?:[-'’][\p{L}\p{N}]+)*/gu;
const SENTENCE_END = /[.!?;:](?:\s|$)|\n\s*\n/;
const HAS_LETTER = /\p{L}/u;
const DROPPED = -2;

/** Lower case, possessive "'s" and other apostrophes removed. */
function clean(word: string): string {
  const w = word.toLowerCase();
  if (w.indexOf("'") < 0 && w.indexOf("’") < 0) return w;
  return w.replace(/['’]s$/, "").replace(/['’]/g, "");
}

/**
 * A tokenizer with its own memo and vocabulary; one per run (or per model), never shared
 * through module state.
 */
export class Analyzer {
  readonly options: TextOptions;
  private readonly stop: Set<string>;
  private readonly words: InstanceType<typeof tokenizers.RegexpTokenizer>;
  private readonly surfaceId = new Map<string, number>();
  private readonly surfaceTerm: number[] = [];
  private readonly surfaceCount: number[] = [];
  private readonly surfaces: string[] = [];
  private readonly termId = new Map<string, number>();
  readonly terms: string[] = [];
  private readonly raw = new TokenTable();
  /** per raw token: its surface id (its term and tally are its label and tally in `raw`) */
  private readonly rawSurface: number[] = [];

  constructor(options: Partial<TextOptions> = {}) {
    this.options = { ...TEXT_DEFAULTS, ...options };
    this.stop = buildStopwords(this.options.extraStopwords, this.options.domainStopwords);
    this.words = new tokenizers.RegexpTokenizer({ pattern: WORD, gaps: false });
  }

  /** The term a surface word maps to (stem), or null when it is dropped. */
  normalise(word: string): string | null {
    let w = clean(word);
    if (w.length < this.options.minLength || !HAS_LETTER.test(w) || this.stop.has(w)) return null;
    if (!this.options.stem) return w;
    const dash = w.lastIndexOf("-");
    if (dash > 0) {
      const head = w.slice(0, dash + 1);
      const tail = w.slice(dash + 1);
      w = HAS_LETTER.test(tail) ? head + porterStem(tail) : w;
    } else w = porterStem(w);
    return w.length >= this.options.minLength ? w : null;
  }

  /** The surface id of a cleaned word, registering it (and its term) when new. */
  private surface(cleaned: string): number {
    let sid = this.surfaceId.get(cleaned);
    if (sid === undefined) {
      sid = this.surfaces.length;
      this.surfaceId.set(cleaned, sid);
      this.surfaces.push(cleaned);
      const t = this.normalise(cleaned);
      let tid = DROPPED;
      if (t !== null) {
        tid = this.termId.get(t) ?? -3;
        if (tid === -3) {
          tid = this.terms.length;
          this.termId.set(t, tid);
          this.terms.push(t);
        }
      }
      this.surfaceTerm.push(tid);
      this.surfaceCount.push(0);
    }
    return sid;
  }

  /**
   * Registers the raw tokens (words as they appear in the text) interned since the last call:
   * each is cleaned, stemmed and given its surface, and its term id becomes its label in the
   * token table. Afterwards a raw token costs the table's lookup only; counts per raw token
   * (the table's tallies) are folded into surface counts when display forms are asked for.
   */
  private registerRaw(): void {
    for (let rid = this.rawSurface.length; rid < this.raw.size; rid++) {
      const sid = this.surface(clean(this.raw.words[rid] as string));
      this.rawSurface.push(sid);
      this.raw.setLabel(rid, this.surfaceTerm[sid] as number);
    }
  }

  /** Folds raw-token counts into surface counts (idempotent). */
  private foldCounts(): void {
    for (let rid = 0; rid < this.rawSurface.length; rid++) {
      const c = this.raw.tallyOf(rid);
      if (c === 0) continue;
      const sid = this.rawSurface[rid] as number;
      this.surfaceCount[sid] = (this.surfaceCount[sid] as number) + c;
      this.raw.addTally(rid, -c);
    }
  }

  /** Surface forms seen, each with its term id (< 0: dropped) and count. */
  surfaceStats(): { surfaces: string[]; terms: number[]; counts: number[] } {
    this.foldCounts();
    return { surfaces: this.surfaces, terms: this.surfaceTerm, counts: this.surfaceCount };
  }

  /**
   * Scans a text and gathers its term ids, with boundaries between sentences, after the ids
   * the token table has gathered (the hot path: the scan, the lookups and the mapping to
   * terms run in WebAssembly; only new words come back here). Returns how many are gathered.
   */
  private gatherText(text: string): number {
    const k = this.raw.scan(text);
    this.registerRaw();
    return this.raw.gather(k, BOUNDARY);
  }

  /** Term ids of a text, with boundaries between sentences. */
  analyze(text: string, out: number[] = []): number[] {
    const from = this.raw.gathered;
    const to = this.gatherText(text);
    for (const t of this.raw.gatheredIds(from, to)) out.push(t);
    this.raw.truncate(from);
    return out;
  }

  /**
   * `analyze` by natural's RegexpTokenizer, sentence by sentence: the reference the scanner
   * is tested against (same ids, same counts).
   */
  analyzeWithNatural(text: string, out: number[] = []): number[] {
    for (const sentence of text.split(SENTENCE_END)) {
      const before = out.length;
      for (const w of this.words.tokenize(sentence) ?? []) {
        const rid = this.raw.internWord(w);
        this.registerRaw();
        this.raw.addTally(rid, 1);
        const t = this.raw.labelOf(rid);
        if (t >= 0) out.push(t);
      }
      if (out.length > before) out.push(BOUNDARY);
    }
    return out;
  }

  /** Term ids of one document's texts (its fields), texts[from] .. texts[to - 1]. */
  analyzeFields(texts: readonly string[], from: number, to: number, out: number[] = []): number[] {
    for (let t = from; t < to; t++) this.analyze(texts[t] as string, out);
    if (out[out.length - 1] === BOUNDARY) out.pop();
    return out;
  }

  /**
   * Gathers one document's term ids (see `gatherText`), texts[from] .. texts[to - 1], with no
   * boundary at its end; returns how many ids are gathered (this document's and those
   * before it). `gathered` gives them, `dropGathered` lets them go.
   */
  gatherFields(texts: readonly string[], from: number, to: number): number {
    const start = this.raw.gathered;
    let n = start;
    for (let t = from; t < to; t++) n = this.gatherText(texts[t] as string);
    if (n > start && this.raw.gatheredIds(n - 1, n)[0] === BOUNDARY) this.raw.truncate(--n);
    return n;
  }

  /** The gathered ids (a view, valid until the next text is analysed). */
  gathered(): Int32Array {
    return this.raw.gatheredIds();
  }

  dropGathered(): void {
    this.raw.truncate(0);
  }

  /** Term ids of a paper's configured fields. */
  analyzePaper(p: Paper): Int32Array {
    const texts = paperTexts(p, this.options.fields);
    return Int32Array.from(this.analyzeFields(texts, 0, texts.length));
  }

  /**
   * Takes in another analyzer's surfaces (from a worker thread): each surface's term becomes
   * one of this analyzer's, and its count is added. Returns the other side's term id → ours.
   */
  absorb(
    terms: readonly string[],
    stats: { surfaces: string[]; terms: number[]; counts: number[] },
  ): Int32Array {
    this.foldCounts();
    const map = new Int32Array(terms.length);
    terms.forEach((t, i) => {
      let tid = this.termId.get(t);
      if (tid === undefined) {
        tid = this.terms.length;
        this.termId.set(t, tid);
        this.terms.push(t);
      }
      map[i] = tid;
    });
    stats.surfaces.forEach((surface, i) => {
      const theirs = stats.terms[i] as number;
      let sid = this.surfaceId.get(surface);
      if (sid === undefined) {
        sid = this.surfaces.length;
        this.surfaceId.set(surface, sid);
        this.surfaces.push(surface);
        this.surfaceTerm.push(theirs < 0 ? DROPPED : (map[theirs] as number));
        this.surfaceCount.push(0);
      }
      this.surfaceCount[sid] = (this.surfaceCount[sid] as number) + (stats.counts[i] as number);
    });
    return map;
  }

  /**
   * A term's id, if seen, through a function that holds only the index of terms (not the
   * analyzer, whose surface forms and word tables are far larger): for TokenDocs, which live
   * through the run.
   */
  termLookup(): (term: string) => number | undefined {
    const index = this.termId;
    return (t) => index.get(t);
  }

  /** Most frequent surface form of each term (ties: alphabetical). */
  displayForms(): string[] {
    this.foldCounts();
    const best: string[] = [...this.terms];
    const bestCount: number[] = new Array<number>(this.terms.length).fill(-1);
    for (let sid = 0; sid < this.surfaces.length; sid++) {
      const tid = this.surfaceTerm[sid] as number;
      if (tid < 0) continue;
      const c = this.surfaceCount[sid] as number;
      const s = this.surfaces[sid] as string;
      const bc = bestCount[tid] as number;
      if (c > bc || (c === bc && s < (best[tid] as string))) {
        best[tid] = s;
        bestCount[tid] = c;
      }
    }
    return best;
  }
}

/** A paper's texts for the configured fields, in order (keywords: one text each). */
export function paperTexts(p: Paper, fields: readonly TextField[]): string[] {
  const texts: string[] = [];
  for (const f of fields) {
    if (f === "keywords") texts.push(...(p.keywords ?? []));
    else texts.push(p[f]);
  }
  return texts;
}

export function tokenizeCorpus(
  papers: readonly Paper[],
  options: Partial<TextOptions> = {},
): TokenDocs {
  const a = new Analyzer(options);
  const { ids, ptr } = analyzeChunk(a, chunkTexts(papers, a.options));
  return {
    terms: a.terms,
    display: a.displayForms(),
    docs: docsOf(ids, ptr),
    idOf: a.termLookup(),
  };
}

/** A term's id in token documents: through the analyzer's index when they carry it. */
export function termLookupOf(tokens: TokenDocs): (term: string) => number | undefined {
  if (tokens.idOf) return tokens.idOf;
  const ids = new Map<string, number>();
  tokens.terms.forEach((t, i) => ids.set(t, i));
  return (t) => ids.get(t);
}

/**
 * Vocabulary entries (stems, and n-grams of them) shown by each stem's most frequent surface
 * form; a stem the documents never had is shown as it is.
 */
export function displayOf(tokens: TokenDocs): (entry: string) => string {
  const idOf = termLookupOf(tokens);
  const form = (s: string): string => {
    const id = idOf(s);
    return id === undefined ? s : (tokens.display[id] ?? s);
  };
  return (entry) => entry.split(" ").map(form).join(" ");
}

/** What a chunk's texts travel as: strings, and where each paper's fields start. */
export interface TextChunk {
  texts: string[];
  /** paper i's fields are texts[start[i]] .. texts[start[i + 1] - 1] */
  start: Int32Array;
}

export function chunkTexts(papers: readonly Paper[], options: TextOptions): TextChunk {
  const texts: string[] = [];
  const start = new Int32Array(papers.length + 1);
  papers.forEach((p, i) => {
    texts.push(...paperTexts(p, options.fields));
    start[i + 1] = texts.length;
  });
  return { texts, start };
}

/** Ids gathered in the token table's memory before they are copied out (see analyzeInto). */
const FLUSH_IDS = 1 << 16;

/** Documents' term ids being gathered: document i is ids[ptr[i] .. ptr[i + 1]), i < n. */
interface DocIds {
  ids: Int32Array;
  ptr: Int32Array;
  /** documents so far */
  n: number;
  /** ids so far */
  at: number;
}

function newDocIds(): DocIds {
  return { ids: new Int32Array(1 << 16), ptr: new Int32Array(1 << 10), n: 0, at: 0 };
}

/** A typed array with room for `need` entries (grown by half, not doubled: it can be large). */
function room<T extends Int32Array>(a: T, need: number, make: (n: number) => T): T {
  if (need <= a.length) return a;
  const grown = make(Math.max(Math.ceil(a.length * 1.5), need));
  grown.set(a);
  return grown;
}

/**
 * Analyses a chunk's papers and appends their documents to `acc` (which may be replaced when
 * it grows).
 */
function analyzeInto(a: Analyzer, chunk: TextChunk, acc: DocIds): DocIds {
  const n = chunk.start.length - 1;
  let { ids, ptr, at } = acc;
  ptr = room(ptr, acc.n + n + 1, (m) => new Int32Array(m));
  const flush = (): void => {
    const g = a.gathered();
    ids = room(ids, at + g.length, (m) => new Int32Array(m));
    ids.set(g, at);
    at += g.length;
    a.dropGathered();
  };
  for (let i = 0; i < n; i++) {
    const gathered = a.gatherFields(
      chunk.texts,
      chunk.start[i] as number,
      chunk.start[i + 1] as number,
    );
    ptr[acc.n + i + 1] = at + gathered;
    if (gathered >= FLUSH_IDS) flush();
  }
  flush();
  return { ids, ptr, n: acc.n + n, at };
}

/** Analyses a chunk (in a worker, or on the main thread with the main analyzer). */
export function analyzeChunk(a: Analyzer, chunk: TextChunk): { ids: Int32Array; ptr: Int32Array } {
  const { ids, ptr, n, at } = analyzeInto(a, chunk, newDocIds());
  return { ids: ids.slice(0, at), ptr: ptr.slice(0, n + 1) };
}

/** Documents as views of one buffer of term ids (document i: ids[ptr[i] .. ptr[i + 1])). */
export function docsOf(ids: Int32Array, ptr: Int32Array, out: Int32Array[] = []): Int32Array[] {
  for (let i = 0; i + 1 < ptr.length; i++)
    out.push(ids.subarray(ptr[i] as number, ptr[i + 1] as number));
  return out;
}
