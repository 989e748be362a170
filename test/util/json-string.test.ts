import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { jsonString } from "../../src/util/json-string.js";
import { createRng } from "../../src/util/rng.js";
import { SHARED } from "../helpers.js";

describe("jsonString", () => {
  it("gives JSON.stringify's text for the sources' titles and abstracts", () => {
    const file = join(
      SHARED,
      "kaggle-arxiv-snapshot",
      "arxiv-metadata-oai-snapshot.sample200.jsonl",
    );
    let texts = 0;
    for (const line of readFileSync(file, "utf8").split("\n")) {
      if (!line.trim()) continue;
      const o = JSON.parse(line) as { title: string; abstract: string };
      for (const s of [o.title, o.abstract, o.abstract.replace(/\s+/g, " ")]) {
        expect(jsonString(s)).toBe(JSON.stringify(s));
        texts++;
      }
    }
    expect(texts).toBeGreaterThan(500);
  });

  it("gives JSON.stringify's text for every mix of quotes, backslashes, controls and surrogates", () => {
    const parts = [
      "a",
      " ",
      '"',
      "\\",
      "\\\\",
      '\\"',
      "\u0000",
      "\b",
      "\t",
      "\n",
      "\u001f",
      "\u007f",
      "é",
      "\u2028",
      "\ud83d",
      "\ude00",
      "😀",
      "/",
      "ÿ",
    ];
    const rng = createRng(11);
    for (let n = 0; n < 20000; n++) {
      let s = "";
      const len = rng.int(12);
      for (let i = 0; i < len; i++) s += parts[rng.int(parts.length)] as string;
      expect(jsonString(s)).toBe(JSON.stringify(s));
    }
    expect(jsonString("")).toBe('""');
    expect(jsonString('say "x\\y"')).toBe('"say \\"x\\\\y\\""');
  });
});
