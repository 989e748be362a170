import { gzipSync } from "node:zlib";
import { join } from "node:path";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { Format } from "../../src/ingest/types.js";
import { FIX, ingestOne, parseAll, papersOf, read, rejectsOf, tmpFile } from "../helpers.js";

const kaggle = join(FIX, "kaggle", "snapshot-head30.jsonl");
const generic = (f: string) => join(FIX, "generic", f);

describe("arXiv metadata snapshot (Kaggle JSONL)", () => {
  it("reads every line: first-version date, parsed authors, split categories, line numbers", async () => {
    const papers = papersOf(await parseAll(Format.kaggle, kaggle));
    expect(papers).toHaveLength(30);
    expect(papers[0]).toMatchObject({
      id: "0704.0001",
      title:
        "Calculation of prompt diphoton production cross sections at Tevatron and LHC energies",
      date: "2007-04-02",
      categories: ["hep-ph"],
      source: { line: 1, format: "kaggle" },
    });
    expect(papers[0]?.authors[0]).toBe("C. Balázs");
  });

  it("reads the same lines gzip-compressed", async () => {
    const gz = tmpFile("snap.jsonl.gz", gzipSync(readFileSync(kaggle)));
    expect(papersOf(await parseAll(Format.kaggle, gz))).toHaveLength(30);
  });

  it("rejects a bad line in the middle, errors on a truncated last line", async () => {
    const lines = read(kaggle).trimEnd().split("\n");
    const mid =
      [...lines.slice(0, 3), '{"id": "0704.9999", "title": ', ...lines.slice(3)].join("\n") + "\n";
    const items = await parseAll(Format.kaggle, tmpFile("mid.jsonl", mid));
    expect(rejectsOf(items).map((r) => [r.source.line, r.reason])).toEqual([
      [4, "invalid JSON: the line ends before the object is complete"],
    ]);
    expect(papersOf(items)).toHaveLength(30);
    const cut = lines.join("\n").slice(0, -200);
    await expect(parseAll(Format.kaggle, tmpFile("cut.jsonl", cut))).rejects.toThrow(
      /cut\.jsonl, line 30: the last line ends before its JSON object is complete \(truncated file\?\)/,
    );
  });

  it("errors on truncated gzip data, naming the file", async () => {
    const gz = gzipSync(readFileSync(kaggle));
    const file = tmpFile("snap.jsonl.gz", gz.subarray(0, Math.floor(gz.length / 2)));
    await expect(parseAll(Format.kaggle, file)).rejects.toThrow(
      /snap\.jsonl\.gz, after line \d+: truncated or corrupt gzip data/,
    );
  });

  it("errors on bytes that are not UTF-8, naming the line", async () => {
    const bytes = Buffer.from(read(kaggle), "utf8");
    const third = bytes.indexOf(0x0a, bytes.indexOf(0x0a) + 1) + 20;
    bytes[third] = 0xe9; // a Latin-1 "é" inside line 3
    await expect(parseAll(Format.kaggle, tmpFile("latin1.jsonl", bytes))).rejects.toThrow(
      /latin1\.jsonl, line 3, column 20: not valid UTF-8 text/,
    );
  });

  it("rejects a record with an unparseable date or wrong types", async () => {
    const lines = read(kaggle).trimEnd().split("\n");
    const a = JSON.parse(lines[0] as string) as Record<string, unknown>;
    a.versions = [{ version: "v1", created: "sometime in 2007" }];
    const b = JSON.parse(lines[1] as string) as Record<string, unknown>;
    b.abstract = ["not", "a", "string"];
    const items = await parseAll(
      Format.kaggle,
      tmpFile("x.jsonl", `${JSON.stringify(a)}\n${JSON.stringify(b)}\n`),
    );
    expect(rejectsOf(items).map((r) => r.reason)).toEqual([
      'unparseable date "sometime in 2007"',
      "abstract should be a string, got an array",
    ]);
  });
});

describe("generic JSONL and CSV", () => {
  it("auto-maps common key names (arxiver JSONL: published, categories, primary_category)", async () => {
    const papers = papersOf(await parseAll(Format.jsonl, generic("arxiver-40.jsonl")));
    expect(papers).toHaveLength(40);
    expect(papers[0]).toMatchObject({
      id: "cond-mat/9909265",
      date: "1999-09-17",
      categories: ["cond-mat.stat-mech", "cond-mat.dis-nn", "q-fin.TR"],
    });
  });

  it("uses an explicit mapping, with dotted paths", async () => {
    const line = JSON.stringify({
      meta: { name: "A study of things" },
      text: "We study things.",
      when: "2024-01-02",
    });
    const c = await ingestOne(tmpFile("m.jsonl", line + "\n"), {
      mapping: { title: "meta.name", abstract: "text", date: "when" },
    });
    expect(c.papers[0]).toMatchObject({
      title: "A study of things",
      abstract: "We study things.",
      date: "2024-01-02",
    });
    expect(c.papers[0]?.id).toMatch(/^t:[0-9a-f]{12}$/);
  });

  it("reads CSV with a header, quoted multi-line fields and auto-mapped columns", async () => {
    const items = await parseAll(Format.csv, generic("arxiver-40.csv"));
    const papers = papersOf(items);
    expect(papers).toHaveLength(40);
    expect(papers[0]).toMatchObject({
      id: "cond-mat/9909265",
      title: "Modeling Market Mechanism with Minority Game",
      date: "1999-09-17",
    });
    expect(papers[1]?.source.line).toBeGreaterThan(2);
  });

  it("rejects a CSV row with the wrong number of fields; errors on an unclosed quote", async () => {
    const text = read(generic("arxiver-40.csv")).trimEnd().split("\r\n");
    const rows = [text[0], "1234.5678,Only a title", ...text.slice(1)].join("\r\n");
    const items = await parseAll(Format.csv, tmpFile("r.csv", rows));
    expect(rejectsOf(items).map((r) => [r.source.line, r.reason])).toEqual([
      [2, "row has 2 fields, the header has 5"],
    ]);
    await expect(
      parseAll(Format.csv, tmpFile("q.csv", 'id,title,abstract\n1,"unclosed,abstract\n')),
    ).rejects.toThrow(/q\.csv, line \d+: invalid CSV: Quote Not Closed/);
  });

  it("errors when no column can be the abstract, listing the header", async () => {
    await expect(parseAll(Format.csv, tmpFile("h.csv", "id,title,body\n1,T,B\n"))).rejects.toThrow(
      'h.csv, line 1: no column for abstract: the header has "id", "title", "body"; map one with --map abstract=COLUMN',
    );
  });
});
