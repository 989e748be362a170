import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  DETACH_FROM_BYTES,
  DETACH_LEAST_BYTES,
  release,
  setDetachFrom,
  transferList,
} from "../../src/util/release.js";
import {
  commonTerms,
  countNgrams,
  fitTransform,
  fitVocabulary,
  fromIdRows,
  TFIDF_DEFAULTS,
  unigramCounts,
} from "../../src/vectorize/tfidf.js";

// these tests see every release happen: memory is always "tight"
beforeEach(() => setDetachFrom(0));
afterEach(() => setDetachFrom(DETACH_FROM_BYTES));

describe("release", () => {
  it("empties typed arrays now, views of one buffer together, and leaves shared buffers alone", () => {
    const a = new Int32Array(1000).fill(7);
    const buffer = new ArrayBuffer(4096);
    const v1 = new Float64Array(buffer, 0, 8);
    const v2 = new Uint8Array(buffer, 64);
    const shared = new Int32Array(new SharedArrayBuffer(64)).fill(3);
    release([a, v1, v2, shared, new Uint16Array(0)]);
    expect([a.length, v1.length, v2.length, buffer.byteLength]).toEqual([0, 0, 0, 0]);
    expect(Array.from(shared)).toEqual(new Array(16).fill(3));
    expect(() => release([])).not.toThrow();
  });

  it("leaves arrays to the collector, and messages to copy, while memory is not tight or they are small", () => {
    const a = new Int32Array(1000).fill(7);
    const shared = new SharedArrayBuffer(64);
    expect(transferList([a.buffer, a.buffer, shared])).toEqual([a.buffer]);
    setDetachFrom(Number.POSITIVE_INFINITY);
    release([a]);
    expect(a.length).toBe(1000);
    expect(transferList([a.buffer])).toEqual([]);
    // the default: this test process is far below it
    setDetachFrom(DETACH_FROM_BYTES);
    expect(process.memoryUsage.rss()).toBeLessThan(DETACH_FROM_BYTES);
    release([a]);
    expect(a.length).toBe(1000);
    // tight memory (any process holds a byte), but too small a buffer
    setDetachFrom(1);
    expect(transferList([a.buffer])).toEqual([]);
    release([a]);
    expect(a.length).toBe(1000);
    const large = new Uint8Array(DETACH_LEAST_BYTES);
    expect(transferList([large.buffer])).toEqual([large.buffer]);
    release([large]);
    expect(large.length).toBe(0);
  });
});

describe("the text stage's arrays are let go as they are consumed", () => {
  // 300 documents over 50 terms, in several count batches
  const docs = Array.from({ length: 300 }, (_, d) =>
    Int32Array.from({ length: 40 }, (_, i) => (d * 7 + i * i) % 50),
  );
  const terms = Array.from({ length: 50 }, (_, t) => `t${t}`);
  const o = { ...TFIDF_DEFAULTS, ngramRange: [1, 2] as [number, number], minDf: 2, maxDf: 1 };

  it("each segment of id rows once written into the matrix; the n-gram table once disposed", () => {
    const uni = unigramCounts(docs, terms.length);
    const counts = countNgrams(
      docs,
      terms.length,
      o.ngramRange,
      commonTerms(uni.df, 2),
      false,
      undefined,
      500,
    );
    const segments = [...counts.rows];
    expect(segments.length).toBeGreaterThan(3);
    const { model, colOf } = fitVocabulary(terms, uni, counts, o, docs.length);
    const entries = counts.table.entries;
    counts.table.dispose();
    expect(entries.length).toBe(0);
    const { matrix } = fromIdRows(model, counts.rows, colOf);
    expect(counts.rows).toEqual([]);
    for (const g of segments)
      expect([g.ids.length, g.counts.length, g.ptr.length]).toEqual([0, 0, 0]);
    // the same matrix as the whole stage gives
    const whole = fitTransform({ terms, display: terms, docs }, o).matrix;
    expect(Array.from(matrix.indptr)).toEqual(Array.from(whole.indptr));
    expect(Array.from(matrix.indices)).toEqual(Array.from(whole.indices));
    expect(Array.from(matrix.data)).toEqual(Array.from(whole.data));
  });
});
