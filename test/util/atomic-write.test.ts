import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { replaceDir, writeTextAtomic } from "../../src/util/atomic-write.js";
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
});
