import { describe, expect, it } from "vitest";
import { CorpusBuilder } from "../../src/ingest/corpus.js";
import { arxivId, derivedId, titleKey } from "../../src/ingest/record.js";
import type { Paper, ParseItem } from "../../src/ingest/types.js";
import { paperToJson } from "../../src/report/corpus-files.js";

let n = 0;
function paper(over: Partial<Paper>): ParseItem {
  n++;
  return {
    kind: "paper",
    paper: {
      id: over.id ?? derivedId(over.title ?? "T"),
      title: "T",
      abstract: "A",
      date: null,
      authors: [],
      source: { file: `f${n}`, index: 0, format: "jsonl" },
      ...over,
    },
  };
}

describe("arXiv ids and title keys", () => {
  it("strips versions, URLs and prefixes; keeps old-style archives", () => {
    expect(arxivId("http://arxiv.org/abs/1707.08567v1")).toBe("1707.08567");
    expect(arxivId("oai:arXiv.org:1207.4664")).toBe("1207.4664");
    expect(arxivId("arXiv:2410.12345v3")).toBe("2410.12345");
    expect(arxivId("hep-ex/0406020v1")).toBe("hep-ex/0406020");
    expect(arxivId("math.GT/0309136")).toBe("math.GT/0309136");
    expect(arxivId("10.1103/PhysRevD.76.013009")).toBeNull();
  });
  it("normalises titles for matching", () => {
    expect(titleKey("Self-Play  Fine-Tuning: Converts WEAK models!")).toBe(
      titleKey("self play fine tuning converts weak models"),
    );
  });
});

describe("corpus lines", () => {
  it("are what JSON.stringify gives for the paper's fields in their order, with and without the optional ones", () => {
    const plain = (p: Paper): string => {
      const src = (s: Paper["source"]) => ({
        file: s.file,
        line: s.line,
        index: s.index,
        format: s.format,
      });
      return JSON.stringify({
        id: p.id,
        title: p.title,
        abstract: p.abstract,
        date: p.date,
        authors: p.authors,
        authorCount: p.authorCount,
        upvotes: p.upvotes,
        comments: p.comments,
        categories: p.categories,
        keywords: p.keywords,
        org: p.org,
        source: src(p.source),
        alsoIn: p.alsoIn?.length ? p.alsoIn.map(src) : undefined,
      });
    };
    const bare = (paper({ title: 'Quotes " and \\ and \u2028, é, \ud83d' }) as { paper: Paper })
      .paper;
    const full: Paper = {
      ...bare,
      date: "2025-10-30",
      authors: ["A. Author", 'B "Quoted" Author'],
      authorCount: 2,
      upvotes: 12,
      comments: 0,
      categories: ["cs.LG", "cs.CL"],
      keywords: [],
      org: "Lab\nName",
      source: { file: "x.jsonl", line: 3, format: "jsonl" },
      alsoIn: [{ file: "y.csv", index: 4, format: "csv" }],
    };
    for (const p of [bare, full, { ...full, alsoIn: [] }]) {
      expect(paperToJson(p)).toBe(plain(p));
      expect(JSON.parse(paperToJson(p))).toEqual(JSON.parse(plain(p)));
    }
  });
});

describe("CorpusBuilder", () => {
  it("merges by arXiv id: earliest date, largest upvotes, union of categories, longest authors", () => {
    const b = new CorpusBuilder(["a", "b"]);
    b.add(
      0,
      paper({
        id: "2401.00001",
        date: "2024-01-05",
        upvotes: 3,
        categories: ["cs.CL"],
        authors: ["X"],
      }),
    );
    b.add(
      1,
      paper({
        id: "2401.00001",
        date: "2024-01-02",
        upvotes: 9,
        categories: ["cs.LG", "cs.CL"],
        authors: ["X", "Y"],
        comments: 2,
      }),
    );
    const c = b.finish();
    expect(c.papers).toHaveLength(1);
    expect(c.papers[0]).toMatchObject({
      date: "2024-01-02",
      upvotes: 9,
      comments: 2,
      categories: ["cs.CL", "cs.LG"],
      authors: ["X", "Y"],
    });
    expect(c.papers[0]?.alsoIn).toHaveLength(1);
    expect(c.summary.inputs.map((s) => [s.read, s.kept, s.duplicates])).toEqual([
      [1, 1, 0],
      [1, 0, 1],
    ]);
  });

  it("merges a record without an id into one with the same title, taking the real id", () => {
    const b = new CorpusBuilder(["page", "api"]);
    b.add(0, paper({ title: "Self-Play Fine-Tuning", upvotes: 2, date: null }));
    b.add(1, paper({ id: "2401.01335", title: "Self-play fine-tuning", date: "2024-01-02" }));
    const c = b.finish();
    expect(c.papers).toHaveLength(1);
    expect(c.papers[0]).toMatchObject({ id: "2401.01335", date: "2024-01-02", upvotes: 2 });
    expect(c.summary.inputs[0]?.undated).toBe(0);
  });

  it("merges a record without an id into an earlier one with the same title and an arXiv id", () => {
    // the papers with arXiv ids come first: their title keys are found once one without comes
    const b = new CorpusBuilder(["api", "page"]);
    b.add(0, paper({ id: "2401.00007", title: "Other Paper" }));
    b.add(0, paper({ id: "2401.01335", title: "Self-play fine-tuning", date: "2024-01-02" }));
    b.add(1, paper({ title: "Self-Play  Fine-Tuning!", upvotes: 5 }));
    b.add(1, paper({ title: "A third paper" }));
    const c = b.finish();
    expect(c.papers.map((p) => p.id)).toEqual([
      "2401.00007",
      "2401.01335",
      derivedId("A third paper"),
    ]);
    expect(c.papers[1]).toMatchObject({ upvotes: 5, date: "2024-01-02" });
  });

  it("keeps papers with different arXiv ids apart even when titles match", () => {
    const b = new CorpusBuilder(["a"]);
    b.add(0, paper({ id: "1001.00001", title: "Introduction" }));
    b.add(0, paper({ id: "1001.00002", title: "Introduction" }));
    expect(b.finish().papers).toHaveLength(2);
  });

  it("always balances: read = kept + duplicates + rejected", () => {
    const b = new CorpusBuilder(["a"]);
    b.add(0, paper({ id: "1" }));
    b.add(0, paper({ id: "1" }));
    b.add(0, {
      kind: "reject",
      reject: { source: { file: "x", format: "jsonl" }, reason: 'unparseable date "x"' },
    });
    b.add(0, {
      kind: "reject",
      reject: { source: { file: "x", format: "jsonl" }, reason: 'unparseable date "y"' },
    });
    const { total, rejectReasons } = b.finish().summary;
    expect(total).toMatchObject({ read: 4, kept: 1, duplicates: 1, rejected: 2, undated: 1 });
    expect(total.read).toBe(total.kept + total.duplicates + total.rejected);
    expect(rejectReasons).toEqual({ 'unparseable date "…"': 2 });
  });
});
