import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cleanText, cleanTextSlow } from "../../src/ingest/record.js";
import { SHARED } from "../helpers.js";

/** Texts as the sources give them: abstracts with hard line breaks, indents, odd spaces. */
function sourceTexts(): string[] {
  const texts: string[] = [];
  const kaggle = join(
    SHARED,
    "kaggle-arxiv-snapshot",
    "arxiv-metadata-oai-snapshot.sample200.jsonl",
  );
  for (const line of readFileSync(kaggle, "utf8").split("\n")) {
    if (!line.trim()) continue;
    const o = JSON.parse(line) as { title: string; abstract: string; authors?: string };
    texts.push(o.title, o.abstract, o.authors ?? "");
  }
  const oai = readFileSync(
    join(SHARED, "arxiv-oai-pmh", readdirSync(join(SHARED, "arxiv-oai-pmh"))[0] as string),
    "utf8",
  );
  for (const m of oai.matchAll(/<(abstract|title|authors)>([\s\S]*?)<\/\1>/g))
    texts.push(m[2] as string);
  for (const f of readdirSync(join(SHARED, "hf-daily-papers")).slice(0, 40)) {
    const raw = readFileSync(join(SHARED, "hf-daily-papers", f), "utf8");
    for (const m of raw.matchAll(/"summary": ?"((?:[^"\\]|\\.)*)"/g))
      texts.push(JSON.parse(`"${m[1] as string}"`) as string);
  }
  return texts;
}

/** A small seeded generator (mulberry32): the fuzz cases are the same every run. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe("cleanText", () => {
  it("collapses white space runs to one space and trims", () => {
    expect(cleanText("  a\nb  c\n\n d   \n\n\n e \t")).toBe("a b c d e");
    expect(cleanText("a        b")).toBe("a b");
    expect(cleanText("a\r\nb\tc\vd\fe")).toBe("a b c d e");
    expect(cleanText("a\u00a0\u2003b\u2028c é\n")).toBe("a b c é");
    expect(cleanText(" \n ")).toBe("");
    expect(cleanText("")).toBe("");
    expect(cleanText("unchanged text")).toBe("unchanged text");
  });

  it("gives the regular expression's result on the bundled sources' texts", () => {
    const texts = sourceTexts();
    expect(texts.length).toBeGreaterThan(1500);
    // the fast path is taken, and the texts do need cleaning
    expect(
      texts.filter((t) => t.includes("\n") && Buffer.byteLength(t) === t.length).length,
    ).toBeGreaterThan(500);
    for (const t of texts) expect(cleanText(t)).toBe(cleanTextSlow(t));
  });

  it("gives the regular expression's result on random mixes of white space", () => {
    const pieces = [
      "a",
      "bc",
      " ",
      " ",
      "  ",
      "\n",
      "\n\n",
      "\t",
      "\r",
      "\u00a0",
      "é",
      "\u2028",
      "\u3000",
      "\v",
      "\f",
      "-",
    ];
    const r = rng(7);
    for (let n = 0; n < 20000; n++) {
      let s = "";
      const len = Math.floor(r() * 14);
      // mostly ASCII, as most texts are: the fast path is then exercised
      for (let i = 0; i < len; i++)
        s += pieces[Math.floor(r() * (n % 2 ? 7 : pieces.length))] as string;
      expect(cleanText(s), JSON.stringify(s)).toBe(cleanTextSlow(s));
    }
  });
});
