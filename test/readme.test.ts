import { execSync } from "node:child_process";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "./helpers.js";

const readme = readFileSync(join(ROOT, "README.md"), "utf8");

describe("README quick start", () => {
  const block = /## Quick start\n\n```sh\n([\s\S]*?)```/.exec(readme)?.[1] ?? "";
  const commands = block.trim().split("\n");

  it("is exactly two commands: the main job, then the tests", () => {
    expect(commands).toEqual(["npm install && npm start", "npm test"]);
    const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));
    expect(pkg.scripts.start).toBeDefined();
    expect(pkg.scripts.test).toBeDefined();
  });

  it("npm start runs the bundled pipeline and writes its report folder", () => {
    const out = join(ROOT, "reports", "hf-papers-page");
    rmSync(out, { recursive: true, force: true });
    // `npm install` has run already (the suite runs inside the installed tree)
    const stdout = execSync("npm start --silent", {
      cwd: ROOT,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    });
    expect(stdout).toContain("pipeline hf-papers-page");
    expect(stdout).not.toContain("injected env");
    for (const f of ["corpus.jsonl", "rejects.jsonl", "summary.json"])
      expect(existsSync(join(out, f))).toBe(true);
    const summary = JSON.parse(readFileSync(join(out, "summary.json"), "utf8"));
    expect(summary.total).toMatchObject({ read: 92, kept: 92, undated: 7 });
  }, 120_000);
});
