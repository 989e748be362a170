import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { removeTmp, tmp } from "./helpers.js";

describe("test temp folders", () => {
  it("are removed with their files once the test file ends", () => {
    const dirs = [tmp(), tmp()];
    writeFileSync(join(dirs[0] as string, "a.txt"), "x");
    expect(dirs.every((d) => existsSync(d))).toBe(true);
    expect(removeTmp()).toBeGreaterThanOrEqual(2);
    expect(dirs.some((d) => existsSync(d))).toBe(false);
    expect(removeTmp()).toBe(0);
  });
});
