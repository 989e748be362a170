import { describe, expect, it } from "vitest";
import { hashOf, TokenTable } from "../../src/text/scan.js";
import {
  Analyzer,
  BOUNDARY,
  displayOf,
  paperTexts,
  tokenizeCorpus,
} from "../../src/text/tokenize.js";
import type { Paper } from "../../src/ingest/types.js";
import { usedHeapAfterCollection as used } from "../helpers.js";

/** Two papers whose stems have several surface forms ("prefer": preference, preferences). */
const preferencePapers = [
  { title: "Preference learning", abstract: "Preferences and preference models." },
  { title: "Contrastive preferences", abstract: "We learn preferences; a model learns." },
] as Paper[];

const show = (a: Analyzer, ids: number[]) =>
  ids.map((i) => (i === BOUNDARY ? "|" : a.terms[i])).join(" ");

describe("text stage", () => {
  it("keeps hyphenated terms whole, drops stopwords, domain words and numbers, stems", () => {
    const a = new Analyzer();
    const ids = a.analyze(
      "We propose Self-Play Fine-Tuning, a novel self-supervised method. It improves GPT-4's results by 12.5% on 3 benchmarks; contrastive learning!",
    );
    expect(show(a, ids)).toBe("self-plai fine-tune self-supervis | gpt-4 | contrast learn |");
  });

  it("shows each stem by its most frequent surface form", () => {
    const t = tokenizeCorpus(preferencePapers);
    const i = t.terms.indexOf("prefer");
    expect(t.display[i]).toBe("preferences");
    expect(t.docs[0]?.includes(BOUNDARY)).toBe(true);
  });

  it("shows vocabulary entries the same through the analyzer's index as through the terms", () => {
    const t = tokenizeCorpus(preferencePapers);
    expect(t.idOf).toBeDefined();
    const viaIndex = displayOf(t);
    const viaTerms = displayOf({ terms: t.terms, display: t.display, docs: t.docs });
    const entries = [...t.terms, "prefer model", "contrast prefer", "unseen-stem prefer"];
    for (const e of entries) expect(viaIndex(e)).toBe(viaTerms(e));
    expect(viaIndex("prefer model")).toBe("preferences model");
    expect(viaIndex("unseen-stem prefer")).toBe("unseen-stem preferences");
  });

  it("does not keep the texts it analysed alive through the words it learned", () => {
    // each text holds a word of its own, long enough for V8 to make a substring of it a view
    // into the text: the analyzer (whose terms and display forms live to the end of a run)
    // must hold copies, so that the texts can go once analysed
    const a = new Analyzer({ stem: false });
    // in a function of its own, so that nothing in this frame refers to the texts afterwards
    const analyse = (): { textBytes: number; withTexts: number } => {
      const filler = "retrieval ".repeat(800);
      const texts = Array.from(
        { length: 2_000 },
        (_, i) => `${filler}multimodalityword${i.toString(36)} ${filler}Contrastively ${i}.`,
      );
      for (const t of texts) a.analyze(t);
      // one-byte texts (analysed, so flat): a byte per character
      return { textBytes: texts.reduce((s, t) => s + t.length, 0), withTexts: used() };
    };
    const { textBytes, withTexts } = analyse();
    const without = used();
    expect(withTexts - without).toBeGreaterThan(0.9 * textBytes);
    expect(a.terms).toContain("multimodalityword1a");
    expect(a.displayForms()).toContain("contrastively");
  });

  it("learns long words whole: past the copy's chunk, and with surrogate pairs", () => {
    const a = new Analyzer({ stem: false });
    const huge = "ab1".repeat(200_000);
    const astral = "multi\u{1D49C}\u{1D49C}characterword";
    a.analyze(`A ${huge} and ${astral} and Extraordinarily-long-hyphenated-words.`);
    expect(a.terms).toContain(huge);
    expect(a.terms).toContain(astral);
    expect(a.terms).toContain("extraordinarily-long-hyphenated-words");
  });

  it("can skip stemming and domain stopwords, and add stopwords", () => {
    const a = new Analyzer({ stem: false, domainStopwords: false, extraStopwords: ["Learning"] });
    expect(show(a, a.analyze("We propose contrastive learning"))).toBe("propose contrastive |");
  });
});

