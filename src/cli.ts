import { Argument, Command, CommanderError, Option } from "commander";
import { ingestIntoStore } from "./store/index.js";
import { eventSentence, runWeek, type WeeklyResult } from "./weekly/run.js";
import { FETCH_SOURCES, RAW_DIR, runFetch, type FetchSource } from "./fetch/index.js";
import { loadPipeline } from "./config.js";
import { ingest, type InputSpec } from "./ingest/index.js";
import {
  FORMATS,
  isFormat,
  MAPPABLE_FIELDS,
  type FieldMapping,
  type MappableField,
} from "./ingest/types.js";
import { msg } from "./messages.js";
import {
  ingestStreamed,
  reportFromRunDir,
  runPipeline,
  runThemes,
  type ThemesOutcome,
  trendsOfThemes,
  themeSettings,
  trendSettings,
  trendsFromRunDir,
  writeThemesOutcome,
} from "./pipeline.js";
import { formatTrends, writeTrendsFiles } from "./report/trends-files.js";
import { isPeriod, PERIODS, type Period } from "./util/periods.js";
import { isPreset, PRESETS, withPreset, type Preset } from "./charts/specs.js";
import { readCharts, writeCharts } from "./report/charts-files.js";
import { join } from "node:path";
import { formatThemes } from "./report/themes-files.js";
import { formatSummary, writeCorpusFiles } from "./report/corpus-files.js";
import { isIsoDay } from "./util/dates.js";
import { isUserError, UserError } from "./util/errors.js";
import { progressBar } from "./util/progress.js";
import { Timer } from "./util/timings.js";

/**
 * The `papertrends` command line. It parses arguments, loads pipeline files and calls the
 * stages; it holds no logic of its own. Exit codes: 0 success, 1 bad input or config,
 * 2 internal error (stack trace with --verbose).
 */

export interface Io {
  stdout: (s: string) => void;
  stderr: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
}

const defaultIo = (): Io => ({ stdout: (s) => process.stdout.write(s), stderr: process.stderr });

function asOfOption(v: string): string {
  if (!isIsoDay(v)) throw new UserError(msg.invalidAsOf(v));
  return v;
}

function mapOption(v: string, prev: FieldMapping = {}): FieldMapping {
  const m = /^([A-Za-z]+)=(.+)$/.exec(v);
  if (!m) throw new UserError(msg.invalidMap(v));
  const field = m[1] as string;
  if (!(MAPPABLE_FIELDS as readonly string[]).includes(field))
    throw new UserError(msg.unknownMapField(field, MAPPABLE_FIELDS));
  return { ...prev, [field as MappableField]: m[2] as string };
}

const isPipelineFile = (p: string): boolean => /\.ya?ml$/i.test(p);

function kOption(v: string): number | "auto" {
  if (v === "auto") return v;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new UserError(msg.badK(v));
  return n;
}

function seedOption(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new UserError(msg.badSeed(v));
  return n;
}

function threadsOption(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > 64) throw new UserError(msg.badThreads(v));
  return n;
}

function dayOption(option: string) {
  return (v: string): string => {
    if (!isIsoDay(v)) throw new UserError(msg.invalidDay(option, v));
    return v;
  };
}

function intOption(option: string, min: number, max = Number.MAX_SAFE_INTEGER) {
  return (v: string): number => {
    const n = Number(v);
    if (!/^\d+$/.test(v) || n < min || n > max)
      throw new UserError(msg.badInteger(option, v, min, max));
    return n;
  };
}

function numberOption(option: string, min: number) {
  return (v: string): number => {
    const n = Number(v);
    if (v.trim() === "" || !Number.isFinite(n) || n < min)
      throw new UserError(msg.badNumber(option, v, min));
    return n;
  };
}

