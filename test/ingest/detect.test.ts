import { readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { detectFormat, expandPath } from "../../src/ingest/detect.js";
import { FIX, PAGE, tmpFile } from "../helpers.js";

describe("format detection from content", () => {
  const cases: [string, string][] = [
    [PAGE, "hf-page"],
    [join(FIX, "hf-daily", "2024-05-27.json"), "hf-daily"],
    [join(FIX, "hf-daily", "2024-12-11.json"), "hf-daily"],
    [join(FIX, "hf-daily", "2025-01-10.json"), "hf-daily"],
    [join(FIX, "arxiv-atom", "xiv-empty.xml"), "arxiv-atom"],
    [join(FIX, "arxiv-atom", "q_testing_s0_m10_bc5a6c384fe9.xml"), "arxiv-atom"],
    [join(FIX, "oai-pmh", "arXivRaw-cs-2019-10-first20.xml"), "oai-pmh"],
    [join(FIX, "oai-pmh", "oai_dc-cs-2019-10-first3.xml"), "oai-pmh"],
    [join(FIX, "kaggle", "snapshot-head30.jsonl"), "kaggle"],
    [join(FIX, "generic", "arxiver-40.jsonl"), "jsonl"],
    [join(FIX, "generic", "arxiver-40.jsonl.gz"), "jsonl"],
    [join(FIX, "generic", "arxiver-40.csv"), "csv"],
  ];
  it.each(cases)("%s is %s", async (file, format) => {
    expect(await detectFormat(file)).toBe(format);
  });

  it("names the file and its first characters when nothing fits", async () => {
    const file = tmpFile("notes.txt", "Shopping list\n\nmilk, eggs\n");
    await expect(detectFormat(file)).rejects.toThrow(
      /notes\.txt, line 1: unrecognised format: the file starts with "Shopping list/,
    );
    const html = tmpFile("page.html", "<!doctype html><html><body>hi</body></html>");
    await expect(detectFormat(html)).rejects.toThrow(/unrecognised format.*--format/);
  });

  it("errors on a missing file", async () => {
    await expect(detectFormat("/nonexistent/x.json")).rejects.toThrow(
      "/nonexistent/x.json: cannot read: no such file or directory",
    );
  });

  it("expands directories to their input files, sorted", async () => {
    const files = await expandPath(join(FIX, "hf-daily"));
    expect(files.map((f) => f.split("/").pop())).toEqual(readdirSync(join(FIX, "hf-daily")).sort());
  });
});
