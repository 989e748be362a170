import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { BOUNDARY, type TokenDocs } from "../../src/text/tokenize.js";
import { createRng } from "../../src/util/rng.js";
import {
  commonTerms,
  countNgrams,
  countsMessage,
  dfBounds,
  entriesWithin,
  fillIdRows,
  fit,
  fitTransform,
  fitVocabulary,
  fromIdRows,
  idCount,
  idRowLengths,
  matrixArrays,
  matrixRoom,
  mergeCounts,
  TFIDF_DEFAULTS,
  touchRoom,
  transform,
  UnigramCounter,
  unigramCounts,
  vectorizedOf,
  weighting,
  type TfidfOptions,
} from "../../src/vectorize/tfidf.js";
import { FIX } from "../helpers.js";

/** Token docs from space-joined token strings (no boundaries), as the fixture holds them. */
function docsFrom(strings: string[]): TokenDocs {
  const ids = new Map<string, number>();
  const terms: string[] = [];
  const docs = strings.map((s) =>
    Int32Array.from(
      s
        .split(" ")
        .filter(Boolean)
        .map((t) => {
          let id = ids.get(t);
          if (id === undefined) {
            id = terms.length;
            ids.set(t, id);
            terms.push(t);
          }
          return id;
        }),
    ),
  );
  return { terms, display: terms, docs };
}

/** Every kind of n-gram range: unigrams alone, with longer n-grams, and without unigrams. */
const NGRAM_RANGES: [number, number][] = [
  [1, 1],
  [1, 2],
  [1, 3],
  [2, 3],
  [3, 3],
];

const dir = join(FIX, "tfidf");
const tokens = JSON.parse(readFileSync(join(dir, "tokens.json"), "utf8")) as string[];
const sk = JSON.parse(readFileSync(join(dir, "sklearn-weights.json"), "utf8")) as {
  configs: Record<
    string,
    {
      options: Record<string, unknown>;
      vocabulary: string[];
      idf: number[];
      rows: Record<string, number>[];
    }
  >;
};

function optionsOf(o: Record<string, unknown>): Partial<TfidfOptions> {
  return {
    ngramRange: o.ngram_range as [number, number],
    minDf: o.min_df as number,
    maxDf: o.max_df as number,
    maxFeatures: (o.max_features as number | undefined) ?? null,
    sublinearTf: o.sublinear_tf as boolean,
    smoothIdf: o.smooth_idf as boolean,
    norm: o.norm as TfidfOptions["norm"],
  };
}

describe("TF-IDF parity with scikit-learn's TfidfVectorizer (fixture made once by scikit-learn)", () => {
  for (const [name, c] of Object.entries(sk.configs)) {
    it(`${name}: same vocabulary, idf and weights to 1e-6`, () => {
      const { model, matrix } = fitTransform(docsFrom(tokens), optionsOf(c.options));
      expect(model.vocabulary).toEqual(c.vocabulary);
      model.idf.forEach((v, i) => expect(Math.abs(v - (c.idf[i] as number))).toBeLessThan(1e-6));
      expect(matrix.nRows).toBe(c.rows.length);
      let compared = 0;
      for (let r = 0; r < matrix.nRows; r++) {
        const ours: Record<string, number> = {};
        for (let p = matrix.indptr[r] as number; p < (matrix.indptr[r + 1] as number); p++) {
          ours[model.vocabulary[matrix.indices[p] as number] as string] = matrix.data[p] as number;
          // columns strictly increasing within a row (what the sparse kernels rely on)
          if (p > (matrix.indptr[r] as number)) {
            expect(matrix.indices[p] as number).toBeGreaterThan(matrix.indices[p - 1] as number);
          }
        }
        const theirs = c.rows[r] as Record<string, number>;
        expect(Object.keys(ours).sort()).toEqual(Object.keys(theirs).sort());
        for (const [term, w] of Object.entries(theirs)) {
          expect(Math.abs((ours[term] as number) - w)).toBeLessThan(1e-6);
          compared++;
        }
      }
      expect(compared).toBeGreaterThan(1000);
    });
  }
});

