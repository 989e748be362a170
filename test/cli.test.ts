import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { FIX, PAGE, runCli, tmp, tmpFile } from "./helpers.js";

const cli = (...args: string[]) => runCli(args);

describe("papertrends CLI", () => {
  it("ingest prints a summary per source and writes corpus and rejects", async () => {
    const dir = tmp();
    const out = join(dir, "corpus.jsonl");
    const r = await cli(
      "ingest",
      PAGE,
      join(FIX, "hf-daily"),
      "--as-of",
      "2025-10-30",
      "--out",
      out,
    );
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const lines = r.stdout.split("\n");
    expect(lines[0]).toMatch(
      /^input\s+files\s+read\s+kept\s+duplicates\s+rejected\s+undated\s+dates$/,
    );
    expect(lines[1]).toMatch(
      /hf-papers-search-page-2025-10-30\.txt\s+1\s+92\s+92\s+0\s+0\s+7\s+2016-03-25\.\.2025-10-26$/,
    );
    expect(lines[2]).toMatch(
      /test\/fixtures\/hf-daily\s+5\s+64\s+29\s+0\s+35\s+0\s+2024-05-23\.\.2025-07-02$/,
    );
    expect(r.stdout).toContain("35  item is a string holding a Python repr, not a JSON object");
    const corpus = readFileSync(out, "utf8").trimEnd().split("\n");
    const rejects = readFileSync(join(dir, "corpus.rejects.jsonl"), "utf8").trimEnd().split("\n");
    expect(rejects).toHaveLength(35);
    expect(JSON.parse(rejects[0] as string)).toMatchObject({
      reason: "item is a string holding a Python repr, not a JSON object",
      source: { format: "hf-daily", index: 0 },
    });
    const first = JSON.parse(corpus[0] as string);
    expect(Object.keys(first)).toEqual([
      "id",
      "title",
      "abstract",
      "date",
      "authors",
      "authorCount",
      "source",
    ]);
  });

  it("--json prints a balanced summary", async () => {
    const r = await cli(
      "ingest",
      join(FIX, "arxiv-atom", "q_testing_s0_m10_bc5a6c384fe9.xml"),
      join(FIX, "arxiv-atom", "q_testing_s5_m10_c0e94a259d4a.xml"),
      "--json",
    );
    expect(r.code).toBe(0);
    const s = JSON.parse(r.stdout);
    expect(s.total).toMatchObject({ files: 2, read: 20, kept: 15, duplicates: 5, rejected: 0 });
  });

  it("ingest accepts a pipeline file and --format", async () => {
    const r = await cli("ingest", "pipelines/hf-papers-page.yaml", "--json");
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).total).toMatchObject({ read: 92, kept: 92, undated: 7 });
    const f = await cli(
      "ingest",
      join(FIX, "generic", "arxiver-40.jsonl"),
      "--format",
      "kaggle",
      "--json",
    );
    expect(f.code).toBe(0);
  });

  it("bad input: a message naming file and line, exit 1, no stack trace, no partial output", async () => {
    const out = join(tmp(), "corpus.jsonl");
    const r = await cli("ingest", PAGE, "--out", out);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe(
      `papertrends: ${PAGE}, line 357: date "May 22" has no year; pass --as-of DATE (or asOf in the pipeline file) with the day the page was captured\n`,
    );
    expect(existsSync(out)).toBe(false);
  });

  it("an error feed in a batch fails the whole batch and writes nothing", async () => {
    const out = join(tmp(), "c.jsonl");
    const r = await cli("ingest", join(FIX, "arxiv-atom"), "--out", out);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /id_abc_s0_m100_b79c8dcf6bc3\.xml, entry 1: the arXiv API returned an error: "incorrect id format for abc"/,
    );
    expect(existsSync(out)).toBe(false);
  });

  it("bad options name the value and the allowed ones", async () => {
    const f = await cli("ingest", PAGE, "--format", "pdf");
    expect(f.code).toBe(1);
    expect(f.stderr).toMatch(
      /argument 'pdf' is invalid. Allowed choices are hf-page, hf-daily, arxiv-atom, oai-pmh, kaggle, jsonl, csv/,
    );
    const d = await cli("ingest", PAGE, "--as-of", "30/10/2025");
    expect(d.code).toBe(1);
    expect(d.stderr).toBe(
      'papertrends: invalid --as-of: "30/10/2025" (expected a day as YYYY-MM-DD)\n',
    );
    const m = await cli("ingest", PAGE, "--map", "titel=Title");
    expect(m.stderr).toMatch(/invalid --map field "titel" \(expected one of id, title, abstract/);
  });

  it("a non-UTF-8 file names the byte offset", async () => {
    const file = tmpFile(
      "latin1.txt",
      Buffer.concat([
        Buffer.from("Title\n\nAbstract caf"),
        Buffer.from([0xe9]),
        Buffer.from("\n\n  • 2 authors\n·\nFeb 25, 2021\n"),
      ]),
    );
    const r = await cli("ingest", file, "--format", "hf-page");
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/latin1\.txt, line 3 \(byte 19\): not valid UTF-8 text/);
  });

  it("--help shows examples", async () => {
    const r = await cli("ingest", "--help");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("Examples:");
    expect(r.stdout).toContain(
      "papertrends ingest ../shared/data/hf-daily-papers --out corpus.jsonl",
    );
  });

  it("run writes the pipeline's corpus files", async () => {
    const out = tmp();
    const r = await cli("run", "pipelines/hf-papers-page.yaml", "--out", out);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("pipeline hf-papers-page");
    const summary = JSON.parse(readFileSync(join(out, "summary.json"), "utf8"));
    expect(summary.total).toMatchObject({
      read: 92,
      kept: 92,
      duplicates: 0,
      rejected: 0,
      undated: 7,
    });
  });

  it("same input gives byte-identical output", async () => {
    const a = join(tmp(), "a.jsonl");
    const b = join(tmp(), "b.jsonl");
    await cli("ingest", join(FIX, "hf-daily"), PAGE, "--as-of", "2025-10-30", "--out", a);
    await cli("ingest", join(FIX, "hf-daily"), PAGE, "--as-of", "2025-10-30", "--out", b);
    expect(readFileSync(a)).toEqual(readFileSync(b));
  });
});

