import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
// the dist build: the text stage's worker threads run compiled JavaScript
import { loadPipeline } from "../dist/config.js";
import { runPipeline } from "../dist/pipeline.js";
import { chartWorkerStarted, stopChartWorker } from "../dist/charts/renderer.js";
import { tmp } from "./helpers.js";

/** Every file under dir, relative path → bytes. */
function files(dir: string, at = ""): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  for (const name of readdirSync(join(dir, at)).sort()) {
    const rel = join(at, name);
    if (statSync(join(dir, rel)).isDirectory()) for (const [k, v] of files(dir, rel)) out.set(k, v);
    else out.set(rel, readFileSync(join(dir, rel)));
  }
  return out;
}

describe("a run that lets the abstracts and authors go (as `papertrends run` does)", () => {
  it("writes the same folder, corpus.jsonl with its abstracts and authors included; the papers it returns have none", async () => {
    // 9,577 papers: the text stage is fed during ingest by a worker thread
    const config = await loadPipeline("pipelines/hf-daily-weekly.yaml");
    const kept = tmp();
    const released = tmp();
    const a = await runPipeline(config, { out: kept, threads: 2 });
    const b = await runPipeline(config, { out: released, threads: 2, releaseTexts: true });
    expect(a.corpus.papers.every((p) => p.abstract.length > 0)).toBe(true);
    expect(b.corpus.papers.every((p) => p.abstract === "")).toBe(true);
    expect(a.corpus.papers.some((p) => p.authors.length > 0)).toBe(true);
    expect(b.corpus.papers.every((p) => p.authors.length === 0)).toBe(true);
    const fa = files(kept);
    const fb = files(released);
    expect([...fb.keys()]).toEqual([...fa.keys()]);
    for (const [name, bytes] of fa) expect(fb.get(name)?.equals(bytes), name).toBe(true);
    const first = JSON.parse(
      readFileSync(join(released, "corpus.jsonl"), "utf8").split("\n")[0] as string,
    ) as { abstract: string; authors: string[] };
    expect(first.abstract.length).toBeGreaterThan(100);
    expect(first.authors.length).toBeGreaterThan(0);
  }, 120_000);

  it("keeps them when the text stage reads the papers themselves (no worker for a small corpus)", async () => {
    const config = await loadPipeline("pipelines/hf-papers-page.yaml");
    const r = await runPipeline(config, { out: tmp(), threads: 2, releaseTexts: true });
    expect(r.corpus.papers.length).toBeLessThan(8000);
    expect(r.corpus.papers.every((p) => p.abstract.length > 0)).toBe(true);
  }, 60_000);
});

describe("a run on one thread and on two", () => {
  it("writes the same folder: the text stage's worker, the kernel pool and the charts' thread change no byte", async () => {
    const config = await loadPipeline("pipelines/hf-daily-weekly.yaml");
    await stopChartWorker();
    const one = tmp();
    const two = tmp();
    await runPipeline(config, { out: one, threads: 1, releaseTexts: true });
    expect(chartWorkerStarted()).toBe(false);
    await runPipeline(config, { out: two, threads: 2, releaseTexts: true });
    // the charts were drawn on their own thread
    expect(chartWorkerStarted()).toBe(true);
    await stopChartWorker();
    const f1 = files(one);
    const f2 = files(two);
    expect([...f2.keys()]).toEqual([...f1.keys()]);
    expect([...f1.keys()].filter((k) => k.endsWith(".png")).length).toBeGreaterThan(3);
    for (const [name, bytes] of f1) expect(f2.get(name)?.equals(bytes), name).toBe(true);
  }, 120_000);
});