describe("TF-IDF model", () => {
  const docs = docsFrom([
    "self-plai fine-tune",
    "self-plai reward model",
    "reward model prefer",
    "contrast learn",
    "contrast learn augment",
  ]);

  it("is plain JSON that round-trips and transforms new documents the same way", () => {
    const { model, matrix } = fitTransform(docs, { minDf: 1, maxDf: 1.0 });
    const reloaded = JSON.parse(JSON.stringify(model));
    expect(reloaded).toEqual(model);
    expect(model).toMatchObject({ kind: "papertrends.tfidf", version: 1, nDocs: 5 });
    const again = transform(reloaded, docs);
    expect(Array.from(again.data)).toEqual(Array.from(matrix.data));
    // another analyzer run with other term ids and an unknown term
    const next = docsFrom(["unknown reward model", "self-plai"]);
    const m = transform(model, next);
    const row0 = Array.from(m.indices.subarray(m.indptr[0], m.indptr[1])).map(
      (c) => model.vocabulary[c],
    );
    expect(row0).toEqual(["model", "reward", "reward model"]);
  });

  it("never forms n-grams across a boundary", () => {
    const d: TokenDocs = {
      terms: ["a", "b"],
      display: ["a", "b"],
      docs: [Int32Array.from([0, -1, 1]), Int32Array.from([0, 1])],
    };
    expect(fit(d, { minDf: 1, maxDf: 1.0 }).vocabulary).toEqual(["a", "a b", "b"]);
    expect(
      fit({ ...d, docs: [Int32Array.from([0, -1, 1])] }, { minDf: 1, maxDf: 1.0 }).vocabulary,
    ).toEqual(["a", "b"]);
  });

  it("sorts the vocabulary by text when the order comes from term ranks (prefixes, hyphens, non-ASCII)", () => {
    const words = ["ab", "a", "a-b", "b", "aa", "é", "z", "a1", "ab-c", "ä"];
    const docs: Int32Array[] = [];
    // every pair of words next to each other somewhere, so every bigram reaches minDf 1
    for (let i = 0; i < words.length; i++)
      docs.push(Int32Array.from(words.flatMap((_, j) => [i, j, -1])));
    const d: TokenDocs = { terms: words, display: words, docs };
    for (const ngramRange of [
      [1, 2],
      [2, 2],
      [1, 3],
    ] as [number, number][]) {
      const v = fit(d, { minDf: 1, maxDf: 1.0, ngramRange }).vocabulary;
      expect(v.length).toBeGreaterThan(words.length);
      expect(v).toEqual([...v].sort());
    }
  });

  it("sorts by text when only some terms are ranked, and when a term holds a space or a control character", () => {
    // rare words (one document) are left out of n-grams and of the ranking; a kept word with
    // a space or a tab in it ("a b") sorts before a bigram of its first part ("a é"), which
    // ranks of whole words would put after it
    for (const odd of ["a b", "a\tb", "ab"]) {
      const words = ["a", "rare1", "é", "b", odd, "rare2", "a-b"];
      const common = [0, 2, 3, 4, 6];
      const docs: Int32Array[] = [];
      // every rotation of the common words: each pair next to each other in most documents
      for (let i = 0; i < common.length; i++) {
        const row = common.map((_, j) => common[(i + j) % common.length] as number);
        docs.push(Int32Array.from(i === 0 ? [...row, 1] : i === 1 ? [5, ...row] : row));
      }
      const d: TokenDocs = { terms: words, display: words, docs };
      const v = fit(d, { minDf: 2, maxDf: 1.0, ngramRange: [1, 2] }).vocabulary;
      expect(v).toContain("a é");
      expect(v).toContain(odd);
      expect(v).not.toContain("rare1");
      expect(v).toEqual([...v].sort());
    }
  });

  it("explains bad options and over-pruning", () => {
    expect(() => fit(docs, { ngramRange: [2, 1] })).toThrow(
      "invalid vectorize.ngramRange: [2,1] (expected [min, max] with 1 ≤ min ≤ max ≤ 3)",
    );
    expect(() => fit(docs, { minDf: 2.5 })).toThrow(/invalid vectorize.minDf: 2.5/);
    expect(() => fit(docs, { minDf: 3, maxDf: 1.0 })).toThrow(
      "no terms remain after pruning (5 papers, minDf 3, maxDf 1); lower vectorize.minDf or raise vectorize.maxDf",
    );
    expect(() => fit(docs, { minDf: 4, maxDf: 0.5 })).toThrow(
      /maxDf keeps fewer documents than vectorize.minDf/,
    );
    expect(() => fit({ terms: [], display: [], docs: [] })).toThrow(/the corpus holds no papers/);
  });

  it("counts n-grams as their definition says, in batches of any size", () => {
    // a seeded corpus of 40 terms with sentence boundaries; terms 35.. are not common
    let x = 11;
    const next = (m: number): number => {
      x = (x * 1103515245 + 12345) % 2147483648;
      return x % m;
    };
    const docs = Array.from({ length: 300 }, () =>
      Int32Array.from({ length: 1 + next(60) }, () => (next(9) === 0 ? -1 : next(40))),
    );
    const common = Uint8Array.from({ length: 40 }, (_, t) => (t < 35 ? 1 : 0));
    const terms = Array.from({ length: 40 }, (_, t) => `t${t}`);
    for (const range of NGRAM_RANGES) {
      // the definition: each document's n-grams of lo..hi common words, never across -1
      const df = new Map<string, number>();
      const tf = new Map<string, number>();
      const rows = docs.map((doc) => {
        const row = new Map<string, number>();
        for (let n = range[0]; n <= range[1]; n++) {
          for (let i = 0; i + n <= doc.length; i++) {
            const words = Array.from(doc.subarray(i, i + n));
            if (words.some((w) => w < 0 || common[w] === 0)) continue;
            const text = words.map((w) => terms[w]).join(" ");
            row.set(text, (row.get(text) ?? 0) + 1);
          }
        }
        for (const [text, c] of row) {
          df.set(text, (df.get(text) ?? 0) + 1);
          tf.set(text, (tf.get(text) ?? 0) + c);
        }
        return row;
      });
      for (const batch of [1, 7, 100, 1 << 21]) {
        const c = countNgrams(docs, 40, range, common, true, undefined, batch);
        const tableDf = c.table.df();
        const tableTf = c.table.totals() as Float64Array;
        const got = c.rows.flatMap((g) =>
          Array.from({ length: g.ptr.length - 1 }, (_, r) => {
            const row = new Map<string, number>();
            for (let p = g.ptr[r] as number; p < (g.ptr[r + 1] as number); p++) {
              const id = g.ids[p] as number;
              const text = c.table.text(id, terms);
              row.set(text, g.counts[p] as number);
              if (id >= 40) {
                expect(tableDf[id - 40], text).toBe(df.get(text));
                expect(tableTf[id - 40], text).toBe(tf.get(text));
              }
            }
            return row;
          }),
        );
        expect(got, `ngramRange ${range}, batches of ${batch} tokens`).toEqual(rows);
      }
    }
  });

  it("merges a chunk counted with its own term ids, leaving out from the last what cannot reach min_df", () => {
    let x = 5;
    const next = (m: number): number => {
      x = (x * 1103515245 + 12345) % 2147483648;
      return Math.floor(x / 65536) % m;
    };
    const nTerms = 120;
    const terms = Array.from({ length: nTerms }, (_, t) => `t${t}`);
    // the chunk's term t is the main thread's 119 - t; its names follow
    const termMap = Int32Array.from({ length: nTerms }, (_, t) => nTerms - 1 - t);
    const localTerms = Array.from(termMap, (g) => terms[g] as string);
    // skewed to small term ids: some n-grams frequent, most rare
    const doc = (): Int32Array =>
      Int32Array.from({ length: 1 + next(40) }, () =>
        next(11) === 0 ? -1 : Math.min(next(nTerms), next(nTerms), next(nTerms)),
      );
    const mine = Array.from({ length: 300 }, doc);
    const theirs = Array.from({ length: 300 }, doc);
    const minCount = 3;
    for (const range of [
      [1, 2],
      [1, 3],
      [2, 3],
      [3, 3],
    ] as [number, number][]) {
      // each n-gram's document frequency in a chunk (texts in the main thread's terms)
      const dfOf = (docs: Int32Array[], names: readonly string[]): Map<string, number> => {
        const df = new Map<string, number>();
        for (const d of docs) {
          const seen = new Set<string>();
          for (let n = Math.max(2, range[0]); n <= range[1]; n++) {
            for (let i = 0; i + n <= d.length; i++) {
              const w = Array.from(d.subarray(i, i + n));
              if (!w.some((t) => t < 0)) seen.add(w.map((t) => names[t]).join(" "));
            }
          }
          for (const t of seen) df.set(t, (df.get(t) ?? 0) + 1);
        }
        return df;
      };
      const dfMine = dfOf(mine, terms);
      const dfTheirs = dfOf(theirs, localTerms);
      for (const last of [null, { minCount, lo: range[0] }]) {
        const into = countNgrams(mine, nTerms, range, null, true);
        const part = countNgrams(theirs, nTerms, range, null, true);
        const slotMap = mergeCounts(into, countsMessage(part), termMap, last);
        const df = into.table.df();
        let leftOut = 0;
        for (let s = 0; s < slotMap.length; s++) {
          const text = part.table.text(nTerms + s, localTerms);
          const id = slotMap[s] as number;
          const words = text.split(" ").length;
          const total = (dfMine.get(text) ?? 0) + (dfTheirs.get(text) ?? 0);
          if (id < 0) {
            // only from the last chunk, of a counted length, new and too rare
            leftOut++;
            expect(last, text).not.toBeNull();
            expect(words, text).toBeGreaterThanOrEqual(range[0]);
            expect(dfMine.has(text), text).toBe(false);
            expect(total, text).toBeLessThan(minCount);
            continue;
          }
          expect(into.table.text(id, terms), text).toBe(text);
          if (words >= range[0]) expect(df[id - nTerms], text).toBe(total);
        }
        // every n-gram that reaches min_df is in the merged table
        let reach = 0;
        for (const [text, f] of dfTheirs) {
          if (f + (dfMine.get(text) ?? 0) < minCount) continue;
          reach++;
          const ids = text.split(" ").map((t) => terms.indexOf(t));
          let id = ids[0] as number;
          for (const t of ids.slice(1)) id = into.table.get(id, t);
          expect(id, text).toBeGreaterThanOrEqual(nTerms);
        }
        expect(reach).toBeGreaterThan(100);
        if (last) expect(leftOut, `ngramRange ${range}`).toBeGreaterThan(100);
      }
    }
  });

  it("lays the matrix out in a room faulted in ahead, whose size the kept ids' document frequencies give", () => {
    // a seeded corpus of 50 terms with sentence boundaries, skewed to small term ids
    let x = 7;
    const next = (m: number): number => {
      x = (x * 1103515245 + 12345) % 2147483648;
      return Math.floor(x / 65536) % m;
    };
    const docs = Array.from({ length: 400 }, () =>
      Int32Array.from({ length: 1 + next(50) }, () =>
        next(10) === 0 ? BOUNDARY : Math.min(next(50), next(50)),
      ),
    );
    const terms = Array.from({ length: 50 }, (_, t) => `t${t}`);
    const nDocs = docs.length;
    for (const range of NGRAM_RANGES) {
      for (const [minDf, maxDf] of [
        [1, 1],
        [3, 0.6],
      ] as const) {
        const o: TfidfOptions = { ...TFIDF_DEFAULTS, ngramRange: range, minDf, maxDf };
        const label = `ngramRange ${range}, df ${minDf}..${maxDf}`;
        const { minCount, maxCount } = dfBounds(o, nDocs);
        const uni = unigramCounts(docs, terms.length);
        const counted = () =>
          countNgrams(docs, terms.length, range, commonTerms(uni.df, minCount), false);
        const plain = counted();
        const { model, colOf } = fitVocabulary(terms, uni, plain, o, nDocs);
        // the entries the main thread predicts once the counts are merged
        const predicted =
          (range[0] <= 1 ? entriesWithin(uni.df, minCount, maxCount) : 0) +
          entriesWithin(plain.table.df(), minCount, maxCount);
        const ids = idCount(plain.rows);
        const want = fromIdRows(model, plain.rows, colOf);
        const nnz = want.matrix.indptr[nDocs] as number;
        expect(nnz, label).toBeGreaterThan(0);
        expect(predicted, label).toBe(nnz);
        expect(ids, label).toBeGreaterThanOrEqual(nnz);
        // a room for every id, part of it faulted in (zeros written), then the matrix in it
        const room = matrixRoom(ids);
        expect(touchRoom(room, 0, nnz >> 1)).toBe(nnz >> 1);
        expect(touchRoom(room, nnz >> 1, ids + 5000)).toBe(ids);
        for (const room2 of [room, matrixRoom(nnz - 1)]) {
          const again = counted();
          const { w, keyOf } = weighting(model, colOf, true);
          const out = matrixArrays([idRowLengths(again.rows, keyOf)], true, room2);
          // laid out in the room when it is large enough, else in arrays of its own
          expect(out.indices.buffer === room2.indices.buffer, label).toBe(room2 === room);
          expect(out.data.buffer === room2.data.buffer, label).toBe(room2 === room);
          expect(out.counts.buffer === room2.counts.buffer, label).toBe(room2 === room);
          expect(out.indices.length).toBe(nnz);
          fillIdRows(w, again.rows, out, 0);
          const got = vectorizedOf(out, w.nCols);
          expect(Array.from(got.matrix.indptr), label).toEqual(Array.from(want.matrix.indptr));
          expect(Array.from(got.matrix.indices), label).toEqual(Array.from(want.matrix.indices));
          expect(Array.from(got.matrix.data), label).toEqual(Array.from(want.matrix.data));
          expect(Array.from(got.counts), label).toEqual(Array.from(want.counts));
        }
      }
    }
  });

  it("weighs rows longer than 65,536 entries as short ones (columns in order, counts, norms)", () => {
    // one document with 70,000 distinct terms in a scrambled order, some repeated
    const n = 70_000;
    const terms = Array.from({ length: n }, (_, t) => `w${(t * 7919) % n}`);
    const big: number[] = [];
    for (let t = 0; t < n; t++) for (let r = 0; r <= t % 3; r++) big.push(t);
    const docs = [Int32Array.from(big), Int32Array.from([0, 1, 1, 2])];
    const { model, matrix } = fitTransform(
      { terms, display: terms, docs },
      { ngramRange: [1, 1], minDf: 1, maxDf: 1, sublinearTf: true },
    );
    const colOf = new Map(model.vocabulary.map((text, col) => [text, col]));
    for (let r = 0; r < 2; r++) {
      const counts = new Map<string, number>();
      for (const t of docs[r] as Int32Array) {
        const text = terms[t] as string;
        counts.set(text, (counts.get(text) ?? 0) + 1);
      }
      const raw = new Map<string, number>();
      for (const [text, c] of counts) {
        const col = colOf.get(text) as number;
        raw.set(text, (1 + Math.log(c)) * (model.idf[col] as number));
      }
      const norm = Math.sqrt([...raw.values()].reduce((a, w) => a + w * w, 0));
      const from = matrix.indptr[r] as number;
      const to = matrix.indptr[r + 1] as number;
      expect(to - from).toBe(counts.size);
      for (let p = from; p < to; p++) {
        const col = matrix.indices[p] as number;
        if (p > from) expect(col).toBeGreaterThan(matrix.indices[p - 1] as number);
        const text = model.vocabulary[col] as string;
        expect(matrix.data[p]).toBeCloseTo((raw.get(text) as number) / norm, 6);
      }
    }
  });
});

