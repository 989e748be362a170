import { exec, execSync } from "node:child_process";
import { promisify } from "node:util";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "./helpers.js";

const readme = readFileSync(join(ROOT, "README.md"), "utf8");

/** Floats rounded (JSON: 6 significant digits; text and SVG: 3 decimals) so diffs are stable. */
function normalise(file: string, text: string): string {
  if (file.endsWith(".json")) {
    return JSON.stringify(JSON.parse(text), (_k, v) =>
      typeof v === "number" && !Number.isInteger(v) ? Number(v.toPrecision(6)) : v,
    );
  }
  return text.replace(/-?\d+\.\d+/g, (x) => Number(x).toFixed(3));
}

describe("README quick start", () => {
  const block = /## Quick start\n\n```sh\n([\s\S]*?)```/.exec(readme)?.[1] ?? "";
  const commands = block.trim().split("\n");

  it("is exactly two commands: the main job, then the tests", () => {
    expect(commands).toEqual(["npm install && npm start", "npm test"]);
    const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));
    expect(pkg.scripts.start).toBeDefined();
    expect(pkg.scripts.test).toBeDefined();
  });

  it("npm start runs both bundled pipelines and writes their reports", async () => {
    const weekly = join(ROOT, "reports", "hf-daily-weekly", "week");
    const page = join(ROOT, "reports", "hf-papers-page", "year");
    // `npm install` has run already (the suite runs inside the installed tree)
    // asynchronous: the test worker's event loop stays free for the ~30 s this takes
    const { stdout } = await promisify(exec)("npm start --silent", {
      cwd: ROOT,
      encoding: "utf8",
      maxBuffer: 64 << 20,
    });
    expect(stdout).toContain("pipeline hf-daily-weekly");
    expect(stdout).toContain("pipeline hf-papers-page");
    expect(stdout).toContain("wrote reports/hf-daily-weekly/week/");
    expect(stdout).toContain("wrote reports/hf-papers-page/year/");
    expect(stdout).not.toContain("injected env");
    const expected = [
      "report.md",
      "report.html",
      "summary.json",
      "themes.json",
      "trends.csv",
      "charts/theme-share.svg",
      "charts/rising.png",
      "tables/themes.csv",
    ];
    for (const dir of [weekly, page]) {
      for (const f of expected) expect(existsSync(join(dir, f)), join(dir, f)).toBe(true);
    }
    const summary = JSON.parse(readFileSync(join(page, "summary.json"), "utf8"));
    expect(summary.total).toMatchObject({ read: 92, kept: 92, undated: 7 });
    const weeklySummary = JSON.parse(readFileSync(join(weekly, "summary.json"), "utf8"));
    expect(weeklySummary.total).toMatchObject({ read: 9577, kept: 9577 });

    // the committed example reports are current: what npm start just wrote equals git HEAD's
    const committed = execSync("git ls-files reports", { cwd: ROOT, encoding: "utf8" })
      .split("\n")
      .filter((f) => /\.(md|json|csv|svg)$/.test(f) && f !== "reports/README.md");
    expect(committed.length).toBeGreaterThanOrEqual(36);
    const stale: string[] = [];
    for (const f of committed) {
      const before = execSync(`git show HEAD:${f}`, {
        cwd: ROOT,
        encoding: "utf8",
        maxBuffer: 64 << 20,
      });
      const now = readFileSync(join(ROOT, f), "utf8");
      if (normalise(f, before) !== normalise(f, now)) stale.push(f);
    }
    expect(stale, "run npm start and commit reports/").toEqual([]);
  }, 240_000);

  it("the version in run manifests is package.json's", async () => {
    const { VERSION } = await import("../src/version.js");
    expect(VERSION).toBe(JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).version);
  });
});
