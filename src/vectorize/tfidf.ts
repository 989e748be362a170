import { msg } from "../messages.js";
import { BOUNDARY, type TokenDocs } from "../text/tokenize.js";
import { UserError } from "../util/errors.js";
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

/** Numeric n-gram keys: digits (term id + 1) in base `base`; unique across n-gram lengths. */
function ngramKeys(
  doc: Int32Array,
  lo: number,
  hi: number,
  base: number,
  visit: (key: number) => void,
): void {
  const n = doc.length;
  for (let i = 0; i < n; i++) {
    let key = 0;
    for (let len = 1; len <= hi && i + len <= n; len++) {
      const t = doc[i + len - 1] as number;
      if (t === BOUNDARY) break;
      key = key * base + (t + 1);
      if (len >= lo) visit(key);
    }
  }
}

function keyToString(key: number, base: number, terms: readonly string[]): string {
  const parts: string[] = [];
  let k = key;
  while (k > 0) {
    const d = k % base;
    parts.push(terms[d - 1] as string);
    k = (k - d) / base;
  }
  return parts.reverse().join(" ");
}

function baseFor(nTerms: number, hi: number): number {
  const base = nTerms + 1;
  if (Math.pow(base, hi) >= Number.MAX_SAFE_INTEGER) {
    throw new UserError(
      msg.badTfidfOption("ngramRange", `[.., ${hi}]`, `at most 2 with ${nTerms} distinct terms`),
    );
  }
  return base;
}

export interface Fitted {
  model: TfidfModel;
  matrix: Csr;
}

/** Fits the vocabulary and idf, and returns the model with the fitted documents' matrix. */
export function fitTransform(tokens: TokenDocs, options: Partial<TfidfOptions> = {}): Fitted {
  const o: TfidfOptions = { ...TFIDF_DEFAULTS, ...options };
  checkOptions(o);
  const nDocs = tokens.docs.length;
  if (nDocs === 0) throw new UserError(msg.emptyCorpus());
  const [lo, hi] = o.ngramRange;
  const base = baseFor(tokens.terms.length, hi);

  // one pass: document frequency and total count of every n-gram
  const slot = new Map<number, number>();
  let keys: number[] = [];
  let df = new Int32Array(1024);
  let tf = new Float64Array(1024);
  let last = new Int32Array(1024);
  tokens.docs.forEach((doc, d) => {
    ngramKeys(doc, lo, hi, base, (key) => {
      let s = slot.get(key);
      if (s === undefined) {
        s = keys.length;
        slot.set(key, s);
        keys.push(key);
        if (s >= df.length) {
          const grow = <T extends Int32Array | Float64Array>(a: T): T => {
            const b = new (a.constructor as new (n: number) => T)(a.length * 2);
            b.set(a);
            return b;
          };
          df = grow(df);
          tf = grow(tf);
          last = grow(last);
        }
        last[s] = -1;
      }
      tf[s] = (tf[s] as number) + 1;
      if (last[s] !== d) {
        last[s] = d;
        df[s] = (df[s] as number) + 1;
      }
    });
  });

  const maxCount = o.maxDf <= 1 ? o.maxDf * nDocs : o.maxDf;
  const minCount = o.minDf < 1 ? o.minDf * nDocs : o.minDf;
  if (maxCount < minCount) throw new UserError(msg.maxDfBelowMinDf());
  let kept: number[] = [];
  for (let s = 0; s < keys.length; s++) {
    const f = df[s] as number;
    if (f >= minCount && f <= maxCount) kept.push(s);
  }
  const strings = new Map<number, string>();
  const str = (s: number): string => {
    let v = strings.get(s);
    if (v === undefined) {
      v = keyToString(keys[s] as number, base, tokens.terms);
      strings.set(s, v);
    }
    return v;
  };
  const byString = (a: number, b: number): number => {
    const x = str(a);
    const y = str(b);
    return x < y ? -1 : x > y ? 1 : 0;
  };
  if (o.maxFeatures !== null && kept.length > o.maxFeatures) {
    kept.sort(byString);
    // most frequent first; ties keep vocabulary order (a stable sort)
    kept = kept
      .map((s, i) => [s, i] as const)
      .sort((a, b) => (tf[b[0]] as number) - (tf[a[0]] as number) || a[1] - b[1])
      .slice(0, o.maxFeatures)
      .map(([s]) => s);
  }
  if (kept.length === 0) throw new UserError(msg.noTermsRemain(nDocs, o.minDf, o.maxDf));
  kept.sort(byString);

  const vocabulary = kept.map(str);
  const dfs = kept.map((s) => df[s] as number);
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

  const keyToCol = new Map<number, number>();
  kept.forEach((s, col) => keyToCol.set(keys[s] as number, col));
  keys = [];
  slot.clear();
  return { model, matrix: vectorize(model, tokens, keyToCol, base) };
}

