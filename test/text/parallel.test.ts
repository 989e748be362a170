import { describe, expect, it } from "vitest";
// the dist build: worker threads run compiled JavaScript (`npm test` builds first)
import { ingest } from "../../dist/ingest/index.js";
import { tokenizeAndFit, workersAvailable } from "../../dist/text/parallel.js";
import { tokenizeCorpus } from "../../dist/text/tokenize.js";
import { fitTransform, TFIDF_DEFAULTS } from "../../dist/vectorize/tfidf.js";

/** Byte equality of typed arrays (vitest's deep equality is slow on millions of entries). */
function sameBytes(a: ArrayBufferView, b: ArrayBufferView): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(
    Buffer.from(b.buffer, b.byteOffset, b.byteLength),
  );
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
    }
  }, 60_000);
});
