import { InputFileError } from "../util/errors.js";
import { msg } from "../messages.js";
import type { ParseOptions } from "./context.js";
import { jsonProblem } from "./json-position.js";
import { applyMapping, resolveMapping } from "./mapping.js";
import { readLines } from "./read.js";
import { reject, toPaper, type RawFields } from "./record.js";
import { Format, type FieldMapping, type ParseItem, type SourceRef } from "./types.js";

/**
 * JSON Lines, streamed with bounded memory (plain or gzip). Two flavours:
 * - `kaggle`: the arXiv metadata snapshot (arxiv-metadata-oai-snapshot.json): `id, title,
 *   abstract, categories` (space-separated), `versions: [{version, created}]`, `authors_parsed`.
 *   The date is the first version's.
 * - `jsonl`: any objects, read through a field mapping (defaults pick common key names).
 * A line that is not JSON is rejected; a last line cut off mid-object means a truncated file.
 */

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

export function firstJsonLine(head: string): Obj | null {
  const line = head.split("\n").find((l) => l.trim().length > 0);
  if (!line) return null;
  try {
    const v: unknown = JSON.parse(line);
    return isObj(v) ? v : null;
  } catch {
    return null;
  }
}

/** papertrends' own corpus lines: the Paper fields, with `source.format`. */
export function looksLikeCorpus(first: Obj): boolean {
  const src = first.source;
  return (
    "id" in first &&
    "title" in first &&
    "abstract" in first &&
    isObj(src) &&
    typeof src.format === "string"
  );
}

export function looksLikeKaggle(first: Obj): boolean {
  return (
    "abstract" in first &&
    "versions" in first &&
    ("authors_parsed" in first || "update_date" in first)
  );
}

function kaggleFields(o: Obj): RawFields {
  const versions = Array.isArray(o.versions) ? o.versions : [];
  const v1 = versions.find((v) => isObj(v) && v.version === "v1") ?? versions[0];
  const created = isObj(v1) ? v1.created : undefined;
  const parsed = Array.isArray(o.authors_parsed) ? o.authors_parsed : undefined;
  const authors = parsed
    ? parsed.map((a) =>
        Array.isArray(a)
          ? [a[1], a[0], a[2]].filter((s) => typeof s === "string" && s).join(" ")
          : a,
      )
    : o.authors;
  return {
    id: o.id,
    title: o.title,
    abstract: o.abstract,
    date: created ?? o.update_date,
    authors,
    categories: o.categories,
  };
}

async function* parseLines(
  file: string,
  opts: ParseOptions,
  format: Format,
  fieldsOf: (o: Obj, mapping: FieldMapping) => RawFields,
): AsyncGenerator<ParseItem> {
  let mapping: FieldMapping | undefined;
  for await (const line of readLines(file, opts.progress)) {
    if (line.text.trim() === "") continue;
    const source: SourceRef = { file, line: line.no, format };
    let value: unknown;
    try {
      value = JSON.parse(line.text);
    } catch {
      const p = jsonProblem(line.text);
      if (line.unterminated && p.truncated) {
        throw new InputFileError(file, `line ${line.no}`, msg.truncatedLastLine());
      }
      const reason = p.truncated ? msg.jsonLineCutShort() : msg.invalidJsonLine(p.column, p.found);
      yield reject(source, reason, line.text);
      continue;
    }
    if (!isObj(value)) {
      yield reject(source, msg.itemNotObject(value), value);
      continue;
    }
    mapping ??= resolveMapping(Object.keys(value), opts.mapping);
    const fields = fieldsOf(value, mapping);
    yield toPaper(fields, source, { asOf: opts.asOf, raw: value });
  }
}

function corpusFields(o: Obj): RawFields {
  return {
    id: o.id,
    title: o.title,
    abstract: o.abstract,
    date: o.date,
    authors: o.authors,
    authorCount: o.authorCount,
    upvotes: o.upvotes,
    comments: o.comments,
    categories: o.categories,
    keywords: o.keywords,
    org: o.org,
  };
}

export function parseCorpus(file: string, opts: ParseOptions): AsyncGenerator<ParseItem> {
  return parseLines(file, opts, Format.corpus, (o) => corpusFields(o));
}

export function parseKaggle(file: string, opts: ParseOptions): AsyncGenerator<ParseItem> {
  return parseLines(file, opts, Format.kaggle, (o) => kaggleFields(o));
}

export function parseJsonl(file: string, opts: ParseOptions): AsyncGenerator<ParseItem> {
  return parseLines(file, opts, Format.jsonl, (o, m) => applyMapping(o, m));
}
