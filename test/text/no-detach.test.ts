import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { ROOT, tmp } from "../helpers.js";

const PROBE = join(ROOT, "test", "fixtures", "probes", "detach-probe.mjs");
const SHARED = join(ROOT, "..", "shared", "data", "arxiv-abstracts-143k.jsonl.gz");

describe("a run's ArrayBuffers", () => {
  it("are never detached while memory is not tight (each thread's typed arrays stay fast)", () => {
    // 10,000 papers: enough for the text stage's worker, the thread pool and the charts' thread
    const dir = tmp();
    const lines = gunzipSync(readFileSync(SHARED)).toString("utf8").split("\n", 10_000);
    writeFileSync(join(dir, "papers.jsonl"), lines.join("\n") + "\n");
    writeFileSync(
      join(dir, "pipeline.yaml"),
      [
        "name: no-detach",
        "seed: 3",
        "asOf: 2025-10-31",
        "inputs:",
        "  - path: papers.jsonl",
        "vectorize:",
        "  ngramRange: [1, 2]",
        "cluster:",
        "  k: 8",
        "",
      ].join("\n"),
    );
    const r = spawnSync(
      process.execPath,
      [
        "--import",
        PROBE,
        join(ROOT, "bin", "papertrends.js"),
        "run",
        join(dir, "pipeline.yaml"),
        "--out",
        join(dir, "run"),
        "--threads",
        "2",
      ],
      { cwd: ROOT, encoding: "utf8" },
    );
    expect(r.status, r.stderr).toBe(0);
    const said = r.stderr.split("\n");
    // the probe was loaded on the main thread and the worker threads
    expect(said).toContain("PROBE on main");
    expect(said.filter((l) => l.startsWith("PROBE on thread")).length).toBeGreaterThanOrEqual(3);
    expect(said.filter((l) => l.startsWith("DETACH"))).toEqual([]);
  });

  it("(the probe reports a detached buffer)", () => {
    const r = spawnSync(
      process.execPath,
      [
        "--import",
        PROBE,
        "-e",
        "const b = new ArrayBuffer(8); structuredClone(b, { transfer: [b] });",
      ],
      { encoding: "utf8" },
    );
    expect(r.stderr).toMatch(/^DETACH structuredClone on main/m);
  });
});