describe("papertrends cluster", () => {
  it("writes assignments.csv, themes.json and model.json; same seed, byte-identical files", async () => {
    const a = tmp();
    const b = tmp();
    const r1 = await cli("cluster", "pipelines/hf-papers-page.yaml", "--out", a);
    const r2 = await cli("cluster", "pipelines/hf-papers-page.yaml", "--out", b);
    expect(r1.code).toBe(0);
    expect(r1.stderr).toBe("");
    expect(r1.stdout).toMatch(/^92 papers\nk = 8, silhouette /);
    expect(r1.stdout).toMatch(/\nself-improvement\s+guided\s+\d+/);
    expect(r2.code).toBe(0);
    for (const f of ["assignments.csv", "themes.json", "model.json"]) {
      expect(readFileSync(join(a, f)), f).toEqual(readFileSync(join(b, f)));
    }
    const csv = readFileSync(join(a, "assignments.csv"), "utf8").split("\n");
    expect(csv[0]).toBe("id,title,date,theme,theme_id,score,kmeans_theme,map_x,map_y");
    expect(csv).toHaveLength(94);
    const themes = JSON.parse(readFileSync(join(a, "themes.json"), "utf8"));
    expect(themes.themes[0]).toMatchObject({ name: "self-improvement", kind: "guided" });
    expect(Object.keys(themes.themes[0])).toEqual(
      expect.arrayContaining([
        "name",
        "kind",
        "seedTerms",
        "labels",
        "size",
        "representatives",
        "silhouette",
      ]),
    );
    const model = JSON.parse(readFileSync(join(a, "model.json"), "utf8"));
    expect(model.tfidf).toMatchObject({ kind: "papertrends.tfidf", version: 1 });
    expect(model.tfidf.vocabulary.length).toBe(model.tfidf.idf.length);
    expect(model.centroids).toHaveLength(8);
  });

  it("a different seed can give different files", async () => {
    const a = tmp();
    const b = tmp();
    await cli("cluster", "pipelines/hf-papers-page.yaml", "--out", a, "--seed", "1");
    await cli("cluster", "pipelines/hf-papers-page.yaml", "--out", b, "--seed", "2");
    expect(readFileSync(join(a, "themes.json"), "utf8")).not.toEqual(
      readFileSync(join(b, "themes.json"), "utf8"),
    );
  });

  it("clusters an ingested corpus unguided, scoring against a label field", async () => {
    const dir = tmp();
    const corpus = join(dir, "corpus.jsonl");
    expect(
      (
        await cli(
          "ingest",
          join(FIX, "oai-pmh", "arXivRaw-cs-2019-10-first20.xml"),
          join(FIX, "kaggle"),
          "--out",
          corpus,
        )
      ).code,
    ).toBe(0);
    const r = await cli(
      "cluster",
      corpus,
      "--k",
      "4",
      "--labels",
      "categories",
      "--out",
      join(dir, "t"),
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/NMI \d\.\d{3}, ARI -?\d\.\d{3} vs categories \(50 papers\)/);
    const themes = JSON.parse(readFileSync(join(dir, "t", "themes.json"), "utf8"));
    expect(themes.themes.every((t: { kind: string }) => t.kind === "discovered")).toBe(true);
  });

  it("bad k and too-large k are clear errors", async () => {
    const out = tmp();
    const bad = await cli("cluster", "pipelines/hf-papers-page.yaml", "--k", "many", "--out", out);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toBe(
      'papertrends: invalid k: "many" (expected a whole number ≥ 1, or auto)\n',
    );
    const big = await cli("cluster", "pipelines/hf-papers-page.yaml", "--k", "500", "--out", out);
    expect(big.code).toBe(1);
    expect(big.stderr).toBe(
      "papertrends: k = 500 is larger than the number of papers (92); lower cluster.k (or --k)\n",
    );
  });

  it("--threads is checked; --timings prints every stage's time and memory to stderr", async () => {
    const out = tmp();
    const bad = await cli(
      "cluster",
      "pipelines/hf-papers-page.yaml",
      "--threads",
      "0",
      "--out",
      out,
    );
    expect(bad.code).toBe(1);
    expect(bad.stderr).toBe(
      'papertrends: invalid --threads: "0" (expected a whole number from 1 to 64)\n',
    );
    const r = await cli(
      "cluster",
      "pipelines/hf-papers-page.yaml",
      "--threads",
      "2",
      "--timings",
      "--out",
      out,
    );
    expect(r.code).toBe(0);
    const stages = r.stderr
      .split("\n")
      .filter((l) => /^ {2}\S/.test(l))
      .map((l) => l.trim().split(/\s{2,}/)[0]);
    expect(stages).toEqual([
      "ingest",
      "tokenize, vectorize",
      "lsa",
      "k-means",
      "labels, quality",
      "write",
      "total",
    ]);
    expect(r.stderr).toMatch(/^stage times\n/);
    expect(r.stdout).not.toContain("stage times");
  });
});

