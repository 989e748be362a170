/** Source formats papertrends reads. */
export const Format = {
  hfPage: "hf-page",
  hfDaily: "hf-daily",
  arxivAtom: "arxiv-atom",
  oaiPmh: "oai-pmh",
  kaggle: "kaggle",
  jsonl: "jsonl",
  csv: "csv",
  /** papertrends' own corpus JSONL (what `papertrends ingest --out` writes) */
  corpus: "corpus",
} as const;
export type Format = (typeof Format)[keyof typeof Format];
export const FORMATS: readonly Format[] = Object.values(Format);
export function isFormat(s: string): s is Format {
  return (FORMATS as readonly string[]).includes(s);
}

/** Where a record came from: the file, its line (text formats) or item index (JSON/XML). */
export interface SourceRef {
  file: string;
  line?: number;
  index?: number;
  format: Format;
}

export interface Paper {
  /** arXiv id without version when known; otherwise the source's id, or `t:` + a title hash */
  id: string;
  title: string;
  abstract: string;
  /** ISO day, UTC */
  date: string | null;
  authors: string[];
  /** when a source gives only the number of authors (Hugging Face page text) */
  authorCount?: number;
  upvotes?: number;
  comments?: number;
  categories?: string[];
  keywords?: string[];
  org?: string;
  source: SourceRef;
  /** further sources of the same paper, merged into this record */
  alsoIn?: SourceRef[];
}

export interface Reject {
  source: SourceRef;
  reason: string;
  /** the offending record, or an excerpt of it */
  record?: unknown;
}

export type ParseItem = { kind: "paper"; paper: Paper } | { kind: "reject"; reject: Reject };

/** Fields a generic CSV/JSONL mapping can fill. */
export const MAPPABLE_FIELDS = [
  "id",
  "title",
  "abstract",
  "date",
  "authors",
  "categories",
  "primaryCategory",
  "keywords",
  "upvotes",
  "comments",
  "org",
] as const;
export type MappableField = (typeof MAPPABLE_FIELDS)[number];
/** field → column name (CSV) or dotted key path (JSONL) */
export type FieldMapping = Partial<Record<MappableField, string>>;
