import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadPipeline, parsePipeline, pipelineJsonSchema } from "../src/config.js";
import { ROOT } from "./helpers.js";

describe("pipeline files", () => {
  it("loads the bundled default pipeline with paths relative to the pipeline file", async () => {
    const cfg = await loadPipeline("pipelines/hf-papers-page.yaml");
    expect(cfg).toMatchObject({
      name: "hf-papers-page",
      seed: 42,
      asOf: "2025-10-30",
      inputs: [{ path: "data/hf-papers-search-page-2025-10-30.txt", format: "hf-page" }],
      output: "reports/hf-papers-page",
    });
  });

  it("loads every bundled pipeline; the weekly one's store and inputs are relative to it", async () => {
    for (const f of readdirSync(join(ROOT, "pipelines")).filter((n) => n.endsWith(".yaml")))
      await loadPipeline(join("pipelines", f));
    const weekly = await loadPipeline("pipelines/hf-weekly.yaml");
    expect(weekly).toMatchObject({
      store: "data/store/hf-weekly.db",
      inputs: [{ path: "data/hf-daily-papers.jsonl.gz", format: "corpus" }],
      incremental: { refitEvery: 4 },
    });
  });

  it("needs inputs, a store or both; rejects a bad fetch URL", () => {
    expect(() => parsePipeline("p.yaml", "seed: 1\n")).toThrow(
      "p.yaml: invalid pipeline file\n  inputs: a pipeline needs inputs, a store, or both",
    );
    expect(() =>
      parsePipeline("p.yaml", "store: s.db\nfetch:\n  arxiv: { baseUrl: ftp://x }\n"),
    ).toThrow("fetch.arxiv.baseUrl: expected an http:// or https:// URL");
    expect(parsePipeline("p.yaml", "store: s.db\n").inputs).toEqual([]);
  });

  it("rejects unknown keys, naming the key and the allowed ones", () => {
    expect(() =>
      parsePipeline("p.yaml", "inputs:\n  - path: x\n    fromat: csv\nseeds: 3\n"),
    ).toThrow(
      [
        "p.yaml: invalid pipeline file",
        '  inputs.0: unknown key "fromat" (allowed: path, format, mapping)',
        '  top level: unknown key "seeds" (allowed: name, description, seed, threads, asOf, inputs, store, incremental, fetch, mapping, output, text, vectorize, cluster, themes, labels, trends)',
      ].join("\n"),
    );
  });

  it("rejects bad values with the allowed ones", () => {
    expect(() => parsePipeline("p.yaml", "inputs:\n  - path: x\n    format: pdf\n")).toThrow(
      /inputs\.0\.format: Invalid option: expected one of "hf-page"\|"hf-daily"/,
    );
    expect(() => parsePipeline("p.yaml", "asOf: 2025-13-01\ninputs:\n  - path: x\n")).toThrow(
      "asOf: expected a day as YYYY-MM-DD",
    );
    expect(() => parsePipeline("p.yaml", "inputs: []\n")).toThrow(/inputs: Too small/);
    expect(() =>
      parsePipeline("p.yaml", "inputs:\n  - path: x\nmapping:\n  titel: Title\n"),
    ).toThrow(/mapping: unknown key "titel" \(allowed: id, title, abstract, date/);
  });

  it("reports YAML syntax errors with the line", () => {
    expect(() => parsePipeline("p.yaml", "inputs:\n  - path: [x\n")).toThrow(
      /^p\.yaml:\d+: invalid YAML/,
    );
  });

  it("keeps the committed JSON Schema current (npm run schema)", () => {
    const committed = JSON.parse(
      readFileSync(join(ROOT, "pipelines", "pipeline.schema.json"), "utf8"),
    );
    expect(committed).toEqual(pipelineJsonSchema());
  });
});

describe("theme settings in pipeline files", () => {
  it("validates cluster and themes sections", () => {
    const base = "inputs:\n  - path: x\n";
    expect(() => parsePipeline("p.yaml", base + "cluster:\n  k: lots\n")).toThrow(/cluster\.k: /);
    expect(() => parsePipeline("p.yaml", base + "cluster:\n  kk: 3\n")).toThrow(
      /cluster: unknown key "kk" \(allowed: k, kRange, restarts/,
    );
    expect(() =>
      parsePipeline(
        "p.yaml",
        base + "themes:\n  - name: a\n    seeds: [x]\n  - name: a\n    seeds: [y]\n",
      ),
    ).toThrow("themes: theme names must be unique");
    expect(() =>
      parsePipeline("p.yaml", base + "themes:\n  - name: other\n    seeds: [x]\n"),
    ).toThrow(/"other" is reserved/);
    expect(() => parsePipeline("p.yaml", base + "vectorize:\n  norm: l3\n")).toThrow(
      /vectorize\.norm: Invalid option/,
    );
    const ok = parsePipeline(
      "p.yaml",
      base + "cluster:\n  k: auto\n  kRange: [3, 9]\nthemes:\n  - name: t\n    seeds: [a b]\n",
    );
    expect(ok.cluster).toEqual({ k: "auto", kRange: [3, 9] });
  });
});
