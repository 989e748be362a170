import { noProgress, type Progress } from "../util/progress.js";
import { CorpusBuilder, type Corpus } from "./corpus.js";
import { detectFormat, expandPath, parserFor } from "./detect.js";
import { fileSize } from "./read.js";
import type { FieldMapping, Format, Paper } from "./types.js";

export interface InputSpec {
  path: string;
  /** omitted: detected from the content */
  format?: Format;
  mapping?: FieldMapping;
}

export interface IngestOptions {
  asOf?: string;
  /** mapping applied to inputs that have none of their own */
  mapping?: FieldMapping;
  /** called with the total number of bytes to read, returns the progress sink */
  progress?: (totalBytes: number) => Progress;
  /**
   * called with each paper as it is kept, in corpus order (a later duplicate merged into it
   * changes its dates, authors, categories, keywords or sources, never its title or abstract)
   */
  onKept?: (p: Paper) => void;
}

/**
 * The ingest stage: reads every input (files, or directories of files), each with its detected
 * or given format, into one validated, de-duplicated corpus. A file-level problem throws an
 * InputFileError naming the file; nothing is written by this stage.
 */
export async function ingest(
  inputs: readonly InputSpec[],
  options: IngestOptions = {},
): Promise<Corpus> {
  const expanded: { input: number; file: string; spec: InputSpec }[] = [];
  for (let i = 0; i < inputs.length; i++) {
    const spec = inputs[i] as InputSpec;
    for (const file of await expandPath(spec.path)) expanded.push({ input: i, file, spec });
  }
  let total = 0;
  for (const e of expanded) total += await fileSize(e.file);
  const progress = options.progress?.(total) ?? noProgress;
  const builder = new CorpusBuilder(
    inputs.map((s) => s.path),
    options.onKept,
  );
  for (const { input, file, spec } of expanded) {
    const format = spec.format ?? (await detectFormat(file));
    builder.file(input, format);
    const parse = parserFor(format);
    const mapping = spec.mapping ?? options.mapping;
    for await (const item of parse(file, { asOf: options.asOf, mapping, progress })) {
      builder.add(input, item);
    }
  }
  progress.done();
  return builder.finish();
}

export { CorpusBuilder, type Corpus, type IngestSummary, type SourceStats } from "./corpus.js";
export { detectFormat, detectFromHead } from "./detect.js";
export * from "./types.js";
