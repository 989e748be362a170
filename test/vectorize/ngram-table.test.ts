import { describe, expect, it } from "vitest";
import { NgramTable } from "../../src/vectorize/ngram-table.js";

describe("interned n-gram table", () => {
  it("gives unigrams their term id and longer n-grams dense ids after them", () => {
    const t = new NgramTable(3, 1);
    const ab = t.intern(0, 1);
    expect(ab).toBe(3);
    expect(t.intern(0, 1)).toBe(ab);
    const abc = t.intern(ab, 2);
    expect(abc).toBe(4);
    expect(t.get(0, 1)).toBe(ab);
    expect(t.get(1, 0)).toBe(-1);
    expect(t.terms(abc)).toEqual([0, 1, 2]);
    expect(t.text(abc, ["a", "b", "c"])).toBe("a b c");
    expect(t.text(1, ["a", "b", "c"])).toBe("b");
    expect(t.size).toBe(5);
  });

  it("keeps every pair through many growths", () => {
    const t = new NgramTable(1000, 1);
    const ids = new Map<string, number>();
    for (let a = 0; a < 300; a++) {
      for (let b = 0; b < 300; b += 7) ids.set(`${a},${b}`, t.intern(a, b));
    }
    expect(t.size).toBe(1000 + ids.size);
    for (const [key, id] of ids) {
      const [a, b] = key.split(",").map(Number) as [number, number];
      expect(t.get(a, b)).toBe(id);
      expect(t.terms(id)).toEqual([a, b]);
    }
    expect(new Set(ids.values()).size).toBe(ids.size);
  });

  it("counts each n-gram's documents once per document, through growths", () => {
    const t = new NgramTable(50, 1);
    const df = new Map<number, Set<number>>();
    let x = 7;
    for (let doc = 0; doc < 200; doc++) {
      for (let i = 0; i < 30; i++) {
        x = (x * 1103515245 + 12345) % 2147483648;
        const a = x % 50;
        const b = Math.floor(x / 50) % 50;
        const id = t.occur(a, b, doc);
        expect(t.get(a, b)).toBe(id);
        const docs = df.get(id) ?? new Set<number>();
        docs.add(doc);
        df.set(id, docs);
      }
    }
    for (const [id, docs] of df) expect(t.df[id - 50]).toBe(docs.size);
    expect(t.size).toBe(50 + df.size);
  });
});
