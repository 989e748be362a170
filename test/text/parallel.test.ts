import { describe, expect, it } from "vitest";
// the dist build: worker threads run compiled JavaScript (`npm test` builds first)
import { ingest } from "../../dist/ingest/index.js";
import type { Paper } from "../../dist/ingest/types.js";
import { TextFeed, tokenizeAndFit, workersAvailable } from "../../dist/text/parallel.js";
import { tokenizeCorpus } from "../../dist/text/tokenize.js";
import { fitTransform, TFIDF_DEFAULTS } from "../../dist/vectorize/tfidf.js";

/** Byte equality of typed arrays (vitest's deep equality is slow on millions of entries). */
function sameBytes(a: ArrayBufferView, b: ArrayBufferView): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(
    Buffer.from(b.buffer, b.byteOffset, b.byteLength),
  );
}

/** A document's terms as text, "|" between sentences (to compare across term ids). */
function words(terms: readonly string[], doc: Int32Array): string {
  return Array.from(doc, (t) => (t < 0 ? "|" : terms[t])).join(" ");
}

describe("text stage on worker threads", () => {
  it("gives the same vocabulary, matrix, counts and display forms on 1, 2 and 3 threads", async () => {
    expect(workersAvailable()).toBe(true);
    const { papers } = await ingest([{ path: "data/hf-daily-papers.jsonl.gz" }]);
    expect(papers.length).toBeGreaterThan(9000);
    // trigrams and maxFeatures too: every path of the merge
    const options = {
      ...TFIDF_DEFAULTS,
      ngramRange: [1, 3] as [number, number],
      minDf: 3,
      maxDf: 0.5,
      maxFeatures: 40_000,
    };
    const one = fitTransform(tokenizeCorpus(papers), options);
    expect(one.model.vocabulary.some((v) => v.split(" ").length === 3)).toBe(true);
    expect(one.model.vocabulary).toHaveLength(40_000);
    for (const threads of [2, 3]) {
      const { tokens, fitted: many } = await tokenizeAndFit(papers, {}, options, threads);
      expect(many.model.vocabulary).toEqual(one.model.vocabulary);
      expect(many.model.df).toEqual(one.model.df);
      expect(sameBytes(many.matrix.indptr, one.matrix.indptr)).toBe(true);
      expect(sameBytes(many.matrix.indices, one.matrix.indices)).toBe(true);
      expect(sameBytes(many.matrix.data, one.matrix.data)).toBe(true);
      expect(sameBytes(many.counts, one.counts)).toBe(true);
      const display = new Map(tokens.terms.map((t, i) => [t, tokens.display[i]]));
      const single = tokenizeCorpus(papers);
      const differ = single.terms.filter((t, i) => display.get(t) !== single.display[i]);
      expect(differ).toEqual([]);
      // the documents (each worker sends its chunk back whole), in paper order
      expect(tokens.docs).toHaveLength(papers.length);
      const otherDocs = tokens.docs.filter(
        (d, i) => words(tokens.terms, d) !== words(single.terms, single.docs[i] as Int32Array),
      );
      expect(otherDocs).toHaveLength(0);
    }
  }, 60_000);

  it("streamed during ingest: the same as one thread, wherever the two threads meet", async () => {
    expect(TextFeed.usable(2, {})).toBe(true);
    expect(TextFeed.usable(3, {})).toBe(false);
    // a later duplicate can add keywords: those texts are not final until the input ends
    expect(TextFeed.usable(2, { fields: ["title", "keywords"] })).toBe(false);
    const options = { ...TFIDF_DEFAULTS, ngramRange: [1, 2] as [number, number], minDf: 3 };
    const input = [{ path: "data/hf-daily-papers.jsonl.gz" }];
    const single = tokenizeCorpus((await ingest(input)).papers);
    const one = fitTransform(single, options);
    // tiny batches (the threads meet anywhere), a worker from the first paper, one batch for
    // everything (the worker analyses all of it), and a pause before the text stage; the
    // worker's documents in many small blocks (several batches to a block, and batches larger
    // than a block), with the documents it hands over cut from the middle of one
    const setups = [
      { batch: 7, startAt: 0, pause: 0 },
      { batch: 500, startAt: 1000, pause: 0 },
      { batch: 1_000_000, startAt: 0, pause: 0 },
      { batch: 300, startAt: 0, pause: 1000 },
      { batch: 7, startAt: 0, pause: 1000, blockIds: 1000 },
      { batch: 50, startAt: 0, pause: 0, blockIds: 3001 },
    ];
    for (const { pause, ...o } of setups) {
      const feed = new TextFeed({}, o);
      const idle: string[] = [];
      feed.onIdle(() => idle.push("idle"));
      const seen: Paper[] = [];
      const { papers } = await ingest(input, {
        onKept: (p) => {
          seen.push(p);
          feed.add(p);
        },
      });
      // every kept paper once, in corpus order (duplicates merged into them are not)
      expect(seen.length).toBe(papers.length);
      expect(seen.every((p, i) => p === papers[i])).toBe(true);
      await new Promise((resolve) => setTimeout(resolve, pause));
      // the second core is busy until the worker has counted: not idle before the text stage
      expect(idle).toEqual([]);
      const fit = tokenizeAndFit(papers, {}, options, 2, true, feed);
      void fit.then(() => idle.push("fitted"));
      const { tokens, fitted } = await fit;
      expect(idle).toEqual(["idle", "fitted"]);
      expect(fitted.model.vocabulary).toEqual(one.model.vocabulary);
      expect(fitted.model.df).toEqual(one.model.df);
      expect(sameBytes(fitted.matrix.indptr, one.matrix.indptr)).toBe(true);
      expect(sameBytes(fitted.matrix.indices, one.matrix.indices)).toBe(true);
      expect(sameBytes(fitted.matrix.data, one.matrix.data)).toBe(true);
      expect(sameBytes(fitted.counts, one.counts)).toBe(true);
      // laid out in the room the worker faulted in, which holds every id of every row (min_df
      // leaves some out)
      expect(fitted.matrix.indices.buffer.byteLength).toBeGreaterThan(
        fitted.matrix.indices.byteLength,
      );
      // the documents (guided themes match them) in paper order
      expect(tokens.docs).toHaveLength(papers.length);
      const differ = tokens.docs.filter(
        (d, i) => words(tokens.terms, d) !== words(single.terms, single.docs[i] as Int32Array),
      );
      expect(differ).toHaveLength(0);
      const display = new Map(tokens.terms.map((t, i) => [t, tokens.display[i]]));
      expect(single.terms.filter((t, i) => display.get(t) !== single.display[i])).toEqual([]);
    }
  }, 60_000);

  it("keeps every id, the worker faulting in most of the matrix's room: the same as one thread", async () => {
    // min_df 1 and max_df 1.0 keep every id, so the matrix is as large as the room and the
    // worker is let fault in 40 % of it before the rows are written into it
    const { papers } = await ingest([{ path: "data/hf-daily-papers.jsonl.gz" }]);
    const options = {
      ...TFIDF_DEFAULTS,
      ngramRange: [1, 2] as [number, number],
      minDf: 1,
      maxDf: 1.0,
    };
    const one = fitTransform(tokenizeCorpus(papers), options);
    const { fitted } = await tokenizeAndFit(papers, {}, options, 2, false);
    expect(fitted.model.vocabulary).toEqual(one.model.vocabulary);
    expect(sameBytes(fitted.matrix.indptr, one.matrix.indptr)).toBe(true);
    expect(sameBytes(fitted.matrix.indices, one.matrix.indices)).toBe(true);
    expect(sameBytes(fitted.matrix.data, one.matrix.data)).toBe(true);
    expect(sameBytes(fitted.counts, one.counts)).toBe(true);
    expect(fitted.matrix.indices.buffer.byteLength).toBe(fitted.matrix.indices.byteLength);
  }, 60_000);

  it("with no worker (a small corpus), the feed is idle as soon as the input is read", async () => {
    const feed = new TextFeed({}, { batch: 100, startAt: 1_000_000 });
    const idle: string[] = [];
    feed.onIdle(() => idle.push("idle"));
    const { papers } = await ingest([{ path: "data/hf-daily-papers.jsonl.gz" }], {
      onKept: (p) => feed.add(p),
    });
    expect(idle).toEqual([]);
    expect(feed.holdsAllTexts()).toBe(false);
    const fit = tokenizeAndFit(papers.slice(0, 3000), {}, TFIDF_DEFAULTS, 2, false, feed);
    await expect(fit).rejects.toThrow(/saw \d+ papers, not 3000/);
    const { fitted } = await tokenizeAndFit(papers, {}, TFIDF_DEFAULTS, 2, false, feed);
    expect(idle).toEqual(["idle"]);
    expect(fitted.model.vocabulary.length).toBeGreaterThan(1000);
  }, 60_000);
});
