import { describe, expect, it } from "vitest";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createHash } from "node:crypto";
import { join } from "node:path";
import { loadPipeline } from "../../src/config.js";
import { runPipeline } from "../../src/pipeline.js";
import { runWeek } from "../../src/weekly/run.js";
import { CorpusStore, hashInputs } from "../../src/store/index.js";
import { InputFileError } from "../../src/util/errors.js";
import type { Paper } from "../../src/ingest/types.js";
import { ingestOne, PAGE, runCli, SHARED, tmp } from "../helpers.js";

const paper = (id: string, over: Partial<Paper> = {}): Paper => ({
  id,
  title: `Paper ${id}`,
  abstract: "An abstract.",
  date: "2025-10-27",
  authors: ["A. Author"],
  source: { file: "a.jsonl", line: 1, format: "jsonl" },
  ...over,
});

describe("input hashes", () => {
  it("are each file's SHA-256 and size, read on a worker thread, folders walked in order", async () => {
    const dir = tmp();
    mkdirSync(join(dir, "in"));
    const big = Buffer.alloc((3 << 20) | 5, 7); // several read chunks
    writeFileSync(join(dir, "in", "b.jsonl"), big);
    writeFileSync(join(dir, "in", "a.jsonl"), "{}\n");
    writeFileSync(join(dir, "in", ".notes.jsonl"), "hidden: not an input");
    writeFileSync(join(dir, "c.csv"), "");
    const sha = (b: Buffer): string => createHash("sha256").update(b).digest("hex");
    const files = [join(dir, "in", "a.jsonl"), join(dir, "in", "b.jsonl"), join(dir, "c.csv")];
    expect(await hashInputs([join(dir, "in"), join(dir, "c.csv")])).toEqual(
      files.map((file) => ({
        file,
        sha256: sha(readFileSync(file)),
        bytes: readFileSync(file).length,
      })),
    );
    expect(await hashInputs([])).toEqual([]);
  });

  it("name a file that cannot be read", async () => {
    const dir = tmp();
    const missing = join(dir, "missing.jsonl");
    await expect(hashInputs([missing])).rejects.toThrow(InputFileError);
    await expect(hashInputs([missing])).rejects.toThrow(/missing\.jsonl/);
  });
});

describe("corpus store", () => {
  it("upserts by id with ingest's merge rules, and writes only what changed", () => {
    const store = CorpusStore.open(join(tmp(), "s.db"));
    const run = store.beginRun({ kind: "ingest", version: "t", inputs: [] });
    expect(store.upsertPapers([paper("1"), paper("2", { date: null })], run)).toEqual({
      added: 2,
      updated: 0,
      unchanged: 0,
    });
    expect(store.upsertPapers([paper("1")], run)).toEqual({ added: 0, updated: 0, unchanged: 1 });
    const later = paper("1", {
      date: "2025-10-20",
      upvotes: 7,
      categories: ["cs.LG"],
      source: { file: "b.json", index: 3, format: "hf-daily" },
    });
    expect(store.upsertPapers([later], run)).toEqual({ added: 0, updated: 1, unchanged: 0 });
    // the same record again changes nothing: the other source is listed once
    expect(store.upsertPapers([later], run)).toEqual({ added: 0, updated: 0, unchanged: 1 });
    const [p] = store.papers();
    expect(p).toMatchObject({ id: "1", date: "2025-10-20", upvotes: 7, categories: ["cs.LG"] });
    expect(p!.alsoIn).toEqual([{ file: "b.json", index: 3, format: "hf-daily" }]);
    // undated papers are kept but never in a dated run
    expect(store.counts()).toEqual({ papers: 2, undated: 1, runs: 1 });
    expect(store.papers("2025-10-19")).toEqual([]);
    store.close();
  });

  it("keeps an ingest's rejects with their reasons, in the same transaction as its papers", async () => {
    const corpus = await ingestOne(join(SHARED, "hf-daily-papers", "2024-12-11.json"));
    expect(corpus.rejects.length).toBeGreaterThan(0);
    const store = CorpusStore.open(join(tmp(), "s.db"));
    const run = store.beginRun({ kind: "ingest", version: "t", inputs: ["x"] });
    const counts = store.addCorpus(run, corpus.papers, corpus.rejects, (c) => ({ c }));
    expect(counts.added).toBe(corpus.papers.length);
    expect(store.rejects(run)).toEqual(corpus.rejects);
    expect(store.run(run)).toMatchObject({ status: "done", summary: { c: counts } });
    const t = corpus.summary.total;
    expect(t.read).toBe(t.kept + t.duplicates + t.rejected);
    store.close();
  });

  it("marks a run a killed process left running as abandoned, and round-trips a model", () => {
    const path = join(tmp(), "s.db");
    let store = CorpusStore.open(path);
    const run = store.beginRun({
      kind: "run",
      pipeline: "p",
      week: "2025-W44",
      version: "t",
      inputs: [],
    });
    store.close();
    store = CorpusStore.open(path);
    expect(store.run(run)?.status).toBe("abandoned");
    expect(store.lastRunBefore("p", "2025-W45")).toBeNull();
    const done = store.beginRun({
      kind: "run",
      pipeline: "p",
      week: "2025-W44",
      version: "t",
      inputs: [],
    });
    const model = {
      meta: { a: 1 },
      tfidf: { vocabulary: ["x"] },
      components: Float32Array.of(0.5, -1.25, 3),
      cols: Int32Array.of(0, 7, 9),
      centroids: Float64Array.of(Math.PI, -Math.E),
    };
    store.finishRun(done, {
      summary: {},
      modelRun: done,
      report: "r",
      model,
      themes: [
        {
          themeId: "t1",
          idx: 0,
          name: "a",
          color: "#000000",
          kind: "discovered",
          size: 1,
          detail: {},
        },
      ],
      assignments: { ids: ["p1", "p2"], theme: [0, -1], score: [0.9, 0.1] },
      events: [{ kind: "born", themeId: "t1", detail: { x: 1 } }],
    });
    expect(store.model(done)).toEqual(model);
    expect(store.lastRunBefore("p", "2025-W45")?.id).toBe(done);
    expect(store.lastRunBefore("p", "2025-W44")).toBeNull();
    expect([...store.assignments(done)]).toEqual([
      ["p1", [0, 0.9]],
      ["p2", [-1, 0.1]],
    ]);
    expect(store.lastThemeNumber()).toBe(1);
    expect(store.integrity()).toBe("ok");
    store.close();
  });
});

