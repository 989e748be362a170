export { ingest, type InputSpec, type IngestOptions } from "./ingest/index.js";
export {
  CorpusBuilder,
  type Corpus,
  type IngestSummary,
  type SourceStats,
} from "./ingest/corpus.js";
export { detectFormat, detectFromHead } from "./ingest/detect.js";
export {
  Format,
  FORMATS,
  isFormat,
  MAPPABLE_FIELDS,
  type FieldMapping,
  type Paper,
  type ParseItem,
  type Reject,
  type SourceRef,
} from "./ingest/types.js";
export {
  loadPipeline,
  parsePipeline,
  pipelineSchema,
  pipelineJsonSchema,
  type PipelineConfig,
} from "./config.js";
export {
  runPipeline,
  runThemes,
  themeSettings,
  labelField,
  type RunContext,
  type RunResult,
  type ThemeSettings,
} from "./pipeline.js";
export { parseDate, isIsoDay } from "./util/dates.js";
export { UserError, InputFileError } from "./util/errors.js";
export { paperToJson, formatSummary, writeCorpusFiles } from "./report/corpus-files.js";
export { main } from "./cli.js";
export { runFetch, FETCH_SOURCES, type FetchRequest, type FetchResult } from "./fetch/index.js";
export { CorpusStore, ingestIntoStore } from "./store/index.js";
export { runWeek, type WeeklyResult } from "./weekly/run.js";
export { matchThemes, type ThemeEvent } from "./weekly/identity.js";
