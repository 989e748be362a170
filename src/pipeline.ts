import { basename, join, resolve } from "node:path";
import {
  clusterStage,
  type ClusterOptions,
  type ClusterResult,
  type LabelOf,
} from "./cluster/index.js";
import type { ThemeSpec } from "./cluster/themes.js";
import type { PipelineConfig } from "./config.js";
import type { Corpus } from "./ingest/corpus.js";
import { ingest, type IngestOptions, type InputSpec } from "./ingest/index.js";
import type { Paper } from "./ingest/types.js";
import { writeCorpusFiles } from "./report/corpus-files.js";
import { writeThemeFiles } from "./report/themes-files.js";
import { defaultThreads, TextFeed, tokenizeAndFit } from "./text/parallel.js";
import { displayOf, TEXT_DEFAULTS, tokenizeCorpus, type TextOptions } from "./text/tokenize.js";
import { compactLargeHeap } from "./util/heap.js";
import { noTimer, type StageMarker } from "./util/timings.js";
import { InputFileError, UserError } from "./util/errors.js";
import type { Progress } from "./util/progress.js";
import type { Period } from "./util/periods.js";
import type { Csr } from "./vectorize/sparse.js";
import {
  trendsStage,
  TRENDS_DEFAULTS,
  type TrendsOptions,
  type TrendsResult,
} from "./trends/index.js";
import { BURST_DEFAULTS } from "./trends/bursts.js";
import { startSeriesTables } from "./trends/tables.js";
import { replaceDir } from "./util/atomic-write.js";
import {
  startReportCharts,
  startThemeCharts,
  writeReportFiles,
  type ReportCharts,
  type ReportInput,
} from "./report/report-files.js";
import { startChartWorker } from "./charts/renderer.js";
import { crashPoint } from "./util/crash.js";
import { CorpusStore, hashInputs, storeSummary, type InputFile } from "./store/index.js";
import { themeColor } from "./charts/specs.js";
import { VERSION } from "./version.js";
import type { Preset } from "./charts/specs.js";
import {
  TFIDF_DEFAULTS,
  transform,
  type TfidfModel,
  type TfidfOptions,
} from "./vectorize/tfidf.js";
import { readRunDir } from "./ingest/run-dir.js";

/**
 * runPipeline(config, context) calls the stages in order:
 *
 *   sources ──ingest──▶ Corpus ──text──▶ token docs ──vectorize──▶ TF-IDF (sparse)
 *                                                                       │
 *                                       cluster: k-means, guided themes, labels, quality
 *                                                                       │
 *            report ◀──charts──◀ trends ◀──────────────────────────────┘
 *
 * Stages built so far: ingest, text, vectorize, cluster, and the files of the report stage
 * (corpus.jsonl, rejects.jsonl, summary.json, assignments.csv, themes.json, model.json).
 */
export interface RunContext {
  progress?: (totalBytes: number) => Progress;
  /** overrides the pipeline's inputs (`papertrends run --input`) */
  inputs?: string[];
  asOf?: string;
  out?: string;
  k?: number | "auto";
  seed?: number;
  labels?: string;
  period?: Period;
  preset?: Preset;
  threads?: number;
  /** stage times, for --timings and the benchmarks */
  timer?: StageMarker;
  /**
   * let the papers' author lists go once corpus.jsonl holds them, and their abstracts once the
   * text stage has them too (`papertrends run` does, to save memory): the returned corpus's
   * papers then have [] for their authors and "" for their abstracts
   */
  releaseTexts?: boolean;
}

export interface ThemeSettings {
  seed: number;
  /** threads for the text stage (the main one included) */
  threads: number;
  text: TextOptions;
  vectorize: TfidfOptions;
  cluster: Partial<ClusterOptions>;
  labels?: string;
}

export interface ThemesOutcome {
  result: ClusterResult;
  model: TfidfModel;
  settings: ThemeSettings;
  /** the fitted papers' TF-IDF rows (for term trends) */
  matrix: Csr;
  /** a vocabulary entry (stems) as readers see it */
  display: (entry: string) => string;
}

