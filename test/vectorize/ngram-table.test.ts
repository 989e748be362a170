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

  it("adds batches of records: ids, document frequencies and totals, over many partitions and growths", () => {
    for (const expected of [1, 1 << 20]) {
      const t = new NgramTable(50, expected, true);
      const df = new Map<string, number>();
      const tf = new Map<string, number>();
      const ids = new Map<string, number>();
      let x = 7;
      for (let batch = 0; batch < 20; batch++) {
        const n = 500;
        const r = {
          n,
          prefix: new Int32Array(n),
          term: new Int32Array(n),
          target: Int32Array.from({ length: n }, (_, i) => n - 1 - i),
          df: new Int32Array(n),
          tf: new Float64Array(n),
        };
        for (let i = 0; i < n; i++) {
          x = (x * 1103515245 + 12345) % 2147483648;
          r.prefix[i] = x % 50;
          r.term[i] = Math.floor(x / 50) % 50;
          r.df[i] = 1 + (i % 3);
          r.tf[i] = 2 + (i % 5);
        }
        const out = new Int32Array(n).fill(-1);
        t.add(r, out);
        for (let i = 0; i < n; i++) {
          const key = `${r.prefix[i]},${r.term[i]}`;
          const id = out[r.target[i] as number] as number;
          expect(id).toBe(t.get(r.prefix[i] as number, r.term[i] as number));
          if (ids.has(key)) expect(id).toBe(ids.get(key));
          ids.set(key, id);
          df.set(key, (df.get(key) ?? 0) + (r.df[i] as number));
          tf.set(key, (tf.get(key) ?? 0) + (r.tf[i] as number));
        }
      }
      expect(t.size).toBe(50 + ids.size);
      expect(new Set(ids.values()).size).toBe(ids.size);
      const dfs = t.df();
      const tfs = t.totals() as Float64Array;
      for (const [key, id] of ids) {
        expect(t.terms(id)).toEqual(key.split(",").map(Number));
        expect(dfs[id - 50]).toBe(df.get(key));
        expect(tfs[id - 50]).toBe(tf.get(key));
      }
      // a single intern after the batches finds the same ids
      const [a, b] = [...ids.keys()][0]!.split(",").map(Number) as [number, number];
      expect(t.intern(a, b)).toBe(ids.get(`${a},${b}`));
    }
  });

  it("grows when new n-grams fill a partition past half, not for a batch of known ones", () => {
    // one partition of 2048 buckets: it holds up to 1024 n-grams
    const t = new NgramTable(10_000, 1000);
    expect(t.capacity).toBe(2048);
    const batch = (pairs: [number, number][]): Int32Array => {
      const n = pairs.length;
      const out = new Int32Array(n);
      t.add(
        {
          n,
          prefix: Int32Array.from(pairs, (p) => p[0]),
          term: Int32Array.from(pairs, (p) => p[1]),
          target: Int32Array.from({ length: n }, (_, i) => i),
          df: 1,
          tf: null,
        },
        out,
      );
      return out;
    };
    const known = Array.from({ length: 1000 }, (_, i): [number, number] => [i, i + 1]);
    const first = batch(known);
    // 5000 records of n-grams the table has: no room to make
    const again = batch(Array.from({ length: 5000 }, (_, i) => known[(i * 7) % 1000]!));
    expect(t.capacity).toBe(2048);
    expect(again.every((id, i) => id === first[(i * 7) % 1000])).toBe(true);
    expect(t.df()[0]).toBe(6);
    // 100 new ones go past half: the partition doubles, mid-batch, and every id holds
    const fresh = Array.from({ length: 100 }, (_, i): [number, number] => [5000 + i, 1]);
    const ids = batch([...fresh, ...known.slice(0, 50)]);
    expect(t.capacity).toBe(4096);
    expect(t.size).toBe(10_000 + 1100);
    fresh.forEach(([a, b], i) => expect(t.get(a, b)).toBe(ids[i]));
    known.slice(0, 50).forEach((_, i) => expect(ids[100 + i]).toBe(first[i]));
  });
});