describe("papertrends trends", () => {
  it("from a cluster folder: series with zeros, rising themes and terms, bursts; deterministic", async () => {
    const dir = tmp();
    expect((await cli("cluster", "pipelines/hf-papers-page.yaml", "--out", dir)).code).toBe(0);
    const a = tmp();
    const b = tmp();
    const r = await cli("trends", dir, "--period", "year", "--as-of", "2025-10-30", "--out", a);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(
      "(year in progress, 303 days of 365: not tested, never read as a drop)",
    );
    expect(r.stdout).toContain("recent 2024 vs baseline 2018..2023 (Fisher exact, BH q < 0.05)");
    expect(r.stdout).toMatch(
      /↑ self-improvement: \d+\.\d% now vs \d+\.\d% \(×(new|\d+\.\d\d)\), \d+\/32 vs \d+\/38, p=[\d.e-]+, q=0\.0[0-4]\d*/,
    );
    await cli("trends", dir, "--period", "year", "--as-of", "2025-10-30", "--out", b);
    for (const f of ["trends.csv", "rising.csv", "rising.json", "bursts.json"]) {
      expect(readFileSync(join(a, f)), f).toEqual(readFileSync(join(b, f)));
    }
    const csv = readFileSync(join(a, "trends.csv"), "utf8").trimEnd().split("\n");
    expect(csv[0]).toBe(
      "period,start,end,complete,theme,count,total,share,upvotes_sum,upvotes_median",
    );
    expect(csv).toContain("2018,2018-01-01,2018-12-31,true,self-improvement,0,0,0,0,");
    const rising = JSON.parse(readFileSync(join(a, "rising.json"), "utf8"));
    expect(rising.window).toEqual({
      recent: ["2024"],
      baseline:
        ["2019", "2020", "2021", "2022", "2023"].map((y) => y).slice(0) && rising.window.baseline,
      skipped: "2025",
    });
    expect(rising.undated).toBe(7);
    const dpo = rising.terms.find((t: { name: string }) => t.name === "dpo");
    expect(dpo).toMatchObject({ direction: "rising", countNow: 10, totalNow: 32, countBase: 0 });
    expect(dpo.examples.length).toBeGreaterThan(0);
    const bursts = JSON.parse(readFileSync(join(a, "bursts.json"), "utf8"));
    expect(bursts.themes.map((t: { theme: string }) => t.theme).slice(0, 3)).toEqual([
      "self-improvement",
      "contrastive-ssl",
      "preference-optimization",
    ]);
  });

  it("explains what is missing", async () => {
    const dir = tmp();
    expect((await cli("cluster", "pipelines/hf-papers-page.yaml", "--out", dir)).code).toBe(0);
    const early = await cli("trends", dir, "--as-of", "2016-01-01", "--out", tmp());
    expect(early.code).toBe(1);
    expect(early.stderr).toBe(
      "papertrends: --as-of 2016-01-01 is before the earliest paper (2016-03-25); choose a later day\n",
    );
    const short = await cli("trends", dir, "--as-of", "2016-07-15", "--out", tmp());
    expect(short.code).toBe(1);
    expect(short.stderr).toBe(
      "papertrends: the rising test needs 7 complete months (trends.recent + trends.baseline), the data has 4 (2016-03..2016-06); lower trends.baseline or trends.recent, or use a shorter --period\n",
    );
    const noDir = await cli("trends", tmp(), "--out", tmp());
    expect(noDir.code).toBe(1);
    expect(noDir.stderr).toMatch(
      /model\.json: cannot read model\.json: give a folder written by papertrends cluster or run/,
    );
  });
});