/** Settings of the text, vectorize and cluster stages: pipeline file, then overrides, then defaults. */
export function themeSettings(
  config: Partial<PipelineConfig> | undefined,
  over: { k?: number | "auto"; seed?: number; labels?: string; threads?: number } = {},
): ThemeSettings {
  const c = config?.cluster ?? {};
  const k = over.k ?? c.k;
  const cluster: Partial<ClusterOptions> = {
    ...(k !== undefined &&
      (k === "auto" ? { kMode: "auto" as const } : { k, kMode: "fixed" as const })),
    ...(c.kRange && { kRange: c.kRange }),
    ...(c.restarts !== undefined && { restarts: c.restarts }),
    ...(c.maxIterations !== undefined && { maxIterations: c.maxIterations }),
    ...(c.restartSample !== undefined && { restartSample: c.restartSample }),
    ...(c.lsaFeatures !== undefined && { lsaFeatures: c.lsaFeatures }),
    ...(c.reduce && { reduce: c.reduce }),
    ...(c.dims !== undefined && { dims: c.dims }),
    ...(c.otherThreshold !== undefined && { otherThreshold: c.otherThreshold }),
    ...(c.labelTerms !== undefined && { labelTerms: c.labelTerms }),
    ...(c.representatives !== undefined && { representatives: c.representatives }),
    ...(c.silhouetteSample !== undefined && { silhouetteSample: c.silhouetteSample }),
    themes: (config?.themes ?? []) as ThemeSpec[],
  };
  const v = config?.vectorize ?? {};
  const vectorize: TfidfOptions = {
    ...TFIDF_DEFAULTS,
    ...Object.fromEntries(Object.entries(v).filter(([, x]) => x !== undefined)),
  } as TfidfOptions;
  const t = config?.text ?? {};
  const text: TextOptions = {
    ...TEXT_DEFAULTS,
    ...Object.fromEntries(Object.entries(t).filter(([, x]) => x !== undefined)),
  };
  const labels = over.labels ?? config?.labels;
  const threads = over.threads ?? config?.threads ?? "auto";
  return {
    seed: over.seed ?? config?.seed ?? 42,
    threads: threads === "auto" ? defaultThreads() : threads,
    text,
    vectorize,
    cluster,
    ...(labels !== undefined && { labels }),
  };
}

/** A label field: arrays give their first entry (`categories` → the primary category). */
export function labelField(field: string): { field: string; of: LabelOf } {
  return {
    field,
    of: (p: Paper) => {
      const v = (p as unknown as Record<string, unknown>)[field];
      const x = Array.isArray(v) ? v[0] : v;
      return x === undefined || x === null || x === "" ? null : String(x);
    },
  };
}

/** text → vectorize → cluster. */
export async function runThemes(
  papers: readonly Paper[],
  settings: ThemeSettings,
  timer: StageMarker = noTimer,
  feed?: TextFeed,
): Promise<ThemesOutcome> {
  const { tokens, fitted } = await tokenizeAndFit(
    papers,
    settings.text,
    settings.vectorize,
    settings.threads,
    // the token documents are needed again only to match guided themes' seed terms
    (settings.cluster.themes?.length ?? 0) > 0,
    feed,
  );
  timer.mark("tokenize, vectorize");
  const display = displayOf(tokens);
  const result = await clusterStage(
    papers,
    tokens,
    fitted,
    settings.text,
    settings.cluster,
    settings.seed,
    settings.labels !== undefined ? labelField(settings.labels) : undefined,
    timer,
    settings.threads,
  );
  return { result, model: fitted.model, settings, matrix: fitted.matrix, display };
}

export interface TrendSettings {
  options: Partial<TrendsOptions>;
  alpha: number;
  burst: { scale: number; gamma: number };
}

export function trendSettings(
  config: Partial<PipelineConfig> | undefined,
  over: { period?: Period; asOf?: string } = {},
): TrendSettings {
  const t = config?.trends ?? {};
  const burst = {
    scale: t.burstScale ?? BURST_DEFAULTS.scale,
    gamma: t.burstGamma ?? BURST_DEFAULTS.gamma,
  };
  const options: Partial<TrendsOptions> = {
    period: over.period ?? t.period ?? TRENDS_DEFAULTS.period,
    ...(t.recent !== undefined && { recent: t.recent }),
    ...(t.baseline !== undefined && { baseline: t.baseline }),
    ...(t.alpha !== undefined && { alpha: t.alpha }),
    ...(t.minTermCount !== undefined && { minTermCount: t.minTermCount }),
    ...(t.maxTerms !== undefined && { maxTerms: t.maxTerms }),
    burst,
  };
  const asOf = over.asOf ?? config?.asOf;
  if (asOf !== undefined) options.asOf = asOf;
  return { options, alpha: t.alpha ?? TRENDS_DEFAULTS.alpha, burst };
}

