import { Readable } from "node:stream";
import { parse, CsvError } from "csv-parse";
import { InputFileError } from "../util/errors.js";
import { msg } from "../messages.js";
import type { ParseOptions } from "./context.js";
import { applyMapping, resolveMapping } from "./mapping.js";
import { readLines } from "./read.js";
import { reject, toPaper } from "./record.js";
import { Format, type FieldMapping, type ParseItem } from "./types.js";

/**
 * RFC 4180 CSV with a header row (quoted fields may span lines), read through a field mapping.
 * Streamed; a row with the wrong number of fields is rejected, an unclosed quote is an error.
 */

export function looksLikeCsv(head: string): boolean {
  const first = head.split(/\r?\n/, 1)[0] ?? "";
  if (!first.includes(",")) return false;
  const cols = first.split(",").map((c) => c.trim().replace(/^"|"$/g, "").toLowerCase());
  return cols.some((c) => c === "title" || c === "abstract" || c === "summary");
}

async function* textOf(file: string, opts: ParseOptions): AsyncGenerator<string> {
  for await (const line of readLines(file, opts.progress)) yield line.text + "\n";
}

export async function* parseCsv(file: string, opts: ParseOptions): AsyncGenerator<ParseItem> {
  let header: string[] | undefined;
  let mapping: FieldMapping = {};
  const parser = Readable.from(textOf(file, opts)).pipe(
    parse({ bom: true, info: true, relax_column_count: true, skip_empty_lines: true }),
  );
  try {
    for await (const row of parser as AsyncIterable<{
      record: string[];
      info: { lines: number };
    }>) {
      if (header === undefined) {
        header = row.record.map((c) => c.trim());
        mapping = resolveMapping(header, opts.mapping);
        for (const f of ["title", "abstract"] as const) {
          const col = mapping[f];
          if (col === undefined || !header.includes(col)) {
            throw new InputFileError(file, "line 1", msg.csvNoTitleColumn(header, f));
          }
        }
        continue;
      }
      const source = { file, line: row.info.lines, format: Format.csv };
      const record = Object.fromEntries((header as string[]).map((h, i) => [h, row.record[i]]));
      if (row.record.length !== header.length) {
        yield reject(source, msg.csvFieldCount(row.record.length, header.length), row.record);
        continue;
      }
      yield toPaper(applyMapping(record, mapping), source, { asOf: opts.asOf, raw: record });
    }
  } catch (e) {
    if (e instanceof InputFileError) throw e;
    if (e instanceof CsvError) {
      const line = (e as CsvError & { lines?: number }).lines;
      throw new InputFileError(file, line ? `line ${line}` : undefined, msg.csvError(e.message));
    }
    throw e;
  }
}
