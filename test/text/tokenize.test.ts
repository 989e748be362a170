import { describe, expect, it } from "vitest";
import { Analyzer, BOUNDARY, tokenizeCorpus } from "../../src/text/tokenize.js";
import type { Paper } from "../../src/ingest/types.js";

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
    const papers = [
      { title: "Preference learning", abstract: "Preferences and preference models." },
      { title: "Contrastive preferences", abstract: "We learn preferences." },
    ] as Paper[];
    const t = tokenizeCorpus(papers);
    const i = t.terms.indexOf("prefer");
    expect(t.display[i]).toBe("preferences");
    expect(t.docs[0]?.includes(BOUNDARY)).toBe(true);
  });

  it("can skip stemming and domain stopwords, and add stopwords", () => {
    const a = new Analyzer({ stem: false, domainStopwords: false, extraStopwords: ["Learning"] });
    expect(show(a, a.analyze("We propose contrastive learning"))).toBe("propose contrastive |");
  });
});