describe("papertrends run and chart", () => {
  it("run writes the report folder; chart re-renders it for slides (1920×1080 PNGs)", async () => {
    const out = tmp();
    const r = await cli("run", "pipelines/hf-papers-page.yaml", "--out", out);
    expect(r.code).toBe(0);
    for (const f of [
      "report.md",
      "report.html",
      "tables/themes.csv",
      "charts/theme-share.vl.json",
      "charts/theme-share.svg",
      "charts/theme-share.png",
    ]) {
      expect(existsSync(join(out, f)), f).toBe(true);
    }
    const c = await cli("chart", out, "--preset", "slide");
    expect(c.code).toBe(0);
    expect(c.stdout).toContain("6 charts at the slide preset");
    const png = readFileSync(join(out, "charts-slide", "rising.png"));
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([1920, 1080]);
    const missing = await cli("chart", tmp(), "--preset", "paper");
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(
      /charts: cannot read charts\/: give a folder written by papertrends cluster or run/,
    );
  });
});

describe("papertrends report", () => {
  it("writes a report from a cluster folder without clustering again", async () => {
    const dir = tmp();
    expect((await cli("cluster", "pipelines/hf-papers-page.yaml", "--out", dir)).code).toBe(0);
    const r = await cli("report", dir, "--period", "year", "--as-of", "2025-10-30");
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`wrote ${join(dir, "report")}/`);
    const md = readFileSync(join(dir, "report", "report.md"), "utf8");
    expect(md).toContain("## Headline");
    expect(md).toMatch(/self-improvement rose to \d+\.\d% of papers in 2024/);
    for (const f of [
      "report.html",
      "charts/theme-map.svg",
      "charts/rising.png",
      "tables/themes.csv",
      "trends.csv",
    ]) {
      expect(existsSync(join(dir, "report", f)), f).toBe(true);
    }
  });
});

describe("papertrends run --week and fetch: input errors", () => {
  it("name the bad value and the fix, exit 1", async () => {
    expect(await cli("run", "pipelines/hf-daily-weekly.yaml", "--week", "2025-W44")).toEqual({
      code: 1,
      stdout: "",
      stderr: `papertrends: pipelines/hf-daily-weekly.yaml: run --week needs a corpus store: add "store: FILE" to the pipeline\n`,
    });
    expect((await cli("run", "pipelines/hf-weekly.yaml", "--week", "2025-W53")).stderr).toBe(
      `papertrends: invalid --week: "2025-W53" (expected an ISO week, e.g. 2025-W44)\n`,
    );
    expect(await cli("fetch", "arxiv", "--from", "2025-11-02", "--to", "2025-11-01")).toEqual({
      code: 1,
      stdout: "",
      stderr: "papertrends: invalid range: --from 2025-11-02 is after --to 2025-11-01\n",
    });
  }, 30_000);
});
