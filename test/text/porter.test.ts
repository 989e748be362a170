import { join } from "node:path";
import PorterStemmer from "natural/lib/natural/stemmers/porter_stemmer.js";
import { describe, expect, it } from "vitest";
import { ingest } from "../../src/ingest/index.js";
import { porterStem } from "../../src/text/porter.js";
import { WORD } from "../../src/text/tokenize.js";
import { SHARED } from "../helpers.js";

/** The words on which the two stemmers differ, as [word, natural's, ours], at most `max`. */
function differences(words: Iterable<string>, max = 5): string[][] {
  const out: string[][] = [];
  for (const w of words) {
    const want = PorterStemmer.stem(w);
    const got = porterStem(w);
    if (got !== want && out.push([w, want, got]) >= max) break;
  }
  return out;
}

describe("porterStem gives natural's PorterStemmer output", () => {
  it("on edge cases", () => {
    const words = [
      ...["a", "is", "As", "ies", "ing", "ed", "eed", "sses", "ss", "yy", "bye", "syzygy"],
      ...["caresses", "ponies", "cats", "feed", "agreed", "plastered", "motoring", "sing"],
      ...["conflated", "troubled", "sized", "hopping", "tanned", "falling", "hissing", "fizzed"],
      ...["failing", "filing", "happy", "sky", "relational", "conditional", "rational"],
      ...["valenci", "digitizer", "conformabli", "radicalli", "differentli", "vileli"],
      ...["analogousli", "vietnamization", "predication", "operator", "feudalism"],
      ...["decisiveness", "hopefulness", "callousness", "formaliti", "sensitiviti"],
      ...["sensibiliti", "triplicate", "formative", "formalize", "electriciti", "electrical"],
      ...["hopeful", "goodness", "revival", "allowance", "inference", "airliner", "gyroscopic"],
      ...["adjustable", "defensible", "irritant", "replacement", "adjustment", "dependent"],
      ...["adoption", "homologou", "communism", "activate", "angulariti", "homologous"],
      ...["effective", "bowdlerize", "probate", "rate", "cease", "controll", "roll", "ement"],
      // upper case (lowered when 3 units or more), hyphens, digits, other scripts, surrogates
      ...["RUNNING", "Generalization", "self-play", "gpt-4", "3d", "naïveness", "größer"],
      ...["深度学习", "𝒳-rays", "x\ud800yes", "İstanbul"],
      // line breaks: `.` in natural's expressions stops at them, so these go to natural itself
      ...["gener\nalization", "a\rbility", "rel\u2028ational", "x\u2029ies"],
    ];
    expect(differences(words)).toEqual([]);
    expect(porterStem("generalization")).toBe("gener");
    expect(porterStem("As")).toBe("As");
  });

  it("on every word of the 143k arXiv file and the bundled Hugging Face archive", async () => {
    const { papers } = await ingest([
      { path: join(SHARED, "arxiv-abstracts-143k.jsonl.gz") },
      { path: "data/hf-daily-papers.jsonl.gz" },
    ]);
    const words = new Set<string>();
    for (const p of papers) {
      for (const text of [p.title, p.abstract]) {
        for (const m of text.toLowerCase().matchAll(WORD)) words.add(m[0]);
      }
    }
    expect(words.size).toBeGreaterThan(280_000);
    expect(differences(words)).toEqual([]);
  });

  it("on random words built to reach every rule", () => {
    // a fixed linear congruential generator: the same words every run
    let seed = 12345;
    const next = (n: number): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return Math.floor((seed / 0x80000000) * n);
    };
    const letters = "aeiouyyybcdlstnrgmzwxyeellsszptk-é3";
    const suffixes = [
      ...["ed", "ing", "eed", "s", "ss", "sses", "ies", "y", "e", "ll", "at", "bl", "iz"],
      ...["ational", "tional", "enci", "anci", "izer", "abli", "bli", "alli", "entli", "eli"],
      ...["ousli", "ization", "ation", "ator", "alism", "iveness", "fulness", "ousness"],
      ...["aliti", "iviti", "biliti", "logi", "icate", "ative", "alize", "iciti", "ical"],
      ...["ful", "ness", "al", "ance", "ence", "er", "ic", "able", "ible", "ant", "ement"],
      ...["ment", "ent", "ou", "ism", "ate", "iti", "ous", "ive", "ize", "sion", "tion", "ion"],
    ];
    const words: string[] = [];
    for (let t = 0; t < 300_000; t++) {
      let w = "";
      for (let i = next(8); i > 0; i--) w += letters[next(letters.length)];
      for (let i = next(3); i > 0; i--) w += suffixes[next(suffixes.length)];
      words.push(next(20) === 0 ? w.toUpperCase() : w);
    }
    expect(differences(words)).toEqual([]);
  });
});