/** The trends stage on the papers of a clustering, its TF-IDF rows giving the term trends. */
export function trendsOfThemes(
  papers: readonly Paper[],
  t: ThemesOutcome,
  settings: TrendSettings,
): TrendsResult {
  return runTrends(
    papers,
    { theme: t.result.theme, names: t.result.themes.map((x) => x.name) },
    { matrix: t.matrix, vocabulary: t.model.vocabulary, display: t.display },
    settings,
  );
}

/** The trends stage on clustered papers. */
export function runTrends(
  papers: readonly Paper[],
  themes: { theme: ArrayLike<number>; names: readonly string[] },
  terms: { matrix: Csr; vocabulary: readonly string[]; display: (e: string) => string } | null,
  settings: TrendSettings,
): TrendsResult {
  return trendsStage(
    {
      dates: papers.map((p) => p.date),
      themes: themes.theme,
      themeNames: themes.names,
      upvotes: papers.map((p) => p.upvotes),
    },
    terms ? { ...terms, papers } : null,
    settings.options,
  );
}

export async function writeThemesOutcome(
  dir: string,
  papers: readonly Paper[],
  t: Pick<ThemesOutcome, "result" | "model" | "settings">,
): Promise<string[]> {
  return writeThemeFiles(dir, papers, t.result, t.model, t.settings.text, {
    seed: t.settings.seed,
    papers: papers.length,
    options: {
      text: t.settings.text,
      vectorize: t.settings.vectorize,
      cluster: { ...t.settings.cluster, themes: undefined },
    },
  });
}

/**
 * A run's folder (filled inside replaceDir): corpus.jsonl, rejects.jsonl and summary.json,
 * then the theme files, then the report.
 */
export async function writeRunFolder(
  dir: string,
  corpus: Corpus,
  themes: Pick<ThemesOutcome, "result" | "model" | "settings">,
  report: ReportInput,
): Promise<string[]> {
  return [
    ...(await writeRunCorpus(dir, corpus)),
    ...(await writeRunResults(dir, corpus.papers, themes, report)),
  ];
}

/** The rest of a run's folder, after its corpus files: themes, model, report and charts. */
async function writeRunResults(
  dir: string,
  papers: readonly Paper[],
  themes: Pick<ThemesOutcome, "result" | "model" | "settings">,
  report: ReportInput,
  charts: ReportCharts = startReportCharts(report),
): Promise<string[]> {
  // the charts are drawn (on the rendering thread, when started) while the rest is written
  return [
    ...(await writeThemesOutcome(dir, papers, themes)),
    ...(await writeReportFiles(dir, report, charts)),
  ];
}

/** The first part of a run's folder: corpus.jsonl, rejects.jsonl and summary.json. */
async function writeRunCorpus(dir: string, corpus: Corpus): Promise<string[]> {
  const corpusFiles = {
    corpus: join(dir, "corpus.jsonl"),
    rejects: join(dir, "rejects.jsonl"),
    summary: join(dir, "summary.json"),
  };
  await writeCorpusFiles(corpus, corpusFiles);
  crashPoint("report-half-written");
  return Object.values(corpusFiles);
}

export interface RunResult {
  corpus: Corpus;
  themes: ThemesOutcome;
  trends: TrendsResult | null;
  trendsError: string | null;
  outDir: string;
  files: string[];
}

export async function runPipeline(
  config: PipelineConfig,
  context: RunContext = {},
): Promise<RunResult> {
  const inputs = context.inputs?.map((path) => ({ path })) ?? config.inputs;
  const asOf = context.asOf ?? config.asOf;
  const timer = context.timer ?? noTimer;
  // the inputs are hashed on a worker thread while they are ingested
  const hashing = hashInputs(inputs.map((i) => i.path));
  hashing.catch(() => undefined); // awaited below, after the ingest (whose errors come first)
  const storePath = config.store;
  const options = {
    ...(asOf !== undefined && { asOf }),
    ...(config.mapping !== undefined && { mapping: config.mapping }),
    ...(context.progress !== undefined && { progress: context.progress }),
  };
  if (storePath === undefined) {
    const settings = themeSettings(config, themeOverrides(context));
    // the trend tables' library loads on a worker thread (see startSeriesTables), once the
    // text stage leaves a core free
    const { corpus, feed } = await ingestStreamed(inputs, options, settings, startSeriesTables);
    try {
      const inputFiles = await hashing;
      timer.mark("ingest");
      return await runOnCorpus(config, context, corpus, inputFiles, timer, feed);
    } finally {
      feed?.stop();
    }
  }
  // with a store the text stage is not streamed: the library loads meanwhile, from now
  startSeriesTables();
  const ingested = await ingest(inputs, options);
  const inputFiles = await hashing;
  // with a store, the inputs are added to it and the run reads every stored paper (up to asOf)
  const store = CorpusStore.open(storePath);
  try {
    const record = {
      kind: "run" as const,
      pipeline: config.name,
      version: VERSION,
      inputs: inputFiles,
    };
    return await store.withRun(record, async (runId) => {
      const upsert = store.upsertPapers(ingested.papers, runId);
      const papers = store.papers(asOf);
      const corpus = {
        papers,
        rejects: ingested.rejects,
        summary: storeSummary(storePath, asOf ?? "any date", papers),
      };
      timer.mark("ingest");
      const result = await runOnCorpus(config, context, corpus, inputFiles, timer);
      store.finishRun(runId, {
        summary: { papers: papers.length, upsert, input: ingested.summary.total },
        modelRun: runId,
        report: result.outDir,
        model: null,
        themes: result.themes.result.themes.map((t, n) => ({
          themeId: `run${runId}-${n}`,
          idx: n,
          name: t.name,
          color: themeColor(t.name),
          kind: t.kind,
          size: t.size,
          detail: { theme: t },
        })),
        assignments: {
          ids: papers.map((p) => p.id),
          theme: result.themes.result.theme,
          score: result.themes.result.score,
        },
        events: [],
        rejects: ingested.rejects,
      });
      return result;
    });
  } finally {
    store.close();
  }
}

