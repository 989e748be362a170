import { createHash } from "node:crypto";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { ROOT } from "../helpers.js";

/** A small weekly pipeline on the bundled HF archive, its store and reports in `dir`. */
export function weeklyPipeline(dir: string): string {
  const file = join(dir, "weekly.yaml");
  writeFileSync(
    file,
    `name: weekly-test
seed: 7
store: ${join(dir, "store.db")}
output: ${join(dir, "reports")}
inputs:
  - path: ${join(ROOT, "data", "hf-daily-papers.jsonl.gz")}
    format: corpus
vectorize: { ngramRange: [1, 2], minDf: 3, maxDf: 0.5 }
cluster: { k: 8 }
trends: { period: week, recent: 1, baseline: 4 }
incremental: { refitEvery: 3 }
themes:
  - name: preference-optimization
    seeds: [preference, preference optimization, DPO, RLHF, reward model, alignment]
`,
  );
  return file;
}

export function files(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (!p.endsWith(".png")) out.set(relative(dir, p), readFileSync(p, "utf8"));
    }
  };
  walk(dir);
  return out;
}

/**
 * Every file under `dir` (hidden ones too) → its SHA-256, with `base` replaced by `<dir>` in
 * text files first, so folders made in different places compare.
 */
export function snapshot(dir: string, base: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else {
        const raw = readFileSync(p);
        const data = /\.png$/.test(p)
          ? raw
          : Buffer.from(raw.toString("utf8").split(base).join("<dir>"));
        out.set(relative(dir, p), createHash("sha256").update(data).digest("hex"));
      }
    }
  };
  walk(dir);
  return out;
}
