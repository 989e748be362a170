// Two builds of papertrends timed in one run, alternately, so that the machine's drift
// (seen here: the same build 20 % slower an hour later) falls on both alike.
// Usage: node bench/ab.js DIR_A DIR_B [RUNS=3] [INPUT=the 143k file]
// Each DIR is a built checkout (`git worktree add DIR REV && cd DIR && npm ci && npm run build`).
// Prints each stage's median (from --timings), the wall time and peak RSS, and B / A.
import { join, resolve } from "node:path";
import { cliRun } from "./cli-run.js";
import { median } from "./median.js";
import { workDir } from "./work-dir.js";

const [a, b, runsArg = "3", inputArg] = process.argv.slice(2);
if (!a || !b) {
  console.error("usage: node bench/ab.js DIR_A DIR_B [RUNS] [INPUT]");
  process.exit(2);
}
const input = resolve(
  inputArg ?? new URL("../../shared/data/arxiv-abstracts-143k.jsonl.gz", import.meta.url).pathname,
);
const out = workDir("papertrends-ab-");

/** One run of DIR's papertrends: stage → seconds, with "wall" and "peak RSS (MB)". */
function once(dir) {
  const r = cliRun({ cwd: dir, input, out: join(out, "run") });
  return { wall: r.seconds, ...r.stages, "peak RSS (MB)": r.maxRssMB };
}

const all = { A: [], B: [] };
for (let i = 0; i < Number(runsArg); i++) {
  all.A.push(once(a));
  all.B.push(once(b));
}
const keys = [...new Set([...all.A, ...all.B].flatMap((r) => Object.keys(r)))];
console.log(`A: ${a}\nB: ${b}\ninput: ${input}; medians of ${runsArg} alternating runs\n`);
console.log(`${"".padEnd(22)} ${"A".padStart(9)} ${"B".padStart(9)} ${"B / A".padStart(7)}`);
for (const k of keys) {
  const xa = all.A.map((r) => r[k]).filter((x) => x !== undefined);
  const xb = all.B.map((r) => r[k]).filter((x) => x !== undefined);
  const ma = xa.length ? median(xa) : NaN;
  const mb = xb.length ? median(xb) : NaN;
  const f = (x) => (Number.isNaN(x) ? "–" : x.toFixed(2)).padStart(9);
  const ratio = Number.isNaN(ma) || Number.isNaN(mb) ? "–" : (mb / ma).toFixed(2);
  console.log(`${k.padEnd(22)} ${f(ma)} ${f(mb)} ${ratio.padStart(7)}`);
}
