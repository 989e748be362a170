// `npm run bench`: benchmarks, never tests. Reports medians of several runs, each in a fresh
// process so peak memory is per run. Large inputs are read from ../shared/data; larger
// corpora are resampled from the 143k arXiv file (bench/resample.js) and cached.
//
//   node bench/run.js [ingest] [pipeline] [threads] [scale] [weekly] [store]   (default: all)
//   BENCH_RUNS=3  BENCH_SIZES=10000,100000,300000,1000000  BENCH_DIR=/tmp/papertrends-bench
//   BENCH_STORE_N=1000000 (papers for the SQLite/DuckDB store comparison)
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { median } from "./median.js";
import { resample } from "./resample.js";
import { cliRun } from "./cli-run.js";
import { storeBench } from "./store.js";
import { renderSvg } from "../dist/charts/render.js";
import { withStartFlags } from "../dist/util/heap.js";
import { withMallocEnv } from "../dist/util/malloc.js";
import { workDir } from "./work-dir.js";

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
/** papertrends' child processes get the malloc settings and V8 flags `papertrends run` has */
const CHILD_ENV = withMallocEnv(process.env);
const CHILD_FLAGS = withStartFlags([]);

/** Runs a bench script (`bench/*-child.js`) as such a child; its last line of output, parsed. */
function childResult(script, args) {
  const out = execFileSync(process.execPath, [...CHILD_FLAGS, script, ...args], {
    encoding: "utf8",
    env: CHILD_ENV,
  });
  return JSON.parse(out.trim().split("\n").pop());
}
const shared = new URL("../../shared/data/", import.meta.url).pathname;