/**
 * The ingest stage, with the text stage begun on a worker thread while the input is read when
 * the settings allow it (see TextFeed). Give the feed to `runThemes` with the corpus's papers
 * and stop it when done (a live worker keeps the process running). `onIdle` runs once the text
 * stage leaves the second core idle (see TextFeed.onIdle); at once without a feed.
 */
export async function ingestStreamed(
  inputs: readonly InputSpec[],
  options: IngestOptions,
  settings: ThemeSettings,
  onIdle?: () => void,
): Promise<{ corpus: Corpus; feed?: TextFeed }> {
  const feed = TextFeed.usable(settings.threads, settings.text)
    ? new TextFeed(settings.text)
    : undefined;
  if (onIdle) {
    if (feed) feed.onIdle(onIdle);
    else onIdle();
  }
  try {
    const corpus = await ingest(inputs, {
      ...options,
      ...(feed && { onKept: (p: Paper) => feed.add(p) }),
    });
    return { corpus, ...(feed && { feed }) };
  } catch (e) {
    feed?.stop();
    throw e;
  }
}

/** The theme settings a run's context overrides. */
function themeOverrides(context: RunContext): Parameters<typeof themeSettings>[1] {
  return {
    ...(context.k !== undefined && { k: context.k }),
    ...(context.seed !== undefined && { seed: context.seed }),
    ...(context.labels !== undefined && { labels: context.labels }),
    ...(context.threads !== undefined && { threads: context.threads }),
  };
}

