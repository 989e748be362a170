import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Ajv } from "ajv";
import { beforeAll, describe, expect, it } from "vitest";
import { compileSpec, renderSvg, svgToPng, svgToPngAsync } from "../../src/charts/render.js";
import { renderHere, type RenderedChart } from "../../src/charts/renderer.js";
import { PRESETS, themeColor, withPreset, type Preset } from "../../src/charts/specs.js";
import { loadPipeline } from "../../src/config.js";
import { ingest } from "../../src/ingest/index.js";
import { buildCharts, type Chart } from "../../src/report/charts-files.js";
import { startReportCharts, startThemeCharts } from "../../src/report/report-files.js";
import { runThemes, runTrends, themeSettings, trendSettings } from "../../src/pipeline.js";
import { ROOT } from "../helpers.js";

const schema = JSON.parse(
  readFileSync(join(ROOT, "node_modules", "vega-lite", "build", "vega-lite-schema.json"), "utf8"),
);

/** The HF Papers page's papers, themes and trends, as the charts are built from them. */
async function chartInputs() {
  const config = await loadPipeline("pipelines/hf-papers-page.yaml");
  const corpus = await ingest(config.inputs, { asOf: "2025-10-30" });
  const themes = await runThemes(corpus.papers, themeSettings(config));
  const trends = runTrends(
    corpus.papers,
    { theme: themes.result.theme, names: themes.result.themes.map((t) => t.name) },
    { matrix: themes.matrix, vocabulary: themes.model.vocabulary, display: themes.display },
    trendSettings(config),
  );
  return { papers: corpus.papers, themes: themes.result, trends };
}

async function chartsFor(preset: Preset): Promise<Chart[]> {
  const { papers, themes, trends } = await chartInputs();
  return buildCharts(papers, themes, trends, { corpus: "HF Papers page, 2025-10-30", preset });
}

describe("charts", () => {
  let charts: Chart[];
  beforeAll(async () => {
    charts = await chartsFor("web");
  });

  it("builds the six charts, each valid against the Vega-Lite JSON schema", () => {
    expect(charts.map((c) => c.name)).toEqual([
      "theme-volume",
      "theme-share",
      "rising",
      "term-heatmap",
      "theme-sizes",
      "theme-map",
    ]);
    const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false, logger: false });
    const validate = ajv.compile(schema);
    for (const c of charts) {
      const ok = validate(c.spec);
      expect(ok ? [] : validate.errors?.slice(0, 3), c.name).toEqual([]);
    }
  });

  it("compiles without a warning from the Vega-Lite compiler", () => {
    for (const c of charts) expect(compileSpec(c.spec).warnings, c.name).toEqual([]);
  });

  it("carries the corpus and date range in subtitles, and theme colours derived from names", () => {
    const share = charts.find((c) => c.name === "theme-share")?.spec as {
      title: { subtitle: string[] };
    };
    expect(share.title.subtitle[0]).toBe("HF Papers page, 2025-10-30");
    expect(share.title.subtitle[1]).toMatch(
      /^2016-01-01 to 2025-10-30 \(2025 in progress, 303 of 365 days: not drawn\)/,
    );
    expect(themeColor("self-improvement")).toBe(themeColor("self-improvement"));
    expect(themeColor("self-improvement")).not.toBe(themeColor("contrastive-ssl"));
    expect(themeColor("other")).toBe("#9e9e9e");
    const volume = charts.find((c) => c.name === "theme-volume")?.spec as {
      encoding: { color: { scale: { domain: string[]; range: string[] } } };
    };
    const { domain, range } = volume.encoding.color.scale;
    domain.forEach((name, i) => expect(range[i]).toBe(themeColor(name)));
  });

  it("starts the theme charts before the trends: the same charts, in order, to the same bytes", async () => {
    const { papers, themes, trends } = await chartInputs();
    const ctx = { corpus: "HF Papers page, 2025-10-30", preset: "web" as const };
    // a run draws the theme charts first (the map among them), then the trend charts
    const started = startThemeCharts(papers, themes, ctx)(trends);
    expect(started.charts).toEqual(charts);
    expect(startReportCharts({ papers, themes, trends, ...ctx }).charts).toEqual(charts);
    const early = await Promise.all(started.drawn);
    // drawn one by one in the report's order instead
    const inOrder: RenderedChart[] = [];
    for (const c of charts) inOrder.push(await renderHere(c.spec));
    expect(early.map((d) => d.svg)).toEqual(inOrder.map((d) => d.svg));
    early.forEach((d, i) =>
      expect(Buffer.from(d.png).equals(Buffer.from(inOrder[i]?.png ?? []))).toBe(true),
    );
  }, 60_000);

  it.each(PRESETS.map((p) => [p]))(
    "renders SVG and a PNG of the %s preset's size",
    async (preset) => {
      const c = (await chartsFor(preset)).find((x) => x.name === "rising") as Chart;
      const svg = await renderSvg(c.spec);
      expect(svg.startsWith("<svg")).toBe(true);
      expect(svg).toContain("DejaVu Sans");
      const png = await svgToPngAsync(svg);
      expect(png.subarray(1, 4).toString()).toBe("PNG");
      // drawn on the thread pool or on the main thread: the same bytes
      expect(png.equals(svgToPng(svg))).toBe(true);
      const width = png.readUInt32BE(16);
      const height = png.readUInt32BE(20);
      const size = { slide: [1920, 1080], paper: [520, 320], web: [960, 540] }[preset];
      expect([width, height]).toEqual(size);
    },
  );

  it("re-rendering at another preset (papertrends chart) gives the chart built at that preset", async () => {
    const slide = await chartsFor("slide");
    const paper = await chartsFor("paper");
    const round = (v: unknown): unknown =>
      JSON.parse(JSON.stringify(v), (_k, x) =>
        typeof x === "number" ? Math.round(x * 1e4) / 1e4 : x,
      );
    charts.forEach((c, i) => {
      expect(round(withPreset(c.spec, "slide")), c.name).toEqual(round(slide[i]?.spec));
      expect(round(withPreset(c.spec, "paper")), c.name).toEqual(round(paper[i]?.spec));
    });
  });
});
