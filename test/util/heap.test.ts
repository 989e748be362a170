import { spawnSync } from "node:child_process";
import { availableParallelism } from "node:os";
import { getHeapStatistics } from "node:v8";
import { describe, expect, it } from "vitest";
import {
  compactHeap,
  compactLargeHeap,
  hasStartFlags,
  START_FLAGS,
  startFlags,
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

describe("startFlags", () => {
  it("gives the heap's first limit everywhere, and one concurrent marker on two cores or fewer", () => {
    const marker = "--concurrent-marking-max-worker-num=1";
    expect(startFlags(1)).toEqual(["--initial-old-space-size=256", marker]);
    expect(startFlags(2)).toEqual(["--initial-old-space-size=256", marker]);
    expect(startFlags(4)).toEqual(["--initial-old-space-size=256"]);
    expect(startFlags(16)).toEqual(["--initial-old-space-size=256"]);
    expect(START_FLAGS).toEqual(startFlags(availableParallelism()));
  });

  it("names only flags this node accepts", () => {
    const node = spawnSync(process.execPath, [...startFlags(2), "-e", "0"], { encoding: "utf8" });
    expect(node.stderr).toBe("");
    expect(node.status).toBe(0);
  });
});

describe("withStartFlags", () => {
  /** START_FLAGS other than the heap's first limit (this machine's, see startFlags) */
  const others = START_FLAGS.filter((f) => !f.startsWith("--initial-old-space-size="));

  it("adds the start-up flags after node's own options", () => {
    expect(withStartFlags(["--enable-source-maps"])).toEqual([
      "--enable-source-maps",
      ...START_FLAGS,
    ]);
    expect(hasStartFlags(["--enable-source-maps"])).toBe(false);
    expect(hasStartFlags(withStartFlags([]))).toBe(true);
  });

  it("keeps a value the user gave, on the command line or in NODE_OPTIONS, in either spelling", () => {
    expect(withStartFlags(["--initial-old-space-size=64"])).toEqual([
      "--initial-old-space-size=64",
      ...others,
    ]);
    expect(withStartFlags(["--initial_old_space_size=64"])).toEqual([
      "--initial_old_space_size=64",
      ...others,
    ]);
    expect(withStartFlags([], "--max-old-space-size=8192  --initial-old-space-size=32")).toEqual(
      others,
    );
    expect(hasStartFlags([], START_FLAGS.join(" ").replace("=256", "=32"))).toBe(true);
    expect(
      withStartFlags(["--concurrent_marking_max_worker_num=3"]).filter((f) =>
        f.includes("marking"),
      ),
    ).toEqual(["--concurrent_marking_max_worker_num=3"]);
    // another flag of a similar name is not this one
    expect(withStartFlags(["--max-old-space-size=8192"])).toEqual([
      "--max-old-space-size=8192",
      ...START_FLAGS,
    ]);
  });
});
