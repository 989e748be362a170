import { join } from "node:path";
import type { PipelineConfig } from "./config.js";
import { ingest } from "./ingest/index.js";
import type { Corpus } from "./ingest/corpus.js";
import { writeCorpusFiles } from "./report/corpus-files.js";
import type { Progress } from "./util/progress.js";

/**
 * runPipeline(config, context) calls the stages in order:
 *
 *   sources ──ingest──▶ Corpus ──text──▶ token docs ──vectorize──▶ TF-IDF (sparse)
 *                                                                       │
 *                                       cluster: k-means, guided themes, labels, quality
 *                                                                       │
 *            report ◀──charts──◀ trends ◀──────────────────────────────┘
 *
 * Stages built so far: ingest, and the corpus files of the report stage (corpus.jsonl,
 * rejects.jsonl, summary.json in the pipeline's output folder).
 */
export interface RunContext {
  progress?: (totalBytes: number) => Progress;
  /** overrides the pipeline's inputs (`papertrends run --input`) */
  inputs?: string[];
  asOf?: string;
  out?: string;
}

export interface RunResult {
  corpus: Corpus;
  outDir: string;
  files: string[];
}

export async function runPipeline(
  config: PipelineConfig,
  context: RunContext = {},
): Promise<RunResult> {
  const inputs = context.inputs?.map((path) => ({ path })) ?? config.inputs;
  const asOf = context.asOf ?? config.asOf;
  const corpus = await ingest(inputs, {
    ...(asOf !== undefined && { asOf }),
    ...(config.mapping !== undefined && { mapping: config.mapping }),
    ...(context.progress !== undefined && { progress: context.progress }),
  });
  const outDir = context.out ?? config.output;
  const files = {
    corpus: join(outDir, "corpus.jsonl"),
    rejects: join(outDir, "rejects.jsonl"),
    summary: join(outDir, "summary.json"),
  };
  await writeCorpusFiles(corpus, files);
  return { corpus, outDir, files: Object.values(files) };
}