async function runOnCorpus(
  config: PipelineConfig,
  context: RunContext,
  corpus: Corpus,
  inputFiles: readonly InputFile[],
  timer: StageMarker,
  feed?: TextFeed,
): Promise<RunResult> {
  const asOf = context.asOf ?? config.asOf;
  const ts = trendSettings(config, {
    ...(context.period !== undefined && { period: context.period }),
    ...(asOf !== undefined && { asOf }),
  });
  const period = ts.options.period ?? TRENDS_DEFAULTS.period;
  const outDir = context.out ?? join(config.output, period);
  const preset = context.preset ?? "web";
  let themes: ThemesOutcome | undefined;
  let trends: TrendsResult | null = null;
  let trendsError: string | null = null;
  // everything goes to a new folder beside the report, which is then swapped in whole; the
  // corpus files come first, while the text stage's worker goes on with the papers it was fed
  const files = await replaceDir(outDir, async (dir) => {
    const corpusFiles = await writeRunCorpus(dir, corpus);
    timer.mark("write corpus");
    // the abstracts are in corpus.jsonl now, and the feed holds the texts it still needs;
    // nothing after corpus.jsonl reads the authors
    if (context.releaseTexts) {
      releaseTexts(corpus.papers, feed?.holdsAllTexts() ?? false);
      // the released texts leave the heap's pages mostly empty, and V8 keeps them (see
      // compactHeap): at 1M papers about 0.7 GB more resident through the rest of the run
      compactLargeHeap();
    }
    const t = await runThemes(
      corpus.papers,
      themeSettings(config, themeOverrides(context)),
      timer,
      feed,
    );
    themes = t;
    // the charts' rendering thread starts now, with two threads (see startChartWorker): its
    // libraries load on the second core while the main thread computes the trends and writes
    // the theme files, once the clustering's thread pool is done (started earlier, at 300k
    // papers and more the loading ran into the LSA and k-means, which use both cores)
    if (t.settings.threads >= 2) startChartWorker();
    // the charts of the themes alone are drawn there while the trends are computed here (with
    // one thread, here, once the trends are done: the trends' work is synchronous)
    const chartsOf = startThemeCharts(corpus.papers, t.result, {
      corpus: config.description ?? config.name,
      preset,
    });
    // trends need dates: a corpus without enough of them still gets its themes and report
    try {
      trends = trendsOfThemes(corpus.papers, t, ts);
    } catch (e) {
      if (!(e instanceof UserError)) throw e;
      trendsError = e.message;
    }
    timer.mark("trends");
    const manifest = {
      papertrends: VERSION,
      pipeline: { file: config.file, name: config.name },
      seed: t.settings.seed,
      period,
      asOf: trends?.series.asOf ?? asOf ?? null,
      preset,
      inputs: inputFiles,
      settings: {
        text: t.settings.text,
        vectorize: t.settings.vectorize,
        cluster: { ...t.settings.cluster, themes: config.themes ?? [] },
        trends: ts.options,
      },
    };
    const written = [
      ...corpusFiles,
      ...(await writeRunResults(
        dir,
        corpus.papers,
        t,
        {
          title: `${config.description ?? config.name}: trend report`,
          corpus: config.description ?? config.name,
          preset,
          summary: corpus.summary,
          papers: corpus.papers,
          themes: t.result,
          trends,
          trendsError,
          trendOptions: ts,
          manifest,
        },
        chartsOf(trends),
      )),
    ];
    timer.mark("write report");
    return written;
  });
  if (!themes) throw new Error("the run's folder was written without themes");
  return { corpus, themes, trends, trendsError, outDir, files };
}

/**
 * Lets each paper's author list go (it becomes []) and, with `abstracts`, its abstract (it
 * becomes ""): once corpus.jsonl holds them and the text stage has what it needs, nothing
 * else reads them, and at 1M papers they are over a gigabyte of the heap (several million
 * strings) that every full garbage collection would walk.
 */
function releaseTexts(papers: readonly Paper[], abstracts: boolean): void {
  for (const p of papers) {
    p.authors = [];
    if (abstracts) p.abstract = "";
  }
}

/** Trends on a folder written by `papertrends cluster` or `run`, with its saved model. */
export async function trendsFromRunDir(
  dir: string,
  settings: TrendSettings,
): Promise<{ trends: TrendsResult; papers: number }> {
  const { trends, run } = await trendsOfRunDir(dir, settings);
  return { trends, papers: run.papers.length };
}

async function trendsOfRunDir(dir: string, settings: TrendSettings) {
  const run = await readRunDir(dir);
  const tokens = tokenizeCorpus(run.papers, run.text);
  const matrix = transform(run.tfidf, tokens);
  const trends = runTrends(
    run.papers,
    { theme: run.theme, names: run.names },
    { matrix, vocabulary: run.tfidf.vocabulary, display: displayOf(tokens) },
    settings,
  );
  return { trends, run };
}

/** The report of a folder written by `papertrends cluster` or `run`, without clustering again. */
export async function reportFromRunDir(
  dir: string,
  out: string,
  settings: TrendSettings,
  preset: Preset,
): Promise<{ files: string[]; trends: TrendsResult | null; trendsError: string | null }> {
  let trends: TrendsResult | null = null;
  let trendsError: string | null = null;
  let run;
  try {
    ({ trends, run } = await trendsOfRunDir(dir, settings));
  } catch (e) {
    if (!(e instanceof UserError) || e instanceof InputFileError) throw e;
    trendsError = e.message;
    run = await readRunDir(dir);
  }
  const manifest = {
    papertrends: VERSION,
    from: dir,
    period: settings.options.period ?? TRENDS_DEFAULTS.period,
    asOf: trends?.series.asOf ?? settings.options.asOf ?? null,
    preset,
    settings: { trends: settings.options },
  };
  const files = await replaceDir(out, (d) =>
    writeReportFiles(d, {
      title: `${basename(resolve(dir))}: trend report`,
      corpus: basename(resolve(dir)),
      preset,
      summary: run.summary,
      papers: run.papers,
      themes: run.themes,
      trends,
      trendsError,
      trendOptions: settings,
      manifest,
    }),
  );
  return { files, trends, trendsError };
}
