import { spawn, spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { START_FLAGS, withStartFlags } from "../src/util/heap.js";
import { MALLOC_ENV, withMallocEnv } from "../src/util/malloc.js";
import { ROOT, runCli, tmp } from "./helpers.js";

const BIN = join(ROOT, "bin", "papertrends.js");

/** The pids of a process's children (Linux: /proc). */
function childrenOf(pid: number): number[] {
  const r = spawnSync("ps", ["-o", "pid=", "--ppid", String(pid)], { encoding: "utf8" });
  return r.stdout
    .split("\n")
    .map((s) => Number(s.trim()))
    .filter((n) => n > 0);
}

/** A process's environment (Linux: /proc/PID/environ). */
function environOf(pid: number): Map<string, string> {
  const out = new Map<string, string>();
  for (const kv of readFileSync(`/proc/${pid}/environ`, "utf8").split("\0")) {
    const eq = kv.indexOf("=");
    if (eq > 0) out.set(kv.slice(0, eq), kv.slice(eq + 1));
  }
  return out;
}

/** A process's command line (Linux: /proc/PID/cmdline). */
function argvOf(pid: number): string[] {
  return readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").slice(0, -1);
}

/** The kernel's transparent huge page mode (always, madvise, never), if it has them. */
function thpMode(): string | undefined {
  const f = "/sys/kernel/mm/transparent_hugepage/enabled";
  return existsSync(f) ? /\[(\w+)\]/.exec(readFileSync(f, "utf8"))?.[1] : undefined;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.runIf(process.platform === "linux")("the launcher (bin/papertrends.js)", () => {
  it("runs the CLI in a child with V8's start-up flags, whose malloc returns freed blocks and asks for huge pages, and passes a SIGTERM on to it", async () => {
    const out = tmp();
    // a run long enough to be caught in the middle (142,821 papers). The launcher is started
    // with a threshold other than its own so that it relaunches; an empty one would mean 0 to
    // glibc (every allocation its own mapping: node took 15 s to start here, past the wait below)
    const launcher = spawn(
      process.execPath,
      [BIN, "run", "pipelines/arxiv-143k.yaml", "--out", join(out, "run")],
      { cwd: ROOT, stdio: "ignore", env: { ...process.env, MALLOC_MMAP_THRESHOLD_: "262144" } },
    );
    const ended = new Promise<{ code: number | null; signal: string | null }>((resolve) =>
      launcher.on("exit", (code, signal) => resolve({ code, signal })),
    );
    let cli: number | undefined;
    for (let i = 0; i < 100 && cli === undefined; i++) {
      await sleep(100);
      cli = childrenOf(launcher.pid as number)[0];
    }
    expect(cli).toBeDefined();
    // node's options first, then the script and the CLI's arguments as given
    expect(argvOf(cli as number)).toEqual([
      process.execPath,
      ...START_FLAGS,
      BIN,
      "run",
      "pipelines/arxiv-143k.yaml",
      "--out",
      join(out, "run"),
    ]);
    const env = environOf(cli as number);
    expect(env.get("MALLOC_MMAP_THRESHOLD_")).toBe(MALLOC_ENV.MALLOC_MMAP_THRESHOLD_);
    expect(env.get("MALLOC_TRIM_THRESHOLD_")).toBe(MALLOC_ENV.MALLOC_TRIM_THRESHOLD_);
    expect(env.get("GLIBC_TUNABLES")).toContain("glibc.malloc.hugetlb=1");
    await sleep(500);
    // where the kernel gives huge pages on request, malloc asked for them (smaps' "hg" flag)
    if (thpMode() === "madvise") {
      expect(readFileSync(`/proc/${cli as number}/smaps`, "utf8")).toMatch(/^VmFlags:.* hg\b/m);
    }
    launcher.kill("SIGTERM");
    expect(await ended).toEqual({ code: null, signal: "SIGTERM" });
    await sleep(200);
    expect(existsSync(`/proc/${cli as number}`)).toBe(false);
    // the run never finished: no report was swapped in
    expect(existsSync(join(out, "run", "report.html"))).toBe(false);
  }, 60_000);

  it("gives the CLI's exit code and output", async () => {
    const bad = await runCli(["run", "no-such-pipeline.yaml"]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/no-such-pipeline\.yaml: no such file/);
    const good = await runCli(["--version"]);
    expect(good.code).toBe(0);
    expect(good.stdout).toMatch(/^\d+\.\d+\.\d+/);
  }, 30_000);

  it("runs the CLI itself only when both the thresholds and the flags are set already", async () => {
    // [node's options, whether a child process is expected]
    const cases: [string[], boolean][] = [
      [withStartFlags([]), false],
      [[], true],
    ];
    const runs = cases.map(([flags]) =>
      spawn(
        process.execPath,
        [...flags, BIN, "run", "pipelines/arxiv-143k.yaml", "--out", join(tmp(), "run")],
        { cwd: ROOT, stdio: "ignore", env: withMallocEnv(process.env) },
      ),
    );
    const ended = runs.map((run) => new Promise((resolve) => run.on("exit", resolve)));
    await sleep(1500);
    const relaunched = runs.map((run) => childrenOf(run.pid as number).length > 0);
    for (const run of runs) run.kill("SIGTERM");
    await Promise.all(ended);
    expect(relaunched).toEqual(cases.map(([, child]) => child));
  }, 30_000);
});
