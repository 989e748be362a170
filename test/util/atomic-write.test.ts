import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { replaceDir, writeFileAtomic, writeTextAtomic } from "../../src/util/atomic-write.js";
import { createRng } from "../../src/util/rng.js";
import { tmp } from "../helpers.js";

describe("atomic outputs", () => {
  it("a failed or killed fill leaves the previous folder whole, and no partial one", async () => {
    const base = tmp();
    const dir = join(base, "week");
    mkdirSync(dir);
    writeFileSync(join(dir, "report.md"), "last week's report\n");
    await expect(
      replaceDir(dir, async (t) => {
        writeFileSync(join(t, "report.md"), "half a rep");
        throw new Error("killed");
      }),
    ).rejects.toThrow("killed");
    expect(readFileSync(join(dir, "report.md"), "utf8")).toBe("last week's report\n");
    expect(readdirSync(base)).toEqual(["week"]);
  });

  it("a complete fill replaces the folder, with paths reported under the final name", async () => {
    const base = tmp();
    const dir = join(base, "week");
    mkdirSync(dir);
    writeFileSync(join(dir, "old.txt"), "x");
    const files = await replaceDir(dir, async (t) => {
      writeFileSync(join(t, "report.md"), "new\n");
      return [join(t, "report.md")];
    });
    expect(files).toEqual([join(dir, "report.md")]);
    expect(readdirSync(dir)).toEqual(["report.md"]);
    expect(readdirSync(base)).toEqual(["week"]);
  });

  it("writes a file through a temporary name and a rename", async () => {
    const dir = tmp();
    await writeTextAtomic(join(dir, "a", "b.json"), "{}\n");
    expect(readFileSync(join(dir, "a", "b.json"), "utf8")).toBe("{}\n");
    expect(readdirSync(join(dir, "a"))).toEqual(["b.json"]);
    expect(existsSync(join(dir, "a", "b.json"))).toBe(true);
  });

  it("streams chunks of any size and script byte for byte, each chunk UTF-8 encoded", async () => {
    const rng = createRng(7);
    // ASCII, Latin-1, CJK, an astral pair, and a lone surrogate (written as U+FFFD)
    const pieces = ["a", "paper ", "é", "語", "\u{1F600}", "\uD800", "\n", '"'];
    const chunks: string[] = [];
    for (let c = 0; c < 3000; c++) {
      // mostly small, some near or over the buffer's size
      const n = rng.int(20) === 0 ? rng.int(200) : rng.int(12);
      let chunk = "";
      for (let i = 0; i < n; i++) chunk += pieces[rng.int(pieces.length)];
      chunks.push(chunk);
    }
    // the same chunks appended one at a time, and in lists of 0 to 40 (some over a buffer)
    const lists: string[][] = [];
    for (let c = 0; c < chunks.length;) {
      const n = rng.int(41);
      lists.push(chunks.slice(c, c + n));
      c += n;
    }
    const expected = Buffer.concat(chunks.map((c) => Buffer.from(c, "utf8")));
    const bytes = 256;
    for (const bufferBytes of [bytes, 1 << 20]) {
      for (const asLists of [false, true]) {
        const path = join(tmp(), "stream.txt");
        await writeFileAtomic(
          path,
          async (append) => {
            if (asLists) for (const l of lists) await append(l);
            else for (const c of chunks) await append(c);
          },
          bufferBytes,
        );
        expect(readFileSync(path).equals(expected)).toBe(true);
      }
    }
  });
});
