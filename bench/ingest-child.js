// One measured ingest run in a fresh process: prints {records, seconds, maxRssMB} as JSON.
// Usage: node bench/ingest-child.js FILE [--out corpus.jsonl]
import { ingest, writeCorpusFiles } from "../dist/index.js";

const [file, flag, out] = process.argv.slice(2);
const t0 = performance.now();
const corpus = await ingest([{ path: file }]);
if (flag === "--out" && out) await writeCorpusFiles(corpus, { corpus: out });
const seconds = (performance.now() - t0) / 1000;
const t = corpus.summary.total;
console.log(
  JSON.stringify({
    records: t.read,
    kept: t.kept,
    seconds,
    recordsPerSecond: t.read / seconds,
    maxRssMB: process.resourceUsage().maxRSS / 1024,
  }),
);
