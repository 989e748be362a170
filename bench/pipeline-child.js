// One measured `papertrends run` in a fresh process: prints JSON with wall time, peak RSS
// (worker threads included: they share the process) and the stage times.
// Usage: node bench/pipeline-child.js PIPELINE.yaml OUT_DIR [THREADS] [INPUT]
import { loadPipeline, runPipeline } from "../dist/index.js";
import { Timer } from "../dist/util/timings.js";

const [file, out, threads, input] = process.argv.slice(2);
const t0 = performance.now();
const timer = new Timer();
const config = await loadPipeline(file);
const r = await runPipeline(config, {
  out,
  timer,
  // as `papertrends run` does
  releaseTexts: true,
  ...(threads && threads !== "0" && { threads: Number(threads) }),
  ...(input && { inputs: [input] }),
});
console.log(
  JSON.stringify({
    papers: r.corpus.papers.length,
    seconds: (performance.now() - t0) / 1000,
    maxRssMB: process.resourceUsage().maxRSS / 1024,
    nmi: r.themes.result.quality.nmi ?? null,
    stages: Object.fromEntries(timer.stages.map((s) => [s.stage, Number(s.seconds.toFixed(2))])),
  }),
);
