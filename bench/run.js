// `npm run bench`: benchmarks, never tests. Reports medians of several runs, each in a fresh
// process so peak memory is per run. Large inputs are read from ../shared/data.
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const shared = new URL("../../shared/data/", import.meta.url).pathname;
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

function measure(label, file, extra = []) {
  if (!existsSync(file)) {
    console.log(`${label}: skipped (${file} not found)`);
    return;
  }
  const runs = [];
  for (let i = 0; i < RUNS; i++) {
    const out = execFileSync(process.execPath, ["bench/ingest-child.js", file, ...extra], {
      encoding: "utf8",
    });
    runs.push(JSON.parse(out.trim().split("\n").pop()));
  }
  const r = {
    records: runs[0].records,
    seconds: median(runs.map((x) => x.seconds)),
    recordsPerSecond: median(runs.map((x) => x.recordsPerSecond)),
    maxRssMB: median(runs.map((x) => x.maxRssMB)),
  };
  console.log(
    `${label.padEnd(44)} ${String(r.records).padStart(7)} records  ${r.seconds.toFixed(2).padStart(6)} s  ` +
      `${Math.round(r.recordsPerSecond).toString().padStart(7)} rec/s  peak RSS ${Math.round(r.maxRssMB)} MB` +
      `  (median of ${RUNS})`,
  );
}

console.log(`ingest throughput, node ${process.version}`);
const dir = mkdtempSync(join(tmpdir(), "papertrends-bench-"));
measure("arxiv-abstracts-143k.jsonl.gz", join(shared, "arxiv-abstracts-143k.jsonl.gz"));
measure(
  "arxiv-abstracts-143k.jsonl.gz + write corpus",
  join(shared, "arxiv-abstracts-143k.jsonl.gz"),
  ["--out", join(dir, "c.jsonl")],
);
measure("hf-daily-papers (580 JSON files)", join(shared, "hf-daily-papers"));
measure("arxiv-oai-pmh (1,000 records)", join(shared, "arxiv-oai-pmh"));
