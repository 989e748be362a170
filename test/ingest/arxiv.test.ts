import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Format } from "../../src/ingest/types.js";
import { ingest } from "../../src/ingest/index.js";
import { FIX, parseAll, papersOf, read, rejectsOf, tmpFile } from "../helpers.js";

const atom = (f: string) => join(FIX, "arxiv-atom", f);
const oai = (f: string) => join(FIX, "oai-pmh", f);

describe("arXiv API Atom", () => {
  it("reads a page: id without version, dates, authors, categories with the primary first", async () => {
    const papers = papersOf(
      await parseAll(Format.arxivAtom, atom("q_testing_s0_m10_bc5a6c384fe9.xml")),
    );
    expect(papers).toHaveLength(10);
    for (const p of papers) {
      expect(p.id).toMatch(/^\d{4}\.\d{4,5}$/);
      expect(p.date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(p.authors.length).toBeGreaterThan(0);
      expect(p.categories?.length).toBeGreaterThan(0);
    }
  });

  it("strips versions from old-style ids", async () => {
    const [p] = papersOf(
      await parseAll(Format.arxivAtom, atom("id_hep-ex_0406020v1_s0_m100_84b15d66c0ce.xml")),
    );
    expect(p?.id).toBe("hep-ex/0406020");
    const [q] = papersOf(
      await parseAll(Format.arxivAtom, atom("id_2104.12255v1_s0_m100_6ae69987ffe1.xml")),
    );
    expect(q?.id).toBe("2104.12255");
  });

  it("merges overlapping pages: 20 read, 15 kept, 5 duplicates", async () => {
    const c = await ingest([
      { path: atom("q_testing_s0_m10_bc5a6c384fe9.xml") },
      { path: atom("q_testing_s5_m10_c0e94a259d4a.xml") },
    ]);
    expect(c.summary.total).toMatchObject({ read: 20, kept: 15, duplicates: 5, rejected: 0 });
    expect(c.papers.filter((p) => p.alsoIn?.length)).toHaveLength(5);
  });

  it("handles empty results", async () => {
    expect(await parseAll(Format.arxivAtom, atom("xiv-empty.xml"))).toEqual([]);
    expect(await parseAll(Format.arxivAtom, atom("id_0000.0000_s0_m100_8b51d9633a68.xml"))).toEqual(
      [],
    );
  });

  it("turns the error feed into an error naming the file and arXiv's message", async () => {
    await expect(
      parseAll(Format.arxivAtom, atom("id_abc_s0_m100_b79c8dcf6bc3.xml")),
    ).rejects.toThrow(
      'id_abc_s0_m100_b79c8dcf6bc3.xml, entry 1: the arXiv API returned an error: "incorrect id format for abc"',
    );
  });

  it("reports broken XML with line and column", async () => {
    const text = read(atom("q_testing_s0_m10_bc5a6c384fe9.xml")).replace("</title>", "</titel>");
    await expect(parseAll(Format.arxivAtom, tmpFile("broken.xml", text))).rejects.toThrow(
      /broken\.xml, line \d+, column \d+: invalid XML: /,
    );
    const cut = read(atom("q_testing_s0_m10_bc5a6c384fe9.xml"));
    await expect(
      parseAll(Format.arxivAtom, tmpFile("cut.xml", cut.slice(0, cut.length / 2))),
    ).rejects.toThrow(/cut\.xml, line \d+, column \d+: invalid XML/);
  });

  it("rejects an entry with an empty abstract", async () => {
    const text = read(atom("q_testing_s0_m10_bc5a6c384fe9.xml")).replace(
      /<summary>[^<]*<\/summary>/,
      "<summary>  </summary>",
    );
    const items = await parseAll(Format.arxivAtom, tmpFile("a.xml", text));
    expect(rejectsOf(items).map((r) => [r.source.index, r.reason])).toEqual([
      [0, "empty abstract"],
    ]);
    expect(papersOf(items)).toHaveLength(9);
  });
});

describe("arXiv OAI-PMH ListRecords", () => {
  it("reads arXivRaw: v1 date, authors, categories", async () => {
    const papers = papersOf(await parseAll(Format.oaiPmh, oai("arXivRaw-cs-2019-10-first20.xml")));
    expect(papers).toHaveLength(20);
    expect(papers[0]).toMatchObject({
      id: "1207.4664",
      title: "Quantitative photoacoustic imaging in radiative transport regime",
      date: "2012-07-19",
      authors: ["Alexander V. Mamonov", "Kui Ren"],
      categories: ["physics.med-ph", "cs.NA", "math.NA", "physics.optics"],
    });
    expect(papers[1]?.authors).toEqual([
      "Nicholas J. McCullen",
      "Alastair M. Rucklidge",
      "Catherine S. E. Bale",
      "Tim J. Foxon",
      "William F. Gale",
    ]);
  });

  it("reads oai_dc and rejects deleted records", async () => {
    const items = await parseAll(Format.oaiPmh, oai("oai_dc-cs-2019-10-first3.xml"));
    const papers = papersOf(items);
    expect(papers.map((p) => p.id)).toEqual(["1207.4664", "1207.4933", "1212.1710"]);
    expect(papers[0]).toMatchObject({
      date: "2012-07-19",
      authors: ["Alexander V. Mamonov", "Kui Ren"],
    });
    expect(papers[0]?.abstract).toMatch(/^The objective of quantitative photoacoustic tomography/);
    expect(rejectsOf(items).map((r) => r.reason)).toEqual([
      "record is marked deleted by the OAI-PMH server",
    ]);
  });

  it("treats noRecordsMatch as empty and other OAI errors as errors", async () => {
    const head =
      '<?xml version="1.0" encoding="UTF-8"?>\n<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/"><responseDate>2019-11-05T14:25:40Z</responseDate><request verb="ListRecords">http://export.arxiv.org/oai2</request>';
    const empty = tmpFile(
      "e.xml",
      `${head}<error code="noRecordsMatch">No records</error></OAI-PMH>`,
    );
    expect(await parseAll(Format.oaiPmh, empty)).toEqual([]);
    const bad = tmpFile(
      "b.xml",
      `${head}<error code="badResumptionToken">The value of the resumptionToken argument is invalid or expired.</error></OAI-PMH>`,
    );
    await expect(parseAll(Format.oaiPmh, bad)).rejects.toThrow(
      'b.xml: the OAI-PMH server returned an error badResumptionToken: "The value of the resumptionToken argument is invalid or expired."',
    );
  });

  it("reports a truncated page with its line", async () => {
    const text = read(oai("arXivRaw-cs-2019-10-first20.xml"));
    await expect(parseAll(Format.oaiPmh, tmpFile("t.xml", text.slice(0, 20000)))).rejects.toThrow(
      /t\.xml, line \d+, column \d+: invalid XML/,
    );
  });
});