function measure(label, file, extra = []) {
  if (!existsSync(file)) {
    console.log(`${label}: skipped (${file} not found)`);
    return;
  }
  const runs = [];
  for (let i = 0; i < RUNS; i++) {
    runs.push(childResult("bench/ingest-child.js", [file, ...extra]));
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

const sections = process.argv.slice(2);
const want = (s) => sections.length === 0 || sections.includes(s);
const dir = workDir("papertrends-bench-");
const arxiv = join(shared, "arxiv-abstracts-143k.jsonl.gz");
const results = existsSync("bench/results.json")
  ? JSON.parse(readFileSync("bench/results.json", "utf8"))
  : {};
results.node = process.version;

if (want("ingest")) {
  console.log(`ingest throughput, node ${process.version}`);
  measure("arxiv-abstracts-143k.jsonl.gz", arxiv);
  measure("arxiv-abstracts-143k.jsonl.gz + write corpus", arxiv, ["--out", join(dir, "c.jsonl")]);
  measure("hf-daily-papers (580 JSON files)", join(shared, "hf-daily-papers"));
  measure("arxiv-oai-pmh (1,000 records)", join(shared, "arxiv-oai-pmh"));
}

/** One fresh `papertrends run` of pipelines/arxiv-143k.yaml on `input` (see cliRun). */
function pipelineOnce(input, threads) {
  return cliRun({ input, out: join(dir, "run"), threads });
}

/** Medians of fresh `papertrends run`s (see pipelineOnce). */
function pipelineMedians(all) {
  const stages = {};
  for (const s of Object.keys(all[0].stages)) stages[s] = median(all.map((r) => r.stages[s]));
  return {
    papers: all[0].papers,
    seconds: median(all.map((r) => r.seconds)),
    maxRssMB: Math.round(median(all.map((r) => r.maxRssMB))),
    nmi: all[0].nmi,
    runs: all.length,
    stages,
  };
}

/** Medians of RUNS fresh `papertrends run`s of pipelines/arxiv-143k.yaml on `input`. */
function runPipeline(input, threads, runs = RUNS) {
  return pipelineMedians(Array.from({ length: runs }, () => pipelineOnce(input, threads)));
}

const python = "/usr/bin/python3";
const haveSklearn = spawnSync(python, ["-c", "import sklearn"]).status === 0;

/** One scikit-learn run (wall time of the whole python process). */
function sklearnOnce(ngram, algo) {
  const t0 = performance.now();
  const out = execFileSync(
    python,
    ["bench/sklearn_themes.py", arxiv, "20", "1", String(ngram), algo, "1"],
    { encoding: "utf8" },
  );
  return { ...JSON.parse(out.trim().split("\n").pop()), seconds: (performance.now() - t0) / 1000 };
}

/** Medians of scikit-learn runs (see sklearnOnce). */
function sklearnMedians(all) {
  return {
    seconds: median(all.map((r) => r.seconds)),
    maxRssMB: Math.round(median(all.map((r) => r.maxRssMB))),
    vocabulary: all[0].vocabulary,
    nmi: median(all.map((r) => r.nmi)),
    runs: all.length,
  };
}

const fmt = (r) =>
  `${r.seconds.toFixed(1).padStart(7)} s  peak RSS ${String(r.maxRssMB).padStart(5)} MB` +
  (r.nmi != null ? `  NMI ${r.nmi.toFixed(3)}` : "") +
  `  (median of ${r.runs})`;

if (want("pipeline") && existsSync(arxiv)) {
  console.log(
    `\nwhole pipeline on arxiv-abstracts-143k (unigrams + bigrams, k = 20), node ${process.version}`,
  );
  // papertrends and the fast peer take turns, run by run: the machine's speed drifts (10-20 %
  // within an hour here), and turns give both the same share of slow and fast minutes
  const oursRuns = [];
  const miniRuns = [];
  for (let i = 0; i < RUNS; i++) {
    oursRuns.push(pipelineOnce(arxiv, 0));
    if (haveSklearn) miniRuns.push(sklearnOnce(1, "minibatch"));
  }
  const ours = pipelineMedians(oursRuns);
  console.log(`papertrends run pipelines/arxiv-143k.yaml           ${fmt(ours)}`);
  console.log(
    `  stages: ${Object.entries(ours.stages)
      .map(([s, t]) => `${s} ${t} s`)
      .join(", ")}`,
  );
  results.pipeline143k = ours;
  if (!haveSklearn) {
    console.log("scikit-learn peer skipped: apt-get install -y python3-sklearn");
  } else {
    const mini = sklearnMedians(miniRuns);
    console.log(`scikit-learn TfidfVectorizer(1,1) + MiniBatchKMeans ${fmt(mini)}  (in turns)`);
    const bigram = sklearnMedians(Array.from({ length: RUNS }, () => sklearnOnce(2, "kmeans")));
    console.log(`scikit-learn TfidfVectorizer(1,2) + KMeans(20)     ${fmt(bigram)}`);
    results.sklearn = { bigramKMeans: bigram, unigramMiniBatch: mini };
  }
}

if (want("threads") && existsSync(arxiv)) {
  console.log("\nthreads: the same run on 1 and 2 threads");
  // one and two threads take turns (1 2, 2 1, 1 2, ...), as the peers do above: run in blocks,
  // a slow spell on one block once made two threads look barely faster than one (x1.08 against
  // x1.43 in turns, the same code)
  const runs = { 1: [], 2: [] };
  for (let i = 0; i < RUNS; i++) {
    for (const t of i % 2 === 0 ? [1, 2] : [2, 1]) runs[t].push(pipelineOnce(arxiv, t));
  }
  results.threads = {};
  for (const t of [1, 2]) {
    const r = pipelineMedians(runs[t]);
    results.threads[t] = r;
    console.log(
      `  ${t} thread(s): ${fmt(r)}  tokenize, vectorize ${r.stages["tokenize, vectorize"]} s`,
    );
  }
  const [a, b] = [results.threads[1], results.threads[2]];
  console.log(
    `  speed-up: tokenize, vectorize ×${(a.stages["tokenize, vectorize"] / b.stages["tokenize, vectorize"]).toFixed(2)}, whole run ×${(a.seconds / b.seconds).toFixed(2)}`,
  );
}

if (want("scale") && existsSync(arxiv)) {
  const sizes = (process.env.BENCH_SIZES ?? "10000,100000,300000,1000000").split(",").map(Number);
  const cache = process.env.BENCH_DIR ?? join(tmpdir(), "papertrends-bench");
  mkdirSync(cache, { recursive: true });
  console.log(`\ngrowth (resampled from the 143k file; cached in ${cache})`);
  results.growth = results.growth ?? {};
  for (const n of sizes) {
    const file = join(cache, `arxiv-resampled-${n}.jsonl.gz`);
    if (!existsSync(file)) await resample(arxiv, n, file);
    const r = runPipeline(file, 0);
    results.growth[n] = r;
    console.log(`  ${String(n).padStart(8)} papers ${fmt(r)}`);
  }
  const rows = Object.values(results.growth).sort((a, b) => a.papers - b.papers);
  const values = rows.flatMap((r) => [
    { papers: r.papers, measure: "wall time (s)", value: r.seconds },
    { papers: r.papers, measure: "peak RSS (GB)", value: r.maxRssMB / 1024 },
  ]);
  const spec = {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: "papertrends run: time and memory by corpus size (resampled arXiv)",
    width: 360,
    height: 240,
    data: { values },
    mark: { type: "line", point: true },
    encoding: {
      x: { field: "papers", type: "quantitative", scale: { type: "log" }, title: "papers" },
      y: { field: "value", type: "quantitative", scale: { type: "log" }, title: null },
      color: { field: "measure", type: "nominal", title: null },
    },
    config: { font: "DejaVu Sans" },
  };
  writeFileSync("bench/growth.vl.json", JSON.stringify(spec, null, 2) + "\n");
  writeFileSync("bench/growth.svg", await renderSvg(spec));
  console.log("  wrote bench/growth.vl.json, bench/growth.svg");
}

if (want("weekly") && existsSync(arxiv)) {
  // the 143k file in a corpus store, weekly: a re-fit week (the first run, on a new store),
  // then the next week placed with its saved model
  console.log(`\nweekly runs on a store of the 143k arXiv file (medians of ${RUNS})`);
  const all = { refit: [], incremental: [] };
  for (let i = 0; i < RUNS; i++) {
    const w = mkdtempSync(join(dir, "weekly-"));
    const file = join(w, "weekly.yaml");
    writeFileSync(
      file,
      readFileSync("pipelines/arxiv-143k.yaml", "utf8")
        .replace(/^name: .*$/m, "name: arxiv-weekly")
        .replace(/^asOf: .*\n/m, "")
        .replace(/^labels: .*\n/m, "")
        .replace(/period: year/, "period: week")
        .replace(
          /^inputs:\n {2}- path: .*$/m,
          `store: ${join(w, "store.db")}\noutput: ${join(w, "reports")}\ninputs:\n  - path: ${arxiv}`,
        ),
    );
    for (const [mode, week] of [
      ["refit", "2025-W40"],
      ["incremental", "2025-W41"],
    ]) {
      const r = childResult("bench/weekly-child.js", [file, week]);
      if (r.mode !== mode) throw new Error(`${week}: expected a ${mode} run, got ${r.mode}`);
      all[mode].push(r);
    }
  }
  results.weekly = {};
  for (const mode of ["refit", "incremental"]) {
    const xs = all[mode];
    results.weekly[mode] = {
      papers: xs[0].papers,
      newPapers: xs[0].newPapers,
      seconds: median(xs.map((x) => x.seconds)),
      maxRssMB: Math.round(median(xs.map((x) => x.maxRssMB))),
      runs: RUNS,
    };
    const r = results.weekly[mode];
    console.log(
      `  ${mode.padEnd(12)} ${r.papers} papers (${r.newPapers} new)  ${r.seconds.toFixed(1)} s  peak RSS ${r.maxRssMB} MB`,
    );
  }
}

if (want("store")) {
  const n = Number(process.env.BENCH_STORE_N ?? 1_000_000);
  console.log(
    `\ncorpus store at ${n.toLocaleString("en")} resampled papers: SQLite against DuckDB (medians of ${RUNS})`,
  );
  results.store = { papers: n, ...(await storeBench(n, RUNS)) };
  for (const e of ["sqlite", "duckdb"]) {
    const x = results.store[e];
    console.log(
      `  ${e.padEnd(7)} bulk ${x.bulk.toFixed(1)} s, weekly ${x.weekly.toFixed(2)} s, week ${x.oneWeek.toFixed(3)} s, up to a date ${x.upToDate.toFixed(1)} s, per week ${x.perWeek.toFixed(2)} s, ${Math.round(x.mb)} MB, peak ${Math.round(x.rssMB)} MB`,
    );
  }
}

writeFileSync("bench/results.json", JSON.stringify(results, null, 2) + "\n");
writeFileSync("bench/README.md", readme(results));
console.log("\nwrote bench/results.json, bench/README.md");

/** bench/README.md from the results: every figure in it comes from this script. */
function readme(r) {
  const s = (x) => `${x.toFixed(1)} s`;
  const mb = (x) => (x >= 1024 ? `${(x / 1024).toFixed(2)} GB` : `${x} MB`);
  const lines = [
    "# Benchmarks",
    "",
    "Written by `npm run bench` (`node bench/run.js`); figures are medians of the runs shown,",
    `each in a fresh process, on this machine (2 cores), node ${r.node}. Raw figures:`,
    "`bench/results.json`. Each papertrends figure is a whole `papertrends run` as a user runs",
    "it (`bench/cli-run.js`: the CLI and its launcher, timed from outside, node's start-up and",
    "module loading included, as Python's are for scikit-learn); stage times from `--timings`.",
    "Peak RSS includes the worker threads (they share the process).",
    "",
  ];
  if (r.pipeline143k) {
    const p = r.pipeline143k;
    lines.push(
      "## The whole pipeline on 143k abstracts",
      "",
      "`npx papertrends run pipelines/arxiv-143k.yaml`: ingest → tokenize → TF-IDF (unigrams +",
      "bigrams, min_df 5, max_df 0.5) → LSA → k-means (k = 20) → trends → report (charts, HTML).",
      "scikit-learn 1.2.1 (Debian's python3-sklearn) in the same run, on the same file, timed as",
      "whole processes (reading the gzip file included); `KMeans` and `MiniBatchKMeans` with",
      "`n_init=1` (`bench/sklearn_themes.py`). papertrends and `MiniBatchKMeans` take turns,",
      "run by run, so that the machine's drift (10-20 % within an hour here) falls on both alike.",
      "",
      "| | wall time | peak RSS | NMI vs primary category | runs |",
      "|---|---:|---:|---:|---:|",
      `| papertrends run (whole pipeline, report included) | ${s(p.seconds)} | ${mb(p.maxRssMB)} | ${p.nmi?.toFixed(3) ?? "–"} | ${p.runs} |`,
    );
    if (r.sklearn) {
      const b = r.sklearn.bigramKMeans;
      const m = r.sklearn.unigramMiniBatch;
      lines.push(
        `| scikit-learn TfidfVectorizer(ngram_range=(1,2)) + KMeans(20) | ${s(b.seconds)} | ${mb(b.maxRssMB)} | ${b.nmi.toFixed(3)} | ${b.runs} |`,
        `| scikit-learn TfidfVectorizer() + MiniBatchKMeans(20) | ${s(m.seconds)} | ${mb(m.maxRssMB)} | ${m.nmi.toFixed(3)} | ${m.runs} |`,
      );
    }
    lines.push(
      "",
      "Stage times of the papertrends run (medians):",
      "",
      "| stage | seconds |",
      "|---|---:|",
      ...Object.entries(p.stages).map(([k, v]) => `| ${k} | ${v.toFixed(2)} |`),
      "",
    );
  }
  if (r.threads) {
    const a = r.threads[1];
    const b = r.threads[2];
    const stage = "tokenize, vectorize";
    const labels = "labels, quality";
    lines.push(
      "## Threads",
      "",
      "The same run with `--threads 1` and `--threads 2` (the text stage and n-gram counting on",
      "worker threads; the LSA's products, k-means (restarts, bounded Lloyd's steps and the",
      "final assignment) and the labels' per-cluster sums on a shared-memory pool). Outputs are",
      "identical whatever the thread count (tested). The two settings take turns, run by run;",
      `medians of ${a.runs} runs each. One thread still leaves V8's collector, zlib and the chart`,
      "and table threads to the second core.",
      "",
      "| threads | whole run | tokenize + vectorize | LSA | k-means | labels, quality |",
      "|---:|---:|---:|---:|---:|---:|",
      ...[a, b].map(
        (t, i) =>
          `| ${i + 1} | ${s(t.seconds)} | ${s(t.stages[stage])} | ${s(t.stages.lsa)} | ${s(t.stages["k-means"])} | ${t.stages[labels] === undefined ? "–" : s(t.stages[labels])} |`,
      ),
      `| speed-up | ×${(a.seconds / b.seconds).toFixed(2)} | ×${(a.stages[stage] / b.stages[stage]).toFixed(2)} | ×${(a.stages.lsa / b.stages.lsa).toFixed(2)} | ×${(a.stages["k-means"] / b.stages["k-means"]).toFixed(2)} | ${a.stages[labels] === undefined ? "–" : `×${(a.stages[labels] / b.stages[labels]).toFixed(2)}`} |`,
      "",
    );
  }
  if (r.weekly) {
    const f = r.weekly.refit;
    const i = r.weekly.incremental;
    lines.push(
      "## Weekly runs on a corpus store",
      "",
      "`papertrends run --week` with the 143k file in a store (`pipelines/arxiv-143k.yaml` with",
      "`store:` and weekly trends): 2025-W40 on a new store re-fits everything; 2025-W41 places",
      "only the papers new since then with the saved model and reads only the compared window's",
      "terms. Both include adding the input file to the store (every record found unchanged",
      "the second time) and writing the whole report.",
      "",
      "| week | papers | new | wall time | peak RSS | runs |",
      "|---|---:|---:|---:|---:|---:|",
      `| re-fit (2025-W40) | ${f.papers.toLocaleString("en")} | ${f.newPapers.toLocaleString("en")} | ${s(f.seconds)} | ${mb(f.maxRssMB)} | ${f.runs} |`,
      `| incremental (2025-W41) | ${i.papers.toLocaleString("en")} | ${i.newPapers.toLocaleString("en")} | ${s(i.seconds)} | ${mb(i.maxRssMB)} | ${i.runs} |`,
      "",
    );
  }
  if (r.store) {
    const a = r.store.sqlite;
    const b = r.store.duckdb;
    const row = (label, k, d = 2) => `| ${label} | ${a[k].toFixed(d)} | ${b[k].toFixed(d)} |`;
    lines.push(
      "## Corpus store: SQLite against DuckDB",
      "",
      `\`node bench/store.js\` (or this script's \`store\` section): ${r.store.papers.toLocaleString("en")} resampled papers`,
      "in a layout like the store's (`papers(id primary key, date, week, title, record JSON)`, an",
      "index on date), each engine in a fresh process per run, medians of " + a.runs + ".",
      "Peak RSS includes the papers held in JavaScript.",
      "",
      "| | SQLite (better-sqlite3) | DuckDB (@duckdb/node-api) |",
      "|---|---:|---:|",
      row("bulk upsert, batches of 10,000 (s)", "bulk", 1),
      row("weekly upsert of 10,000, half new (s)", "weekly"),
      row("papers of one week (s)", "oneWeek", 3),
      row("every paper up to a date (s)", "upToDate", 1),
      row("papers per ISO week, group by (s)", "perWeek"),
      row("file (MB)", "mb", 0),
      row("peak RSS (MB)", "rssMB", 0),
      "",
    );
  }
  if (r.growth) {
    const rows = Object.values(r.growth).sort((x, y) => x.papers - y.papers);
    lines.push(
      "## Growth",
      "",
      "The same pipeline on corpora resampled from the 143k file (`bench/resample.js`: new ids,",
      "the same texts repeated, dates spread evenly over 1999–2025 by a seeded generator). Repeated",
      "texts multiply every n-gram's document frequency, so n-grams too rare for min_df 5 in the",
      "143k file pass it in the larger corpora: the vocabulary grows from 381k columns at 143k to",
      "3.8M at 1M, and every step per column (vocabulary order, labels, the model file) with it.",
      "",
      "| papers | wall time | peak RSS | seconds per 100k papers | runs |",
      "|---:|---:|---:|---:|---:|",
      ...rows.map(
        (x) =>
          `| ${x.papers.toLocaleString("en")} | ${s(x.seconds)} | ${mb(x.maxRssMB)} | ${((x.seconds / x.papers) * 1e5).toFixed(1)} | ${x.runs} |`,
      ),
      "",
      "![time and peak memory by corpus size](growth.svg)",
      "",
      "(`growth.svg` is drawn by the project's own chart code, from `growth.vl.json`.)",
      "",
    );
    const largest = rows[rows.length - 1];
    if (largest?.stages) {
      lines.push(
        `Stage times at ${largest.papers.toLocaleString("en")} papers (medians):`,
        "",
        "| stage | seconds |",
        "|---|---:|",
        ...Object.entries(largest.stages).map(([k, v]) => `| ${k} | ${v.toFixed(2)} |`),
        "",
      );
    }
  }
  return lines.join("\n");
}
