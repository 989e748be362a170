import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { loadPipeline } from "../../src/config.js";
import { place, type Placement } from "../../src/cluster/index.js";
import { CorpusStore, ingestIntoStore } from "../../src/store/index.js";
import { tokenizeCorpus } from "../../src/text/tokenize.js";
import { transform, type TfidfModel } from "../../src/vectorize/tfidf.js";
import { eventSentence, runWeek, type ModelMeta, type WeeklyResult } from "../../src/weekly/run.js";
import { esc } from "../../src/report/html.js";
import { SHARED, tmp } from "../helpers.js";
import { ingest } from "../../src/ingest/index.js";
import { files, weeklyPipeline } from "./pipeline.js";

async function weeks(dir: string): Promise<WeeklyResult[]> {
  const config = await loadPipeline(weeklyPipeline(dir));
  const out: WeeklyResult[] = [];
  for (const w of ["2024-W30", "2024-W31", "2024-W33"]) out.push(await runWeek(config, w));
  return out;
}

describe("weekly runs on a corpus store", () => {
  it("keep theme ids across weeks, place only new papers, re-fit on schedule and report what changed", async () => {
    const dir = tmp();
    const [r1, r2, r3] = (await weeks(dir)) as [WeeklyResult, WeeklyResult, WeeklyResult];
    const store = CorpusStore.open(join(dir, "store.db"));
    try {
      // week 1: the first fit
      expect(r1).toMatchObject({
        mode: "refit",
        reasons: ["first run: no earlier model"],
        events: [],
      });
      expect(r1.themes.map((t) => t.themeId)).toEqual([
        "t1",
        "t2",
        "t3",
        "t4",
        "t5",
        "t6",
        "t7",
        "t8",
      ]);
      expect(r1.store.added).toBe(9577);
      // week 2: the saved model places only the papers the first run did not have
      expect([r2.mode, r2.reasons]).toEqual(["incremental", []]);
      expect(Math.abs(r2.drift ?? 1)).toBeLessThan(0.02);
      expect(r2.newPapers).toBe(r2.papers - r1.papers);
      expect(r2.newPapers).toBeGreaterThan(50);
      expect(r2.store).toMatchObject({ added: 0, updated: 0, unchanged: 9577 });
      expect(r2.themes.map((t) => [t.themeId, t.name])).toEqual(
        r1.themes.map((t) => [t.themeId, t.name]),
      );
      const a1 = store.assignments(r1.runId);
      const a2 = store.assignments(r2.runId);
      expect(a2.size).toBe(r2.papers);
      for (const [id, a] of a1) expect(a2.get(id)).toEqual(a);
      expect(store.run(r2.runId)?.modelRun).toBe(r1.runId);
      // week 4: three weeks after the fit, a re-fit, matched to week 2's themes
      expect(r3.mode).toBe("refit");
      expect(r3.reasons).toEqual([
        "3 weeks since the model was fitted (2024-W30); incremental.refitEvery is 3",
      ]);
      const guided = (r: WeeklyResult) =>
        r.themes.find((t) => t.name === "preference-optimization");
      expect(guided(r3)?.themeId).toBe(guided(r1)?.themeId);
      const kept = r3.themes.filter((t) => r2.themes.some((u) => u.themeId === t.themeId));
      expect(kept.length).toBeGreaterThanOrEqual(5);
      for (const t of kept)
        expect(t.name).toBe(r2.themes.find((u) => u.themeId === t.themeId)?.name);
      const fresh = r3.themes.filter((t) => !kept.includes(t)).map((t) => t.themeId);
      expect(fresh).toEqual(fresh.map((_, i) => `t${9 + i}`));
      // every event is in the store and in the report
      expect(store.events(r3.runId).map((e) => e.detail)).toEqual(r3.events);
      expect(r3.events.length).toBeGreaterThan(0);
      const md3 = readFileSync(join(dir, "reports", "2024-W33", "report.md"), "utf8");
      expect(md3).toContain("## What changed since the last run (2024-W31)\n");
      expect(md3).toContain(`of 8 continue a theme of the last run, with its id, name and colour.`);
      for (const e of r3.events)
        expect(md3).toContain(eventSentence(e).replace(/[*_[\]<>|~`\\]/g, (c) => `\\${c}`));
      const html3 = readFileSync(join(dir, "reports", "2024-W33", "report.html"), "utf8");
      expect(html3).toContain('<h2 id="changes">What changed since the last run (2024-W31)</h2>');
      for (const e of r3.events) expect(html3).toContain(`<li>${esc(eventSentence(e))}</li>`);
      const md2 = readFileSync(join(dir, "reports", "2024-W31", "report.md"), "utf8");
      expect(md2).toContain(
        `- Themes kept from the model fitted in 2024-W30; ${r2.newPapers} new papers placed with it.\n`,
      );
      expect(md2).toMatch(/\| id \| theme \| kind \|/);
      const themesJson = JSON.parse(
        readFileSync(join(dir, "reports", "2024-W33", "themes.json"), "utf8"),
      ) as {
        themes: { key: string }[];
      };
      expect(themesJson.themes.map((t) => t.key)).toEqual(r3.themes.map((t) => t.themeId));
      expect(store.runs().map((r) => [r.week, r.status])).toEqual([
        ["2024-W30", "done"],
        ["2024-W31", "done"],
        ["2024-W33", "done"],
      ]);

      // the saved model places the fitted papers where the fit put them
      const saved = store.model(r1.runId)!;
      const meta = saved.meta as ModelMeta;
      const papers = store.papers("2024-07-28");
      const placement: Placement = {
        ...meta.placement,
        centroids: saved.centroids,
        projection: { d: meta.placement.d, cols: saved.cols!, components: saved.components! },
      };
      const placed = place(
        transform(saved.tfidf as TfidfModel, tokenizeCorpus(papers, meta.text)),
        placement,
      );
      let same = 0;
      papers.forEach((p, i) => {
        if (a1.get(p.id)?.[0] === placed.theme[i]) same++;
      });
      expect(same / papers.length).toBeGreaterThan(0.97);
    } finally {
      store.close();
    }

    // the same weeks on a new store give the same reports, byte for byte
    const dir2 = tmp();
    await weeks(dir2);
    const norm = (m: Map<string, string>, d: string) =>
      new Map([...m].map(([k, v]) => [k, v.split(d).join("<dir>")]));
    expect(norm(files(join(dir2, "reports")), dir2)).toEqual(
      norm(files(join(dir, "reports")), dir),
    );
  }, 240_000);
});

describe("vocabulary drift", () => {
  it("re-fits early when the new papers come from another field", async () => {
    const dir = tmp();
    const config = await loadPipeline(weeklyPipeline(dir));
    await runWeek(config, "2024-W30");
    // 1,200 papers of another source and time (cs in 2019, and physics and maths), all new
    const other = await ingest([
      { path: join(SHARED, "arxiv-oai-pmh") },
      { path: join(SHARED, "kaggle-arxiv-snapshot") },
    ]);
    await ingestIntoStore(config.store as string, other, []);
    const r = await runWeek(config, "2024-W31");
    expect(r.mode).toBe("refit");
    expect(r.drift).toBeGreaterThan(0.02);
    expect(r.reasons).toEqual([
      `vocabulary drift ${(r.drift as number).toFixed(3)} above incremental.driftThreshold 0.02`,
    ]);
  }, 120_000);
});