describe("UnigramCounter (unigrams counted batch by batch, as a streamed text stage does)", () => {
  // documents of term ids in one buffer; the ids rise as documents come, past the counter's
  // first arrays (4,096 terms), as terms are found while a corpus is read
  const rng = createRng(7);
  const nDocs = 600;
  const ptr = new Int32Array(nDocs + 1);
  const all: number[] = [];
  for (let d = 0; d < nDocs; d++) {
    const vocab = 50 + d * 20;
    const len = rng.int(40);
    for (let i = 0; i < len; i++) all.push(rng.int(9) === 0 ? BOUNDARY : rng.int(vocab));
    ptr[d + 1] = all.length;
  }
  const ids = Int32Array.from(all);
  const docs = Array.from({ length: nDocs }, (_, d) =>
    ids.subarray(ptr[d] as number, ptr[d + 1] as number),
  );
  const nTerms = 50 + nDocs * 20 + 100;
  // the reference, counted plainly: a term's documents as a set, its occurrences summed
  const whole = { df: new Int32Array(nTerms), tf: new Float64Array(nTerms) };
  for (const doc of docs) {
    const seen = new Set<number>();
    for (const id of doc) {
      if (id === BOUNDARY) continue;
      whole.tf[id] = (whole.tf[id] as number) + 1;
      seen.add(id);
    }
    for (const id of seen) whole.df[id] = (whole.df[id] as number) + 1;
  }

  it("equals unigramCounts over the same documents, whatever the batches", () => {
    expect(Math.max(...all)).toBeGreaterThan(4096);
    const once = unigramCounts(docs, nTerms);
    expect(once.df).toEqual(whole.df);
    expect(once.tf).toEqual(whole.tf);
    for (const batch of [1, 7, 100, nDocs]) {
      const c = new UnigramCounter();
      for (let d = 0; d < nDocs; d += batch) c.add(ids, ptr, d, Math.min(nDocs, d + batch));
      const got = c.counts(nTerms);
      expect(got.df).toEqual(whole.df);
      expect(got.tf).toEqual(whole.tf);
    }
  });

  it("counts a term once per document, across batches in buffers of their own", () => {
    // each batch's documents are numbered from 0 in its own buffer (the main thread's batches)
    const c = new UnigramCounter();
    c.add(Int32Array.from([2, 2, 2]), Int32Array.from([0, 3]), 0, 1);
    c.add(Int32Array.from([2, BOUNDARY, 2, 1]), Int32Array.from([0, 3, 4]), 0, 2);
    const got = c.counts(4);
    expect(Array.from(got.df)).toEqual([0, 1, 2, 0]);
    expect(Array.from(got.tf)).toEqual([0, 1, 5, 0]);
  });
});
