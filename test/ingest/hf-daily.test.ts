import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Format } from "../../src/ingest/types.js";
import { FIX, parseAll, papersOf, read, rejectsOf, tmpFile } from "../helpers.js";

const dir = join(FIX, "hf-daily");

describe("Hugging Face daily-papers API JSON", () => {
  it("reads a response: date from paper.publishedAt, upvotes, comments, keywords, org, authors", async () => {
    const items = await parseAll(Format.hfDaily, join(dir, "2024-05-27.json"));
    const papers = papersOf(items);
    expect(papers).toHaveLength(13);
    expect(papers[0]).toMatchObject({
      id: "2405.15738",
      title: "ConvLLaVA: Hierarchical Backbones as Visual Encoder for Large Multimodal Models",
      date: "2024-05-24",
      upvotes: 32,
      source: { index: 0, format: "hf-daily" },
    });
    expect(papers[0]?.authors.slice(0, 2)).toEqual(["Chunjiang Ge", "Sijie Cheng"]);
    expect(papers[0]?.abstract).not.toMatch(/\n/);
    expect(papers.every((p) => typeof p.comments === "number")).toBe(true);
  });

  it("keeps ai_keywords and the organisation's full name", async () => {
    const papers = papersOf(await parseAll(Format.hfDaily, join(dir, "2025-07-07.json")));
    expect(papers.length).toBeGreaterThan(0);
    expect(papers.some((p) => (p.keywords?.length ?? 0) > 0)).toBe(true);
  });

  it("accepts the {status, date, count, data} wrapper and rejects Python-repr string items", async () => {
    const items = await parseAll(Format.hfDaily, join(dir, "2025-01-10.json"));
    expect(items).toHaveLength(9);
    const rejects = rejectsOf(items);
    expect(rejects).toHaveLength(9);
    expect(rejects[0]?.reason).toBe("item is a string holding a Python repr, not a JSON object");
    expect(String(rejects[0]?.record)).toMatch(/^\{'paper': \{'id': '2501\.05441'/);
  });

  it("rejects items of the wrong type or with missing fields, with reasons", async () => {
    const items = JSON.parse(read(join(dir, "2024-05-27.json"))) as Record<string, unknown>[];
    const p = (i: number) => items[i]?.paper as Record<string, unknown>;
    p(0).summary = "   ";
    p(1).title = 42;
    p(2).publishedAt = "not a date";
    delete p(3).title;
    delete items[3]?.title;
    const variant = [...items, 7, null];
    const got = rejectsOf(
      await parseAll(Format.hfDaily, tmpFile("d.json", JSON.stringify(variant))),
    );
    expect(got.map((r) => [r.source.index, r.reason])).toEqual([
      [0, "empty abstract"],
      [1, "title should be a string, got a number"],
      [2, 'unparseable date "not a date"'],
      [3, "missing title"],
      [13, "item should be an object, got a number"],
      [14, "item should be an object, got null"],
    ]);
  });

  it("reports truncated JSON as an error naming the file and line", async () => {
    const text = read(join(dir, "2025-07-07.json"));
    const file = tmpFile("2025-07-07.json", text.slice(0, Math.floor(text.length / 2)));
    await expect(parseAll(Format.hfDaily, file)).rejects.toThrow(
      /2025-07-07\.json, line \d+: the file ends before the JSON document is complete \(truncated\?\)/,
    );
  });

  it("reports invalid JSON with its line and column", async () => {
    const file = tmpFile("bad.json", '[\n  {"paper": {"id": "1"}},\n  {"paper": oops}\n]');
    await expect(parseAll(Format.hfDaily, file)).rejects.toThrow(
      /bad\.json, line 3, column \d+: invalid JSON/,
    );
  });
});
