// Deterministic resampling of the 143k arXiv file to any size, for the scale benchmarks.
// Usage: node bench/resample.js N OUT.jsonl.gz
// Paper i of the output is source paper (i mod 142,821), with a new id ("bench.<i>"), the same
// title, abstract and categories, and a date spread evenly over the source's range by a seeded
// generator (xoshiro128**, seed 42): same N, same file. Figures from these files are from
// resampled data (repeated texts); say so wherever they are quoted.
import { createReadStream, createWriteStream, renameSync } from "node:fs";
import { createInterface } from "node:readline";
import { pipeline } from "node:stream/promises";
import { Readable } from "node:stream";
import { createGunzip, createGzip } from "node:zlib";
import { createRng } from "../dist/util/rng.js";

export async function resample(src, n, out) {
  const rows = [];
  let min = Infinity;
  let max = -Infinity;
  for await (const line of createInterface({ input: createReadStream(src).pipe(createGunzip()) })) {
    if (!line.trim()) continue;
    const r = JSON.parse(line);
    const t = Date.parse(r.published.replace(" ", "T") + "Z");
    if (t < min) min = t;
    if (t > max) max = t;
    rows.push({
      title: r.title,
      abstract: r.abstract,
      categories: r.categories,
      primary: r.primary_category,
    });
  }
  const rng = createRng(42);
  const day = 86_400_000;
  const days = Math.floor((max - min) / day);
  function* lines() {
    for (let i = 0; i < n; i++) {
      const r = rows[i % rows.length];
      const date = new Date(min + rng.int(days + 1) * day).toISOString().slice(0, 10);
      yield (
        JSON.stringify({
          id: `bench.${i}`,
          title: r.title,
          abstract: r.abstract,
          published: date,
          categories: r.categories,
          primary_category: r.primary,
        }) + "\n"
      );
    }
  }
  const tmp = `${out}.tmp-${process.pid}`;
  await pipeline(Readable.from(lines()), createGzip({ level: 1 }), createWriteStream(tmp));
  renameSync(tmp, out);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [n, out] = process.argv.slice(2);
  const src = new URL("../../shared/data/arxiv-abstracts-143k.jsonl.gz", import.meta.url).pathname;
  await resample(src, Number(n), out);
  console.log(`wrote ${out}`);
}