interface FetchOptions {
  from: string;
  to: string;
  category?: string;
  query?: string;
  set?: string;
  metadataPrefix?: string;
  pageSize?: number;
  maxRecords?: number;
  baseUrl?: string;
  out?: string;
  delay?: number;
  timeout?: number;
  retries?: number;
  maxWait?: number;
  backoff?: number;
  pipeline?: string;
}

function formatWeekly(name: string, w: WeeklyResult, alpha: number): string {
  const lines = [
    `pipeline ${name}, week ${w.week} (run ${w.runId})`,
    "",
    `store: ${w.store.added} papers added, ${w.store.updated} updated, ${w.store.unchanged} unchanged, ${w.store.rejected} rejected`,
    `papers: ${w.papers} dated up to the end of ${w.week}, ${w.newPapers} new since the last run`,
    w.mode === "refit"
      ? `themes: re-fitted (${w.reasons.join("; ")})`
      : `themes: kept from the saved model${w.drift !== null ? ` (vocabulary drift ${w.drift.toFixed(3)})` : ""}`,
    "",
    ...w.themes.map((t) => `  ${t.themeId.padEnd(5)} ${String(t.size).padStart(6)}  ${t.name}`),
    "",
    w.events.length ? "changes since last week:" : "changes since last week: none",
    ...w.events.map((e) => `  ${eventSentence(e)}`),
    "",
    w.trends ? formatTrends(w.trends, alpha) : `trends: not computed: ${w.trendsError}`,
    "",
    `wrote ${w.outDir}/`,
    ...w.files.map((f) => `  ${f}`),
  ];
  return lines.join("\n");
}

/** `--threads` and `--timings`, shared by the commands that cluster. */
function threadsFlag(): Option {
  return new Option(
    "--threads <n>",
    "threads for tokenizing (default: the pipeline's, else one per core)",
  ).argParser(threadsOption);
}

function timingsFlag(): Option {
  return new Option("--timings", "print each stage's wall time and memory to stderr");
}

function progressFor(io: Io, label: string) {
  return (total: number) =>
    progressBar(total, label, io.stderr as Parameters<typeof progressBar>[2]);
}