export function fit(tokens: TokenDocs, options: Partial<TfidfOptions> = {}): TfidfModel {
  return fitTransform(tokens, options).model;
}

/** Applies a fitted model to token documents (which may come from another analyzer run). */
export function transform(model: TfidfModel, tokens: TokenDocs): Csr {
  if (model.kind !== TFIDF_MODEL_KIND || model.version !== TFIDF_MODEL_VERSION) {
    throw new UserError(msg.badModel(String(model.kind), String(model.version)));
  }
  const hi = model.options.ngramRange[1];
  const base = baseFor(tokens.terms.length, hi);
  const termIndex = new Map<string, number>();
  tokens.terms.forEach((t, i) => termIndex.set(t, i));
  const keyToCol = new Map<number, number>();
  model.vocabulary.forEach((entry, col) => {
    let key = 0;
    for (const part of entry.split(" ")) {
      const id = termIndex.get(part);
      if (id === undefined) return;
      key = key * base + (id + 1);
    }
    keyToCol.set(key, col);
  });
  return vectorize(model, tokens, keyToCol, base);
}

function vectorize(
  model: TfidfModel,
  tokens: TokenDocs,
  keyToCol: Map<number, number>,
  base: number,
): Csr {
  const o = model.options;
  const [lo, hi] = o.ngramRange;
  const nCols = model.vocabulary.length;
  const counts = new Float64Array(nCols);
  const touched: number[] = [];
  const indptr = new Int32Array(tokens.docs.length + 1);
  let indices = new Int32Array(Math.max(16, tokens.docs.length * 32));
  let data = new Float64Array(indices.length);
  let nnz = 0;
  tokens.docs.forEach((doc, d) => {
    ngramKeys(doc, lo, hi, base, (key) => {
      const col = keyToCol.get(key);
      if (col === undefined) return;
      if (counts[col] === 0) touched.push(col);
      counts[col] = (counts[col] as number) + 1;
    });
    touched.sort((a, b) => a - b);
    if (nnz + touched.length > indices.length) {
      const size = Math.max(indices.length * 2, nnz + touched.length);
      const ni = new Int32Array(size);
      ni.set(indices.subarray(0, nnz));
      const nd = new Float64Array(size);
      nd.set(data.subarray(0, nnz));
      indices = ni;
      data = nd;
    }
    let norm = 0;
    const start = nnz;
    for (const col of touched) {
      const c = counts[col] as number;
      counts[col] = 0;
      const w = (o.sublinearTf ? 1 + Math.log(c) : c) * (model.idf[col] as number);
      indices[nnz] = col;
      data[nnz] = w;
      nnz++;
      norm += o.norm === "l1" ? Math.abs(w) : w * w;
    }
    touched.length = 0;
    if (o.norm !== "none" && norm > 0) {
      const div = o.norm === "l2" ? Math.sqrt(norm) : norm;
      for (let p = start; p < nnz; p++) data[p] = (data[p] as number) / div;
    }
    indptr[d + 1] = nnz;
  });
  return {
    nRows: tokens.docs.length,
    nCols,
    indptr,
    indices: indices.slice(0, nnz),
    data: data.slice(0, nnz),
  };
}
