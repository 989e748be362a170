import { getHeapStatistics } from "node:v8";
import { describe, expect, it } from "vitest";
import {
  compactHeap,
  compactLargeHeap,
  hasStartFlags,
  START_FLAGS,
  withStartFlags,
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

describe("withStartFlags", () => {
  it("adds the start-up flags after node's own options", () => {
    expect(START_FLAGS).toEqual(["--initial-old-space-size=256"]);
    expect(withStartFlags(["--enable-source-maps"])).toEqual([
      "--enable-source-maps",
      "--initial-old-space-size=256",
    ]);
    expect(hasStartFlags(["--enable-source-maps"])).toBe(false);
    expect(hasStartFlags(withStartFlags([]))).toBe(true);
  });

  it("keeps a value the user gave, on the command line or in NODE_OPTIONS, in either spelling", () => {
    expect(withStartFlags(["--initial-old-space-size=64"])).toEqual([
      "--initial-old-space-size=64",
    ]);
    expect(withStartFlags(["--initial_old_space_size=64"])).toEqual([
      "--initial_old_space_size=64",
    ]);
    expect(withStartFlags([], "--max-old-space-size=8192  --initial-old-space-size=32")).toEqual(
      [],
    );
    expect(hasStartFlags([], "--initial-old-space-size=32")).toBe(true);
    // another flag of a similar name is not this one
    expect(withStartFlags(["--max-old-space-size=8192"])).toEqual([
      "--max-old-space-size=8192",
      "--initial-old-space-size=256",
    ]);
  });
});
