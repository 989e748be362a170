import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { parse as parseCsv } from "csv-parse/sync";
import { chromium } from "playwright-core";
import { beforeAll, describe, expect, it } from "vitest";
import { loadPipeline } from "../../src/config.js";
import { runPipeline } from "../../src/pipeline.js";
import { esc, scriptJson } from "../../src/report/html.js";
import { md } from "../../src/report/markdown.js";
import { ingest } from "../../src/ingest/index.js";
import { paperToJson } from "../../src/report/corpus-files.js";
import { assignmentsCsv } from "../../src/report/themes-files.js";
import type { ClusterResult } from "../../src/cluster/index.js";
import { Format, type Paper } from "../../src/ingest/types.js";
import { PAGE, tmp } from "../helpers.js";

const EVIL = `<script>window.__xss = 1</script> "><img src=x onerror="window.__xss = 2">`;
const CHROMIUM = "/usr/bin/chromium";

describe("escaping", () => {
  it("HTML text, script JSON and Markdown", () => {
    expect(esc(`<a href="x">'&'</a>`)).toBe(
      "&#60;a href=&#34;x&#34;&#62;&#39;&#38;&#39;&#60;/a&#62;",
    );
    expect(scriptJson({ t: "</script><!--" })).toBe('{"t":"\\u003c/script\\u003e\\u003c!--"}');
    expect(md("# *bold* [link](x) <b> | cell")).toBe(
      "\\# \\*bold\\* \\[link\\](x) \\<b\\> \\| cell",
    );
  });
});

describe("report.html in a real browser", () => {
  let out: string;
  beforeAll(async () => {
    // the bundled page, every title prefixed with markup that would run if unescaped (its
    // tokens are in every paper, above maxDf, so they leave the vocabulary: themes are unchanged)
    const corpus = await ingest([{ path: PAGE }], { asOf: "2025-10-30" });
    const dir = tmp();
    const input = join(dir, "corpus.jsonl");
    writeFileSync(
      input,
      corpus.papers.map((p) => paperToJson({ ...p, title: `${EVIL} ${p.title}` })).join("\n") +
        "\n",
    );
    out = join(dir, "report");
    const config = await loadPipeline("pipelines/hf-papers-page.yaml");
    await runPipeline(config, { inputs: [input], out });
  }, 120_000);

  it("keeps the hostile title as text in Markdown and HTML", () => {
    const html = readFileSync(join(out, "report.html"), "utf8");
    expect(html).not.toContain("<img src=x");
    expect(html).not.toContain("<script>window.__xss");
    const mdText = readFileSync(join(out, "report.md"), "utf8");
    expect(mdText).toContain("\\<img src=x"); // escaped: Markdown shows it as text
    expect(mdText).not.toMatch(/(^|[^\\])<(img|script)/);
  });

  it.skipIf(!existsSync(CHROMIUM) && !process.env.CI)(
    "opens from file:// offline: no console errors, every chart drawn, nothing injected runs",
    async () => {
      const browser = await chromium.launch({
        executablePath: CHROMIUM,
        args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
      });
      try {
        const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
        const errors: string[] = [];
        page.on("console", (m) => {
          if (m.type() === "error") errors.push(m.text());
        });
        page.on("pageerror", (e) => errors.push(e.message));
        const requests: string[] = [];
        page.on("request", (r) => {
          if (!r.url().startsWith("file:") && !r.url().startsWith("data:")) requests.push(r.url());
        });
        await page.goto(pathToFileURL(join(out, "report.html")).href);
        const charts = await page.locator(".chart").count();
        expect(charts).toBe(6);
        // (page functions as strings: this project's TypeScript has no DOM types)
        await page.waitForFunction(
          `document.querySelectorAll(".chart svg.marks").length === ${charts}`,
          undefined,
          {
            timeout: 30_000,
          },
        );
        expect(await page.evaluate("window.__xss")).toBeUndefined();
        expect(await page.locator("img[src=x]").count()).toBe(0);
        expect(await page.textContent("body")).toContain(
          '<script>window.__xss = 1</script> "><img src=x',
        );
        expect(errors).toEqual([]);
        expect(requests).toEqual([]); // self-contained: nothing fetched
        await page.screenshot({ path: join(out, "screenshot.png"), fullPage: true });
        expect(existsSync(join(out, "screenshot.png"))).toBe(true);
      } finally {
        await browser.close();
      }
    },
    120_000,
  );
});

describe("assignments.csv", () => {
  const papers = [
    { id: "2401.00001", title: 'A "quoted", title', date: "2024-01-02" },
    { id: "id,with,commas", title: "line\nbreak", date: null },
    { id: "2401.00003", title: "plain", date: "2024-01-03" },
  ].map((p): Paper => ({
    ...p,
    abstract: "",
    authors: [],
    source: { file: "x", format: Format.jsonl },
  }));
  const result = (map: Float64Array | null): ClusterResult =>
    ({
      themes: [{ name: 'graphs, "networks"' }, { name: "plain theme" }],
      theme: Int32Array.from([0, -1, 1]),
      rawLabels: Int32Array.from([0, 1, 1]),
      score: Float64Array.from([0.5, 0.1234567, -0.25]),
      map,
    }) as unknown as ClusterResult;

  /** The records of a CSV text, read by the parser the project reads CSV with. */
  const parse = (text: string): string[][] => parseCsv(text) as string[][];

  it("quotes what needs it, in chunks of whole lines, whatever the chunk size", () => {
    const want = [
      ["id", "title", "date", "theme", "theme_id", "score", "kmeans_theme", "map_x", "map_y"],
      [
        "2401.00001",
        'A "quoted", title',
        "2024-01-02",
        'graphs, "networks"',
        "0",
        "0.500000",
        'graphs, "networks"',
        "1.0000",
        "-2.0000",
      ],
      [
        "id,with,commas",
        "line\nbreak",
        "",
        "other",
        "-1",
        "0.123457",
        "plain theme",
        "0.1235",
        "0.0000",
      ],
      [
        "2401.00003",
        "plain",
        "2024-01-03",
        "plain theme",
        "1",
        "-0.250000",
        "plain theme",
        "3.5000",
        "4.0000",
      ],
    ];
    const map = Float64Array.from([1, -2, 0.12345, 0, 3.5, 4]);
    for (const size of [1, 2, 3, 1024]) {
      const chunks = [...assignmentsCsv(papers, result(map), size)];
      expect(chunks.length).toBe(1 + Math.ceil(papers.length / size));
      expect(chunks.slice(1).map((c) => c.length)).toEqual(
        chunks.slice(1).map((_, i) => Math.min(size, papers.length - i * size)),
      );
      for (const line of chunks.flat()) expect(line.endsWith("\n")).toBe(true);
      expect(parse(chunks.flat().join(""))).toEqual(want);
    }
    // without the LSA map, the two last fields are empty
    const rows = parse([...assignmentsCsv(papers, result(null))].flat().join(""));
    expect(rows.slice(1).map((r) => r.slice(7))).toEqual([
      ["", ""],
      ["", ""],
      ["", ""],
    ]);
  });
});
