// Text-stage profile helper: node [--cpu-prof] bench/tokenize-child.js FILE [N]
// Tokenizes the first N papers of FILE on the main thread and prints the time.
import { ingest } from "../dist/ingest/index.js";
import { tokenizeCorpus } from "../dist/text/tokenize.js";

const [file, n = "70000"] = process.argv.slice(2);
const { papers } = await ingest([{ path: file }]);
const some = papers.slice(0, Number(n));
const t0 = performance.now();
const tokens = tokenizeCorpus(some);
const tokenCount = tokens.docs.reduce((a, d) => a + d.length, 0);
console.log(
  JSON.stringify({
    papers: some.length,
    terms: tokens.terms.length,
    tokens: tokenCount,
    seconds: (performance.now() - t0) / 1000,
  }),
);
