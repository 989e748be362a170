// One `papertrends run` as a user runs it: `node bin/papertrends.js run PIPELINE --timings`
// (the launcher and the child process it starts), timed as a whole process, as the
// scikit-learn peer is: node's start-up and the modules' loading count. Peak RSS from GNU time
// (the launcher's child included, worker threads too: they share its process).
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";

const TIME = "/usr/bin/time";

/**
 * Runs `papertrends run` in `cwd` (a built checkout) on `input` into `out`, with `threads`
 * (0: the default); returns the wall time, peak RSS, each stage's time (from --timings), the
 * paper count and NMI (from themes.json).
 */
export function cliRun({
  cwd = ".",
  pipeline = "pipelines/arxiv-143k.yaml",
  input,
  out,
  threads = 0,
}) {
  if (!existsSync(TIME)) throw new Error(`${TIME} not found: apt-get install -y time`);
  const args = [
    "-f",
    "peak RSS %M",
    process.execPath,
    "bin/papertrends.js",
    "run",
    pipeline,
    "--out",
    resolve(out),
    "--timings",
    ...(input ? ["--input", resolve(input)] : []),
    ...(threads ? ["--threads", String(threads)] : []),
  ];
  const t0 = performance.now();
  const run = spawnSync(TIME, args, {
    cwd,
    encoding: "utf8",
    stdio: ["ignore", "ignore", "pipe"],
    maxBuffer: 1 << 26,
  });
  const seconds = (performance.now() - t0) / 1000;
  if (run.status !== 0) throw new Error(`${cwd}: papertrends run failed\n${run.stderr}`);
  const stages = {};
  let maxRssMB = null;
  for (const line of run.stderr.split("\n")) {
    const m = /^ {2}(\S.*?)\s{2,}([\d.]+) s/.exec(line);
    if (m && m[1] !== "total" && m[1] !== "load pipeline") stages[m[1]] = Number(m[2]);
    const r = /^peak RSS (\d+)/.exec(line);
    if (r) maxRssMB = Number(r[1]) / 1024;
  }
  const themes = JSON.parse(readFileSync(join(out, "themes.json"), "utf8"));
  return { papers: themes.papers, seconds, maxRssMB, nmi: themes.quality?.nmi ?? null, stages };
}
