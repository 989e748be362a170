import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
// the dist build: the rendering thread runs compiled JavaScript (`npm test` builds first)
import {
  chartWorkerStarted,
  renderChart,
  renderHere,
  startChartWorker,
  stopChartWorker,
  type RenderedChart,
} from "../../dist/charts/renderer.js";
import { readCharts } from "../../dist/report/charts-files.js";
import { ROOT } from "../helpers.js";

// a committed report's charts: specs, and the SVGs the main thread drew from them
const dir = join(ROOT, "reports", "arxiv-143k", "year", "charts");

describe("the charts' rendering thread", () => {
  afterEach(async () => {
    await stopChartWorker();
  });

  it("draws the same SVG and PNG bytes as the main thread, all charts asked at once", async () => {
    const charts = await readCharts(dir);
    expect(charts.map((c) => c.name)).toContain("theme-map");
    const here: RenderedChart[] = [];
    for (const c of charts) here.push(await renderHere(c.spec));
    startChartWorker();
    expect(chartWorkerStarted()).toBe(true);
    const there = await Promise.all(charts.map((c) => renderChart(c.spec)));
    charts.forEach((c, i) => {
      const svg = readFileSync(join(dir, `${c.name}.svg`), "utf8");
      expect(there[i]?.svg === svg, c.name).toBe(true);
      expect(here[i]?.svg === svg, c.name).toBe(true);
      expect(Buffer.from(there[i]?.png ?? []).equals(Buffer.from(here[i]?.png ?? [])), c.name).toBe(
        true,
      );
      // a PNG's signature
      expect(
        Buffer.from(there[i]?.png ?? [])
          .subarray(1, 4)
          .toString(),
      ).toBe("PNG");
    });
  }, 60_000);

  it("answers a chart it cannot draw with the reason the main thread gives, and draws the next", async () => {
    const [chart] = await readCharts(dir);
    const spec = { mark: "no-such-mark", data: { values: [] } };
    const reason = await renderHere(spec).then(
      () => "drawn",
      (e: unknown) => (e as Error).message,
    );
    expect(reason).toMatch(/Cannot read properties/);
    startChartWorker();
    const bad = renderChart(spec);
    const good = renderChart(chart?.spec ?? {});
    await expect(bad).rejects.toThrow(`chart rendering failed: TypeError: ${reason}`);
    expect((await good).svg).toBe(readFileSync(join(dir, `${chart?.name}.svg`), "utf8"));
  }, 60_000);

  it("draws on the main thread what a stopped thread had not answered, in the same bytes", async () => {
    const charts = await readCharts(dir);
    startChartWorker();
    const asked = charts.map((c) => renderChart(c.spec));
    await stopChartWorker();
    expect(chartWorkerStarted()).toBe(false);
    const drawn = await Promise.all(asked);
    charts.forEach((c, i) =>
      expect(drawn[i]?.svg === readFileSync(join(dir, `${c.name}.svg`), "utf8"), c.name).toBe(true),
    );
  }, 60_000);
});
