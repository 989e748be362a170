import { describe, expect, it } from "vitest";
import { InputFileError } from "../../src/util/errors.js";
import { Format } from "../../src/ingest/types.js";
import { PAGE, parseAll, papersOf, read, rejectsOf, tmpFile } from "../helpers.js";

describe("Hugging Face Papers page text", () => {
  it("reads all 92 papers: 85 dated, 7 undated", async () => {
    const items = await parseAll(Format.hfPage, PAGE, "2025-10-30");
    const papers = papersOf(items);
    expect(items).toHaveLength(92);
    expect(papers).toHaveLength(92);
    expect(papers.filter((p) => p.date !== null)).toHaveLength(85);
    expect(papers.filter((p) => p.date === null)).toHaveLength(7);
  });

  it("parses upvotes, author counts, organisations and both date forms", async () => {
    const papers = papersOf(await parseAll(Format.hfPage, PAGE, "2025-10-30"));
    const score = papers.find(
      (p) => p.title === "Training Language Models to Self-Correct via Reinforcement Learning",
    );
    expect(score).toMatchObject({ date: "2024-09-19", upvotes: 9, authorCount: 18 });
    const tencent = papers.find((p) => p.title.startsWith("Learn the Ropes, Then Trust the Wins"));
    expect(tencent).toMatchObject({ org: "Tencent", date: "2025-09-26", upvotes: 4 });
    expect(tencent?.authorCount).toBeUndefined();
    const primer = papers[0];
    expect(primer).toMatchObject({
      date: "2021-02-25",
      authorCount: 2,
      source: { line: 13, format: "hf-page" },
    });
    expect(primer?.upvotes).toBeUndefined();
    expect(primer?.abstract.startsWith("Modern natural language processing (NLP) methods")).toBe(
      true,
    );
  });

  it("needs asOf for year-less dates, naming the file and line", async () => {
    await expect(parseAll(Format.hfPage, PAGE)).rejects.toThrow(
      /hf-papers-search-page-2025-10-30\.txt, line 357: date "May 22" has no year; pass --as-of DATE/,
    );
  });

  it("rejects an entry with a bad date and one with no abstract, and keeps the rest", async () => {
    const text = read(PAGE)
      .replace("Feb 25, 2021", "Feb 30, 2021")
      .replace(
        /\n\nCDFSL-V: Cross-Domain Few-Shot Learning for Videos\n\n[^\n]+\n/,
        "\n\nCDFSL-V: Cross-Domain Few-Shot Learning for Videos\n",
      );
    const items = await parseAll(Format.hfPage, tmpFile("page.txt", text), "2025-10-30");
    const rejects = rejectsOf(items);
    expect(rejects.map((r) => r.reason)).toEqual([
      'unparseable date "Feb 30, 2021"',
      "entry has a title but no abstract",
    ]);
    expect(rejects[0]?.source).toMatchObject({ line: 13 });
    expect(papersOf(items)).toHaveLength(90);
  });

  it("is an error when no entries can be found", async () => {
    const file = tmpFile("page.txt", "new\n\nSubscribe\n\nDaily Papers\n");
    await expect(parseAll(Format.hfPage, file)).rejects.toBeInstanceOf(InputFileError);
  });
});
