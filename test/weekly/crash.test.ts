import { spawn } from "node:child_process";
import { cpSync, existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { CorpusStore } from "../../src/store/index.js";
import { ROOT, tmp } from "../helpers.js";
import { snapshot, weeklyPipeline } from "./pipeline.js";

/**
 * kill -9 during a weekly run, at every step that writes and at timed moments: the store stays
 * consistent (integrity check, the last finished run unchanged), last week's report stays
 * whole, and running the same command again completes the week with the same report as a run
 * that was never interrupted.
 */

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
}

function runWeek(dir: string, week: string, crashAt?: string, killAfterMs?: number): Promise<Exit> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [join(ROOT, "bin", "papertrends.js"), "run", join(dir, "weekly.yaml"), "--week", week],
      {
        cwd: dir,
        env: { ...process.env, ...(crashAt && { PAPERTRENDS_CRASH_AT: crashAt }) },
        stdio: ["ignore", "ignore", "pipe"],
      },
    );
    let stderr = "";
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    const timer =
      killAfterMs !== undefined ? setTimeout(() => child.kill("SIGKILL"), killAfterMs) : null;
    child.on("error", reject);
    child.on("close", (code, signal) => {
      if (timer) clearTimeout(timer);
      resolve({ code, signal, stderr });
    });
  });
}

/** A fresh case folder: the pipeline, and (optionally) the store and reports of `from`. */
function caseDir(from?: string): string {
  const dir = tmp();
  weeklyPipeline(dir);
  if (from) {
    for (const name of readdirSync(from))
      if (name !== "weekly.yaml") cpSync(join(from, name), join(dir, name), { recursive: true });
  }
  return dir;
}

function storeState(dir: string): { integrity: string; done: [string | null, number][] } {
  const store = CorpusStore.open(join(dir, "store.db"));
  try {
    return {
      integrity: store.integrity(),
      done: store
        .runs()
        .filter((r) => r.status === "done")
        .map((r) => [r.week, store.assignments(r.id).size]),
    };
  } finally {
    store.close();
  }
}

const report = (dir: string, week: string) => snapshot(join(dir, "reports", week), dir);

let week1: string; // store and report after a finished 2024-W30
let reference: Map<string, string>; // 2024-W31's report from an uninterrupted run
let referenceDone: [string | null, number][];

beforeAll(async () => {
  week1 = caseDir();
  expect((await runWeek(week1, "2024-W30")).code).toBe(0);
  const ref = caseDir(week1);
  expect((await runWeek(ref, "2024-W31")).code).toBe(0);
  reference = report(ref, "2024-W31");
  referenceDone = storeState(ref).done;
}, 120_000);

async function crashThenResume(dir: string, crash: () => Promise<Exit>): Promise<Exit> {
  const before = report(dir, "2024-W30");
  const done = storeState(dir).done;
  const exit = await crash();
  // last week's report is untouched, the store is whole and still says what it said
  expect(report(dir, "2024-W30")).toEqual(before);
  const after = storeState(dir);
  expect(after.integrity).toBe("ok");
  expect(after.done.slice(0, done.length)).toEqual(done);
  // this week's report is absent or complete, never partial
  if (existsSync(join(dir, "reports", "2024-W31")))
    expect(report(dir, "2024-W31")).toEqual(reference);
  // the same command again completes the week, as if nothing had happened
  const again = await runWeek(dir, "2024-W31");
  expect(again.stderr).toBe("");
  expect(again.code).toBe(0);
  expect(report(dir, "2024-W31")).toEqual(reference);
  expect(storeState(dir).done.at(-1)).toEqual(referenceDone.at(-1));
  return exit;
}

describe("kill -9 during a weekly run", () => {
  it.each(["after-upsert", "report-half-written", "report-swap", "before-store", "store-commit"])(
    "at %s leaves the store and last week's report intact; the next run completes",
    async (point) => {
      const dir = caseDir(week1);
      const exit = await crashThenResume(dir, () => runWeek(dir, "2024-W31", point));
      expect(exit.signal).toBe("SIGKILL");
    },
    60_000,
  );

  it.each([1600, 2000, 2400, 2800])(
    "%i ms after the start leaves the store and last week's report intact; the next run completes",
    async (ms) => {
      const dir = caseDir(week1);
      const exit = await crashThenResume(dir, () => runWeek(dir, "2024-W31", undefined, ms));
      // killed, or (on a fast machine, at the latest moment) already finished
      expect(exit.signal === "SIGKILL" || exit.code === 0).toBe(true);
    },
    60_000,
  );

  it("between the two renames that swap in a re-run week's report, sets the old one aside, never loses it", async () => {
    const dir = caseDir(week1);
    expect((await runWeek(dir, "2024-W31")).code).toBe(0);
    const exit = await runWeek(dir, "2024-W31", "report-swap");
    expect(exit.signal).toBe("SIGKILL");
    const reports = join(dir, "reports");
    const aside = readdirSync(reports).filter((n) => n.startsWith("2024-W31.old-"));
    expect(aside).toHaveLength(1);
    expect(snapshot(join(reports, aside[0] as string), dir)).toEqual(reference);
    // the next run puts it back first, then completes and swaps in its own
    const again = await runWeek(dir, "2024-W31");
    expect(again.code).toBe(0);
    expect(report(dir, "2024-W31")).toEqual(reference);
    expect(readdirSync(reports).sort()).toEqual(["2024-W30", "2024-W31"]);
  }, 60_000);

  it("in the middle of the first run's upsert stores nothing of it; the next run completes", async () => {
    const dir = caseDir();
    const exit = await runWeek(dir, "2024-W30", "mid-upsert");
    expect(exit.signal).toBe("SIGKILL");
    const store = CorpusStore.open(join(dir, "store.db"));
    expect(store.integrity()).toBe("ok");
    expect(store.counts().papers).toBe(0);
    expect(store.runs().map((r) => r.status)).toEqual(["abandoned"]);
    store.close();
    expect(existsSync(join(dir, "reports", "2024-W30"))).toBe(false);
    expect((await runWeek(dir, "2024-W30")).code).toBe(0);
    expect(report(dir, "2024-W30")).toEqual(report(week1, "2024-W30"));
  }, 60_000);
});
