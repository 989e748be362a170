// Clustering quality against arXiv primary categories, papertrends next to scikit-learn, in
// one run (`node bench/quality.js [seeds]`). Corpus: ../shared/data/arxiv-abstracts-143k.jsonl.gz,
// keeping only the categories with at least 2,000 papers; k = the number of such categories.
// Both sides: unigrams + bigrams, min_df 5, max_df 0.5, sublinear tf; each run in a fresh process.
import { execFileSync, spawnSync } from "node:child_process";
import { createReadStream, existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createGunzip } from "node:zlib";
import { createInterface } from "node:readline";
import { workDir } from "./work-dir.js";

const seeds = Number(process.argv[2] ?? 5);
const src = new URL("../../shared/data/arxiv-abstracts-143k.jsonl.gz", import.meta.url).pathname;
if (!existsSync(src)) {
  console.log(`skipped: ${src} not found`);
  process.exit(0);
}
const rows = [];
for await (const line of createInterface({ input: createReadStream(src).pipe(createGunzip()) })) {
  if (line.trim()) rows.push(JSON.parse(line));
}
const counts = new Map();
for (const r of rows) counts.set(r.primary_category, (counts.get(r.primary_category) ?? 0) + 1);
const keep = new Set([...counts].filter(([, n]) => n >= 2000).map(([c]) => c));
const k = keep.size;
const dir = workDir("papertrends-quality-");
const file = join(dir, "arxiv-big-categories.jsonl");
const kept = rows.filter((r) => keep.has(r.primary_category));
writeFileSync(
  file,
  kept
    .map((r) =>
      JSON.stringify({
        id: r.id,
        title: r.title,
        abstract: r.abstract,
        published: r.published,
        primary_category: r.primary_category,
      }),
    )
    .join("\n") + "\n",
);
console.log(
  `${kept.length} papers in ${k} categories with ≥ 2,000 papers: ${[...keep].sort().join(", ")}; ${seeds} seeds`,
);

const python = "/usr/bin/python3";
const haveSklearn =
  process.env.SKIP_SKLEARN !== "1" && spawnSync(python, ["-c", "import sklearn"]).status === 0;
if (!haveSklearn) console.log("scikit-learn peer skipped: apt-get install -y python3-sklearn");

const ours = [];
const theirs = [];
for (let s = 1; s <= seeds; s++) {
  const o = JSON.parse(
    execFileSync(process.execPath, ["bench/themes-child.js", file, String(k), String(s)], {
      encoding: "utf8",
    })
      .trim()
      .split("\n")
      .pop(),
  );
  ours.push(o);
  console.log(
    `seed ${s} papertrends  NMI ${o.nmi.toFixed(4)}  ARI ${o.ari.toFixed(4)}  ${(o.ingestSeconds + o.themesSeconds).toFixed(1)} s`,
  );
  if (haveSklearn) {
    const t = JSON.parse(
      execFileSync(
        python,
        ["bench/sklearn_themes.py", file, String(k), String(s), "2", "kmeans", "1"],
        { encoding: "utf8" },
      )
        .trim()
        .split("\n")
        .pop(),
    );
    theirs.push(t);
    console.log(
      `seed ${s} scikit-learn NMI ${t.nmi.toFixed(4)}  ARI ${t.ari.toFixed(4)}  ${(t.readSeconds + t.vectorizeSeconds + t.clusterSeconds).toFixed(1)} s`,
    );
  }
}
const stats = (xs) => {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  return `${Math.min(...xs).toFixed(4)} / ${mean.toFixed(4)} / ${Math.max(...xs).toFixed(4)}`;
};
console.log("\n| | NMI min / mean / max | ARI min / mean / max |\n|---|---|---|");
console.log(
  `| papertrends (LSA + k-means) | ${stats(ours.map((o) => o.nmi))} | ${stats(ours.map((o) => o.ari))} |`,
);
if (theirs.length)
  console.log(
    `| scikit-learn (TfidfVectorizer + KMeans) | ${stats(theirs.map((o) => o.nmi))} | ${stats(theirs.map((o) => o.ari))} |`,
  );