describe("papertrends ingest --store", () => {
  it("adds papers once, then finds them unchanged", async () => {
    const db = join(tmp(), "store.db");
    const dir = join(SHARED, "hf-daily-papers");
    const files = ["2024-12-10.json", "2024-12-11.json"].map((f) => join(dir, f));
    const a = await runCli(["ingest", ...files, "--store", db]);
    expect(a.code).toBe(0);
    expect(a.stdout).toMatch(
      new RegExp(
        `store ${db}: (\\d+) added, 0 updated, 0 unchanged; \\1 papers in the store \\(\\d+ rejected records kept in it with their reasons\\)\\n$`,
      ),
    );
    const b = await runCli(["ingest", ...files, "--store", db, "--json"]);
    const summary = JSON.parse(b.stdout) as { store: { added: number; unchanged: number } };
    expect(summary.store).toMatchObject({ added: 0, updated: 0 });
    expect(summary.store.unchanged).toBeGreaterThan(0);
  });
});

describe("a pipeline reading from its store", () => {
  it("adds its inputs, clusters every stored paper, and records the run with its assignments", async () => {
    const dir = tmp();
    const file = join(dir, "p.yaml");
    writeFileSync(
      file,
      `name: stored\nseed: 3\nstore: ${join(dir, "s.db")}\noutput: ${join(dir, "out")}\nasOf: 2025-10-30\ninputs:\n  - path: ${PAGE}\ncluster: { k: 4 }\ntrends: { period: year }\n`,
    );
    const config = await loadPipeline(file);
    const a = await runPipeline(config);
    const b = await runPipeline(config);
    expect(a.corpus.papers.length).toBe(85); // the dated ones (the store holds undated papers apart)
    expect(b.corpus.papers.map((p) => p.id)).toEqual(a.corpus.papers.map((p) => p.id));
    const store = CorpusStore.open(join(dir, "s.db"));
    const runs = store.runs();
    expect(runs.map((r) => [r.kind, r.status])).toEqual([
      ["run", "done"],
      ["run", "done"],
    ]);
    expect(runs[1]!.summary).toMatchObject({
      papers: 85,
      upsert: { added: 0, updated: 0, unchanged: 92 },
    });
    expect(store.assignments(runs[1]!.id).size).toBe(85);
    expect(store.counts()).toEqual({ papers: 92, undated: 7, runs: 2 });
    store.close();
  }, 60_000);
});

describe("a weekly run that fails", () => {
  it("is recorded as failed, with the error", async () => {
    const dir = tmp();
    const file = join(dir, "p.yaml");
    writeFileSync(file, `name: w\nstore: ${join(dir, "s.db")}\noutput: ${join(dir, "out")}\n`);
    await expect(runWeek(await loadPipeline(file), "2025-W44")).rejects.toThrow(
      `no papers in ${join(dir, "s.db")} dated up to the end of 2025-W44`,
    );
    const store = CorpusStore.open(join(dir, "s.db"));
    expect(store.runs().map((r) => [r.week, r.status])).toEqual([["2025-W44", "failed"]]);
    expect(String((store.runs()[0]!.summary as { error: string }).error)).toMatch(/^no papers in /);
    store.close();
  });
});
