import type { Progress } from "../util/progress.js";
import type { FieldMapping, ParseItem } from "./types.js";

export interface ParseOptions {
  /** resolves year-less dates (ISO day) */
  asOf?: string;
  /** generic CSV/JSONL field mapping */
  mapping?: FieldMapping;
  progress: Progress;
}

export type Parser = (file: string, opts: ParseOptions) => AsyncIterable<ParseItem>;
