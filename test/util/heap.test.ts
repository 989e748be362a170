import { getHeapStatistics } from "node:v8";
import { describe, expect, it } from "vitest";
import {
  compactHeap,
  compactLargeHeap,
  marksAside,
  pauseConcurrentMarking,
} from "../../src/util/heap.js";

const committed = (): number => getHeapStatistics().total_heap_size;

describe("compactHeap", () => {
  it("gives back the pages that released texts leave half empty", () => {
    // papers whose long texts are let go while their other fields stay: the pattern of a run
    const papers = Array.from({ length: 200_000 }, (_, i) => ({
      id: `p${i}`,
      title: `title ${i}`,
      abstract: `${"x".repeat(900)}${i}`.slice(1),
      categories: ["cs.LG", `c${i % 50}`],
    }));
    const before = committed();
    for (const p of papers) p.abstract = "";
    expect(compactHeap()).toBe(true);
    const after = committed();
    // about 180 MB of texts went: most of their pages must be given back
    expect(before - after).toBeGreaterThan(100 * 2 ** 20);
    // the papers themselves are still whole
    expect(papers[123_456]).toEqual({
      id: "p123456",
      title: "title 123456",
      abstract: "",
      categories: ["cs.LG", "c6"],
    });
  });

  it("runs only on a heap of at least the given size", () => {
    expect(compactLargeHeap(Number.POSITIVE_INFINITY)).toBe(false);
    expect(compactLargeHeap(0)).toBe(true);
  });
});

describe("pauseConcurrentMarking", () => {
  it("pauses only when the busy threads fill every core", () => {
    expect(marksAside(2, 2)).toBe(false);
    expect(marksAside(1, 2)).toBe(false);
    expect(marksAside(4, 2)).toBe(true);
    const flags: string[] = [];
    const resume = pauseConcurrentMarking(2, 8, (f) => flags.push(f));
    resume();
    expect(flags).toEqual([]);
  });

  it("turns marking off once, and on again when the last pause is over", () => {
    const flags: string[] = [];
    const set = (f: string): number => flags.push(f);
    const first = pauseConcurrentMarking(2, 2, set);
    const second = pauseConcurrentMarking(3, 2, set);
    expect(flags).toEqual(["--no-concurrent-marking"]);
    first();
    first(); // a second call of the same pause's end does nothing
    expect(flags).toEqual(["--no-concurrent-marking"]);
    second();
    expect(flags).toEqual(["--no-concurrent-marking", "--concurrent-marking"]);
    // and a new pause starts over
    pauseConcurrentMarking(2, 2, set)();
    expect(flags).toEqual([
      "--no-concurrent-marking",
      "--concurrent-marking",
      "--no-concurrent-marking",
      "--concurrent-marking",
    ]);
  });
});