export function buildProgram(io: Io): Command {
  const program = new Command("papertrends")
    .description("Topic clustering and trend analytics for research-paper listings")
    .version("0.1.0")
    .option("--verbose", "print stack traces for errors")
    .configureOutput({ writeOut: io.stdout, writeErr: (s) => io.stderr.write(s) })
    .showHelpAfterError("(run with --help for usage)")
    .exitOverride();

  program
    .command("ingest")
    .description("read paper listings into one validated, de-duplicated corpus (JSONL)")
    .argument(
      "<paths...>",
      "files or directories of listings, or a pipeline file (.yaml) naming them",
    )
    .addOption(
      new Option("--format <format>", "source format (default: detected from the content)").choices(
        FORMATS,
      ),
    )
    .option("--as-of <date>", "capture day YYYY-MM-DD: resolves year-less dates", asOfOption)
    .option("--map <field=column>", "generic CSV/JSONL field mapping (repeatable)", mapOption)
    .option("--out <corpus.jsonl>", "write the corpus here, one paper a line")
    .option(
      "--rejects <rejects.jsonl>",
      "write rejected records with their reasons (default: next to --out)",
    )
    .option("--json", "print the summary as JSON")
    .option("--store <file>", "add the papers to this corpus store (SQLite; upserted by id)")
    .addHelpText(
      "after",
      `
Formats: ${FORMATS.join(", ")} (plain or .gz)

Examples:
  papertrends ingest data/hf-papers-search-page-2025-10-30.txt --as-of 2025-10-30
  papertrends ingest ../shared/data/hf-daily-papers --out corpus.jsonl --rejects rejects.jsonl
  papertrends ingest papers.csv --map abstract=Summary --map date=Published --json
  papertrends ingest pipelines/hf-papers-page.yaml --out corpus.jsonl
  papertrends ingest data/raw --store data/papertrends.db`,
    )
    .action(
      async (
        paths: string[],
        opts: {
          format?: string;
          asOf?: string;
          map?: FieldMapping;
          out?: string;
          rejects?: string;
          json?: boolean;
          store?: string;
        },
      ) => {
        let inputs: InputSpec[] = [];
        let asOf = opts.asOf;
        let mapping = opts.map;
        for (const p of paths) {
          if (isPipelineFile(p)) {
            const cfg = await loadPipeline(p);
            inputs.push(...cfg.inputs);
            asOf ??= cfg.asOf;
            mapping ??= cfg.mapping;
          } else inputs.push({ path: p });
        }
        if (opts.format !== undefined && isFormat(opts.format)) {
          const format = opts.format;
          inputs = inputs.map((i) => ({ ...i, format }));
        }
        const corpus = await ingest(inputs, {
          ...(asOf !== undefined && { asOf }),
          ...(mapping !== undefined && { mapping }),
          progress: progressFor(io, "ingest"),
        });
        const rejects =
          opts.rejects ??
          (opts.out ? opts.out.replace(/(\.jsonl)?$/, ".rejects.jsonl") : undefined);
        await writeCorpusFiles(corpus, {
          ...(opts.out !== undefined && { corpus: opts.out }),
          ...(rejects !== undefined && { rejects }),
        });
        const stored =
          opts.store !== undefined
            ? await ingestIntoStore(
                opts.store,
                corpus,
                inputs.map((i) => i.path),
              )
            : undefined;
        if (opts.json)
          io.stdout(
            JSON.stringify(
              stored ? { ...corpus.summary, store: stored.counts } : corpus.summary,
              null,
              2,
            ) + "\n",
          );
        else {
          io.stdout(formatSummary(corpus.summary) + "\n");
          if (opts.out) io.stdout(`\nwrote ${opts.out} (${corpus.papers.length} papers)\n`);
          if (rejects) io.stdout(`wrote ${rejects} (${corpus.rejects.length} rejected records)\n`);
          else if (corpus.rejects.length && opts.store === undefined)
            io.stdout(
              `\n${corpus.rejects.length} rejected records not written (use --rejects FILE)\n`,
            );
          if (stored && opts.store !== undefined)
            io.stdout(
              `\n${msg.storeIngest(opts.store, stored.counts, stored.papers, corpus.rejects.length)}\n`,
            );
        }
      },
    );

  program
    .command("fetch")
    .description(
      "fetch new papers' raw responses into data/raw/<source>/ (kept; never fetched twice)",
    )
    .addArgument(new Argument("<source>", "where from").choices(FETCH_SOURCES))
    .requiredOption("--from <date>", "first day YYYY-MM-DD", dayOption("--from"))
    .requiredOption("--to <date>", "last day YYYY-MM-DD", dayOption("--to"))
    .option("--category <cat>", "arxiv: category, e.g. cs.LG")
    .option("--query <q>", "arxiv: more search syntax, ANDed (e.g. 'abs:diffusion')")
    .option("--set <set>", "oai-pmh: set, e.g. cs")
    .option("--metadata-prefix <prefix>", "oai-pmh: metadata format (default arXivRaw)")
    .option(
      "--page-size <n>",
      "arxiv: entries per request (default 200)",
      intOption("--page-size", 1, 2000),
    )
    .option(
      "--max-records <n>",
      "arxiv: stop after this many entries",
      intOption("--max-records", 1),
    )
    .option("--base-url <url>", "the service's base URL (a mirror, or a local test server)")
    .option(
      "--out <dir>",
      "root of the raw folder (default: the pipeline's fetch.out, else data/raw)",
    )
    .option(
      "--delay <s>",
      "seconds between requests (default: hf-daily 1, arxiv and oai-pmh 3)",
      numberOption("--delay", 0),
    )
    .option(
      "--timeout <s>",
      "seconds one attempt may take (default 30)",
      numberOption("--timeout", 0.001),
    )
    .option(
      "--retries <n>",
      "retries after a failed attempt (default 5)",
      intOption("--retries", 0),
    )
    .option(
      "--max-wait <s>",
      "longest Retry-After honoured (default 600)",
      numberOption("--max-wait", 0),
    )
    .option(
      "--backoff <s>",
      "wait before the first retry, doubling after (default 2; Retry-After overrides)",
      numberOption("--backoff", 0),
    )
    .option("--pipeline <file>", "take these settings from a pipeline file's fetch section")
    .addHelpText(
      "after",
      `
Responses are saved whole, one file per day (hf-daily) or page (arxiv, oai-pmh); a file
already there is never requested again, so an interrupted fetch resumes when run again.
Then: papertrends ingest data/raw   (or list data/raw in a pipeline's inputs)

Examples:
  papertrends fetch hf-daily --from 2025-10-27 --to 2025-11-02
  papertrends fetch arxiv --category cs.LG --from 2025-10-27 --to 2025-11-02
  papertrends fetch oai-pmh --set cs --from 2025-10-27 --to 2025-11-02`,
    )
    .action(async (source: FetchSource, opts: FetchOptions) => {
      const config = opts.pipeline !== undefined ? await loadPipeline(opts.pipeline) : undefined;
      const f = config?.fetch;
      const per = source === "hf-daily" ? f?.hfDaily : source === "arxiv" ? f?.arxiv : f?.oaiPmh;
      const a = source === "arxiv" ? f?.arxiv : undefined;
      const o = source === "oai-pmh" ? f?.oaiPmh : undefined;
      const pick = <T>(...vs: (T | undefined)[]): T | undefined => vs.find((v) => v !== undefined);
      const category = pick(opts.category, a?.category);
      const query = pick(opts.query, a?.query);
      const pageSize = pick(opts.pageSize, a?.pageSize);
      const set = pick(opts.set, o?.set);
      const metadataPrefix = pick(opts.metadataPrefix, o?.metadataPrefix);
      const baseUrl = pick(opts.baseUrl, per?.baseUrl);
      const delayS = pick(opts.delay, per?.delay);
      const result = await runFetch(
        {
          source,
          from: opts.from,
          to: opts.to,
          out: opts.out ?? f?.out ?? RAW_DIR,
          ...(baseUrl !== undefined && { baseUrl }),
          ...(delayS !== undefined && { delayS }),
          ...(category !== undefined && { category }),
          ...(query !== undefined && { query }),
          ...(pageSize !== undefined && { pageSize }),
          ...(opts.maxRecords !== undefined && { maxRecords: opts.maxRecords }),
          ...(set !== undefined && { set }),
          ...(metadataPrefix !== undefined && { metadataPrefix }),
          http: {
            ...(opts.timeout !== undefined && { timeoutMs: opts.timeout * 1000 }),
            ...(opts.retries !== undefined && { retries: opts.retries }),
            ...(opts.backoff !== undefined && { backoffMs: opts.backoff * 1000 }),
            ...(opts.maxWait !== undefined && { maxRetryAfterMs: opts.maxWait * 1000 }),
          },
        },
        (line) => io.stderr.write(`${line}\n`),
      );
      io.stdout(
        `${msg.fetchSummary(source, result.dir, result.fetched, result.kept, result.items, result.requests)}\n`,
      );
    });

  program
    .command("cluster")
    .description("cluster a corpus into named, explained themes (TF-IDF, LSA, k-means)")
    .argument(
      "<input>",
      "a corpus (.jsonl from ingest, or any listing ingest reads), or a pipeline file (.yaml)",
    )
    .requiredOption("--out <dir>", "write assignments.csv, themes.json and model.json here")
    .option(
      "--k <n|auto>",
      "number of themes, or auto (best silhouette over cluster.kRange)",
      kOption,
    )
    .option(
      "--seed <n>",
      "seed for every random choice (default: the pipeline's, else 42)",
      seedOption,
    )
    .option(
      "--labels <field>",
      "score against a paper field (e.g. categories: its first entry) with NMI and ARI",
    )
    .option(
      "--as-of <date>",
      "capture day YYYY-MM-DD (for year-less dates in page text)",
      asOfOption,
    )
    .addOption(threadsFlag())
    .addOption(timingsFlag())
    .addHelpText(
      "after",
      `
Without a pipeline file the corpus is clustered unguided, with default settings.

Examples:
  papertrends cluster pipelines/hf-papers-page.yaml --out out/themes
  papertrends ingest ../shared/data/hf-daily-papers --out corpus.jsonl
  papertrends cluster corpus.jsonl --k auto --out out/themes
  papertrends cluster arxiv.jsonl.gz --k 12 --labels categories --out out/arxiv`,
    )
    .action(
      async (
        input: string,
        opts: {
          out: string;
          k?: number | "auto";
          seed?: number;
          labels?: string;
          asOf?: string;
          threads?: number;
          timings?: boolean;
        },
      ) => {
        const timer = new Timer();
        const config = isPipelineFile(input) ? await loadPipeline(input) : undefined;
        const asOf = opts.asOf ?? config?.asOf;
        const settings = themeSettings(config, {
          ...(opts.k !== undefined && { k: opts.k }),
          ...(opts.seed !== undefined && { seed: opts.seed }),
          ...(opts.labels !== undefined && { labels: opts.labels }),
          ...(opts.threads !== undefined && { threads: opts.threads }),
        });
        const { corpus, feed } = await ingestStreamed(
          config?.inputs ?? [{ path: input }],
          {
            ...(asOf !== undefined && { asOf }),
            ...(config?.mapping !== undefined && { mapping: config.mapping }),
            progress: progressFor(io, "read"),
          },
          settings,
        );
        timer.mark("ingest");
        let outcome: ThemesOutcome;
        try {
          outcome = await runThemes(corpus.papers, settings, timer, feed);
        } finally {
          feed?.stop();
        }
        // the corpus goes beside the themes, so `papertrends trends DIR` can read the folder
        const corpusFile = join(opts.out, "corpus.jsonl");
        await writeCorpusFiles(corpus, {
          corpus: corpusFile,
          summary: join(opts.out, "summary.json"),
        });
        const files = [corpusFile, ...(await writeThemesOutcome(opts.out, corpus.papers, outcome))];
        timer.mark("write");
        if (opts.timings) io.stderr.write(`stage times\n${timer.format()}\n`);
        io.stdout(
          `${corpus.papers.length} papers\n${formatThemes(outcome.result)}\n\nwrote ${files.join(", ")}\n`,
        );
      },
    );

  program
    .command("trends")
    .description("theme counts and shares per period, rising and fading themes and terms, bursts")
    .argument(
      "<input>",
      "a pipeline file (.yaml), or a folder written by papertrends cluster or run",
    )
    .requiredOption("--out <dir>", "write trends.csv, rising.csv, rising.json and bursts.json here")
    .addOption(
      new Option(
        "--period <period>",
        "calendar bins (default: the pipeline's, else month)",
      ).choices(PERIODS),
    )
    .option(
      "--as-of <date>",
      "the day the data runs to; its period is flagged incomplete",
      asOfOption,
    )
    .addHelpText(
      "after",
      `
Examples:
  papertrends trends pipelines/hf-daily-monthly.yaml --out out/trends
  papertrends cluster corpus.jsonl --out out/themes && papertrends trends out/themes --period week --out out/trends`,
    )
    .action(async (input: string, opts: { out: string; period?: string; asOf?: string }) => {
      const period =
        opts.period !== undefined && isPeriod(opts.period) ? (opts.period as Period) : undefined;
      const over = {
        ...(period && { period }),
        ...(opts.asOf !== undefined && { asOf: opts.asOf }),
      };
      let papers: number;
      let trends;
      let settings;
      if (isPipelineFile(input)) {
        const config = await loadPipeline(input);
        const asOf = opts.asOf ?? config.asOf;
        const corpus = await ingest(config.inputs, {
          ...(asOf !== undefined && { asOf }),
          ...(config.mapping !== undefined && { mapping: config.mapping }),
          progress: progressFor(io, "read"),
        });
        const outcome = await runThemes(corpus.papers, themeSettings(config));
        settings = trendSettings(config, over);
        trends = trendsOfThemes(corpus.papers, outcome, settings);
        papers = corpus.papers.length;
      } else {
        settings = trendSettings(undefined, over);
        ({ trends, papers } = await trendsFromRunDir(input, settings));
      }
      const files = await writeTrendsFiles(opts.out, trends, settings);
      io.stdout(
        `${papers} papers\n${formatTrends(trends, settings.alpha)}\n\nwrote ${files.join(", ")}\n`,
      );
    });

  program
    .command("report")
    .description(
      "write the trend report of a folder from papertrends cluster or run (no re-clustering)",
    )
    .argument("<dir>", "a folder written by papertrends cluster or run")
    .addOption(new Option("--period <period>", "trend bins (default month)").choices(PERIODS))
    .option(
      "--as-of <date>",
      "the day the data runs to; its period is flagged incomplete",
      asOfOption,
    )
    .addOption(new Option("--preset <preset>", "chart size").choices(PRESETS).default("web"))
    .option("--out <dir>", "where to write the report (default: DIR/report)")
    .addHelpText(
      "after",
      `\nExample:\n  papertrends cluster corpus.jsonl --out out/themes && papertrends report out/themes --period week`,
    )
    .action(
      async (
        dir: string,
        opts: { period?: string; asOf?: string; preset: string; out?: string },
      ) => {
        const period =
          opts.period !== undefined && isPeriod(opts.period) ? (opts.period as Period) : undefined;
        const settings = trendSettings(undefined, {
          ...(period && { period }),
          ...(opts.asOf !== undefined && { asOf: opts.asOf }),
        });
        const out = opts.out ?? join(dir, "report");
        const r = await reportFromRunDir(dir, out, settings, opts.preset as Preset);
        if (r.trends) io.stdout(`${formatTrends(r.trends, settings.alpha)}\n\n`);
        else io.stdout(`trends: not computed: ${r.trendsError}\n\n`);
        io.stdout(`wrote ${out}/\n${r.files.map((f) => `  ${f}`).join("\n")}\n`);
      },
    );

  program
    .command("chart")
    .description("re-render the charts of a finished run with another preset")
    .argument("<dir>", "a report folder written by papertrends run")
    .addOption(
      new Option("--preset <preset>", "slide (1920×1080), paper (one column) or web")
        .choices(PRESETS)
        .makeOptionMandatory(),
    )
    .option("--out <dir>", "where to write (default: DIR/charts-<preset>)")
    .addHelpText(
      "after",
      `\nExample:\n  papertrends chart reports/hf-daily-weekly/week --preset slide`,
    )
    .action(async (dir: string, opts: { preset: string; out?: string }) => {
      const preset = opts.preset as Preset;
      const charts = (await readCharts(join(dir, "charts"))).map((c) => ({
        name: c.name,
        spec: withPreset(c.spec, preset),
      }));
      const out = opts.out ?? join(dir, `charts-${preset}`);
      const files = await writeCharts(out, charts);
      io.stdout(
        `${charts.length} charts at the ${preset} preset\nwrote ${out}/\n${files.map((f) => `  ${f}`).join("\n")}\n`,
      );
    });

  program
    .command("run")
    .description("run a pipeline file: ingest (and, as they land, cluster, trends, report)")
    .argument("<pipeline.yaml>", "pipeline file")
    .option("--input <files...>", "run the pipeline's settings on these inputs instead")
    .option(
      "--week <week>",
      "weekly run on the pipeline's store, for an ISO week (e.g. 2025-W44): new papers placed with the saved model, themes keep their ids",
    )
    .option("--as-of <date>", "capture day YYYY-MM-DD", asOfOption)
    .option("--out <dir>", "output folder (default: the pipeline's output, reports/<name>)")
    .addOption(
      new Option("--period <period>", "trend bins (default: the pipeline's, else month)").choices(
        PERIODS,
      ),
    )
    .addOption(
      new Option("--preset <preset>", "chart size: slide (1920×1080), paper (one column), web")
        .choices(PRESETS)
        .default("web"),
    )
    .addOption(threadsFlag())
    .addOption(timingsFlag())
    .addHelpText(
      "after",
      `\nExamples:\n  papertrends run pipelines/hf-papers-page.yaml\n  papertrends run pipelines/hf-daily-monthly.yaml --preset slide --out out/talk`,
    )
    .action(
      async (
        file: string,
        opts: {
          input?: string[];
          asOf?: string;
          out?: string;
          period?: string;
          preset?: string;
          threads?: number;
          timings?: boolean;
          week?: string;
        },
      ) => {
        const timer = new Timer();
        const config = await loadPipeline(file);
        timer.mark("load pipeline");
        if (opts.week !== undefined) {
          const w = await runWeek(config, opts.week, {
            timer,
            ...(opts.threads !== undefined && { threads: opts.threads }),
            progress: progressFor(io, config.name),
            ...(opts.input !== undefined && { inputs: opts.input }),
            ...(opts.out !== undefined && { out: opts.out }),
            ...(opts.preset !== undefined && isPreset(opts.preset) && { preset: opts.preset }),
          });
          io.stdout(formatWeekly(config.name, w, trendSettings(config).alpha) + "\n");
          if (opts.timings) io.stderr.write(`stage times\n${timer.format()}\n`);
          return;
        }
        const result = await runPipeline(config, {
          timer,
          releaseTexts: true,
          ...(opts.threads !== undefined && { threads: opts.threads }),
          progress: progressFor(io, config.name),
          ...(opts.input !== undefined && { inputs: opts.input }),
          ...(opts.asOf !== undefined && { asOf: opts.asOf }),
          ...(opts.out !== undefined && { out: opts.out }),
          ...(opts.period !== undefined && isPeriod(opts.period) && { period: opts.period }),
          ...(opts.preset !== undefined && isPreset(opts.preset) && { preset: opts.preset }),
        });
        io.stdout(
          `pipeline ${config.name}\n\n${formatSummary(result.corpus.summary)}\n\n${formatThemes(result.themes.result)}\n\n`,
        );
        if (result.trends)
          io.stdout(`${formatTrends(result.trends, trendSettings(config).alpha)}\n\n`);
        else io.stdout(`trends: not computed: ${result.trendsError}\n\n`);
        io.stdout(`wrote ${result.outDir}/\n${result.files.map((f) => `  ${f}`).join("\n")}\n`);
        if (opts.timings) io.stderr.write(`stage times\n${timer.format()}\n`);
      },
    );

  return program;
}

/** Runs the CLI; returns the exit code instead of exiting, so tests can call it in-process. */
export async function main(argv: string[], io: Io = defaultIo()): Promise<number> {
  const program = buildProgram(io);
  const verbose = argv.includes("--verbose");
  try {
    await program.parseAsync(argv);
    return 0;
  } catch (e) {
    if (e instanceof CommanderError) {
      return e.exitCode === 0 ? 0 : 1;
    }
    if (isUserError(e)) {
      io.stderr.write(`papertrends: ${e.message}\n`);
      if (verbose && e.stack) io.stderr.write(e.stack + "\n");
      return 1;
    }
    io.stderr.write(`papertrends: internal error: ${(e as Error)?.message ?? String(e)}\n`);
    if (verbose && e instanceof Error && e.stack) io.stderr.write(e.stack + "\n");
    else io.stderr.write("(run with --verbose for the stack trace)\n");
    return 2;
  }
}