describe("the scanner agrees with natural's RegexpTokenizer", () => {
  const edge = [
    "Self-Play Fine-Tuning (SPIN) works. It's GPT-4's turn; e.g. 3.5 vs. 4?! Yes:no",
    "Line one\n\nLine two\n \t\nthree.\nfour\r\n\r\nfive",
    "naïve café — Größe, 深度学习 and 𝒳-ray (math: 𝑥) ‘quoted’ don’t self–play x-- -y a-'b",
    "end with punctuation.",
    "trailing joiner- and 'leading' and double--hyphen and o’’clock",
    ". ; : ! ? \n\n",
    "",
    // lone surrogates, and a pair cut at the end
    "a\ud800b \udc00x 𝒳y \ud835",
    // longer than the scanner's first buffer (it grows), then a short text again
    `${"word Wörter 𝒳-ray ".repeat(4000)}end.`,
    "short after long",
  ];

  it("on edge cases", () => {
    for (const text of edge) {
      const a = new Analyzer();
      const b = new Analyzer();
      expect(a.analyze(text)).toEqual(b.analyzeWithNatural(text));
      expect(a.terms).toEqual(b.terms);
      expect(a.displayForms()).toEqual(b.displayForms());
    }
  });

  it("on every title and abstract of the bundled Hugging Face archive", async () => {
    const { ingest } = await import("../../src/ingest/index.js");
    const { papers } = await ingest([{ path: "data/hf-daily-papers.jsonl.gz" }]);
    const a = new Analyzer();
    const b = new Analyzer();
    const differ: string[] = [];
    for (const p of papers) {
      for (const text of [p.title, p.abstract]) {
        const x = a.analyze(text);
        const y = b.analyzeWithNatural(text);
        if (x.length !== y.length || x.some((v, i) => v !== y[i])) differ.push(text);
      }
    }
    expect(differ.slice(0, 3)).toEqual([]);
    expect(a.terms).toEqual(b.terms);
    expect(a.displayForms()).toEqual(b.displayForms());

    // a corpus gathered paper by paper in the token table's memory (copied out in blocks)
    const corpus = tokenizeCorpus(papers);
    const c = new Analyzer();
    const docs = papers.map((p) => {
      const out: number[] = [];
      for (const text of paperTexts(p, c.options.fields)) c.analyzeWithNatural(text, out);
      if (out[out.length - 1] === BOUNDARY) out.pop();
      return out;
    });
    expect(docs.reduce((n, d) => n + d.length, 0)).toBeGreaterThan(4 * (1 << 16));
    const differDocs = corpus.docs.filter(
      (d, i) => d.length !== docs[i]?.length || d.some((v, j) => v !== docs[i]?.[j]),
    );
    expect(differDocs.length).toBe(0);
    expect(corpus.terms).toEqual(c.terms);
    expect(corpus.display).toEqual(c.displayForms());
  }, 60_000);
});

describe("the token table", () => {
  it("keeps words apart whose hashes collide, at every length, as the table grows", () => {
    // 1 to 20 letters and digits; among 200,000 words some share a 32-bit hash
    const words = Array.from(
      { length: 200_000 },
      (_, i) =>
        `${i.toString(36)}abcdefghijklmnopqrst`.slice(0, 1 + (i % 20)) + (i % 7 === 0 ? "-y" : ""),
    );
    const distinct = [...new Set(words)];
    const byHash = new Map<number, string>();
    let collisions = 0;
    for (const w of distinct) {
      const other = byHash.get(hashOf(w));
      if (other !== undefined && other !== w) collisions++;
      byHash.set(hashOf(w), w);
    }
    expect(collisions).toBeGreaterThan(0);
    const t = new TokenTable();
    const text = distinct.join(" ");
    const first = Array.from(t.output(t.scan(text)));
    expect(first).toEqual(distinct.map((_, i) => i));
    expect(t.words).toEqual(distinct);
    // seen again, in another order: the same ids
    expect(Array.from(t.output(t.scan([...distinct].reverse().join(" "))))).toEqual(
      first.reverse(),
    );
    expect(t.size).toBe(distinct.length);
  });
});
