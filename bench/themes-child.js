// One measured clustering run in a fresh process. Prints JSON: stage times, NMI, ARI, RSS.
// Usage: node bench/themes-child.js FILE K SEED [ngramMax] [reduce] [dims]
import { ingest, runThemes, themeSettings } from "../dist/index.js";

const [file, k, seed, ngramMax = "2", reduce = "lsa", dims = "auto"] = process.argv.slice(2);
const t0 = performance.now();
const corpus = await ingest([{ path: file }]);
const t1 = performance.now();
const settings = themeSettings(
  {
    seed: Number(seed),
    vectorize: { ngramRange: [1, Number(ngramMax)], minDf: 5, maxDf: 0.5 },
    cluster: { k: Number(k), reduce, dims: dims === "auto" ? "auto" : Number(dims) },
  },
  { labels: "categories" },
);
const out = await runThemes(corpus.papers, settings);
const t2 = performance.now();
console.log(
  JSON.stringify({
    papers: corpus.papers.length,
    vocabulary: out.model.vocabulary.length,
    ingestSeconds: (t1 - t0) / 1000,
    themesSeconds: (t2 - t1) / 1000,
    nmi: out.result.quality.nmi,
    ari: out.result.quality.ari,
    dims: out.result.reduce.dims,
    maxRssMB: process.resourceUsage().maxRSS / 1024,
  }),
);
