import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { ROOT } from "./helpers.js";

/** Starts a node process that makes a bench work folder with a file in it and prints it. */
function child(then: string): {
  dir: Promise<string>;
  exit: Promise<string | number | null>;
  kill: (signal: NodeJS.Signals) => void;
} {
  const url = pathToFileURL(join(ROOT, "bench", "work-dir.js")).href;
  const code = `const { workDir } = await import(${JSON.stringify(url)});
const { writeFileSync } = await import("node:fs");
const d = workDir("papertrends-workdir-test-");
writeFileSync(d + "/out.txt", "x");
console.log(d);
${then}`;
  const p = spawn(process.execPath, ["--input-type=module", "-e", code], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  const dir = new Promise<string>((resolve) =>
    p.stdout.once("data", (b: Buffer) => resolve(b.toString().trim())),
  );
  const exit = new Promise<string | number | null>((resolve) =>
    p.on("exit", (code, signal) => resolve(signal ?? code)),
  );
  return { dir, exit, kill: (signal) => p.kill(signal) };
}

describe("bench work folders", () => {
  it("are removed when the benchmark ends", async () => {
    const c = child("");
    const dir = await c.dir;
    expect(await c.exit).toBe(0);
    expect(dir).toContain("papertrends-workdir-test-");
    expect(existsSync(dir)).toBe(false);
  });

  it("are removed when it is interrupted, and it still ends by the signal", async () => {
    const c = child("setInterval(() => {}, 1000);");
    const dir = await c.dir;
    expect(existsSync(join(dir, "out.txt"))).toBe(true);
    c.kill("SIGTERM");
    expect(await c.exit).toBe("SIGTERM");
    expect(existsSync(dir)).toBe(false);
  });
});
