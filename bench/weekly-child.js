// One measured weekly run (`papertrends run PIPELINE --week W`) in a fresh process: prints JSON
// with wall time, peak RSS, whether it re-fitted, and the stage times.
// Usage: node bench/weekly-child.js PIPELINE.yaml WEEK
import { loadPipeline, runWeek } from "../dist/index.js";
import { Timer } from "../dist/util/timings.js";

const [file, week] = process.argv.slice(2);
const t0 = performance.now();
const timer = new Timer();
const r = await runWeek(await loadPipeline(file), week, { timer });
console.log(
  JSON.stringify({
    papers: r.papers,
    newPapers: r.newPapers,
    mode: r.mode,
    seconds: (performance.now() - t0) / 1000,
    maxRssMB: process.resourceUsage().maxRSS / 1024,
    stages: Object.fromEntries(timer.stages.map((s) => [s.stage, Number(s.seconds.toFixed(2))])),
  }),
);
