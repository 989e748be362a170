import { InputFileError } from "../util/errors.js";
import { msg, typeName } from "../messages.js";
import type { ParseOptions } from "./context.js";
import { jsonFileError } from "./json-position.js";
import { readText } from "./read.js";
import { reject, toPaper } from "./record.js";
import { Format, type ParseItem, type SourceRef } from "./types.js";

/**
 * A response of the Hugging Face `api/daily_papers?date=` endpoint: a JSON array of items
 * `{paper: {id, title, summary, publishedAt, upvotes, authors, ai_keywords, organization},
 * numComments, ...}`. Some archived copies wrap it as `{status, date, count, data}`, and some
 * hold items as strings (Python reprs): those are rejected, never guessed at.
 */

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

export function looksLikeHfDaily(head: string): boolean {
  const s = head.trimStart();
  if (s.startsWith("[")) return /"paper"\s*:|\{'paper':|^\[\s*\]/.test(s.slice(0, 4000));
  return s.startsWith("{") && /"status"\s*:/.test(s.slice(0, 400)) && /"data"\s*:/.test(s);
}

function orgOf(v: unknown): unknown {
  if (isObj(v)) return v.fullname ?? v.name;
  return v;
}

export async function* parseHfDaily(file: string, opts: ParseOptions): AsyncGenerator<ParseItem> {
  const text = await readText(file, opts.progress);
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    const { where, reason } = jsonFileError(text);
    throw new InputFileError(file, where, reason);
  }
  let items: unknown[];
  if (Array.isArray(doc)) items = doc;
  else if (isObj(doc) && Array.isArray(doc.data)) items = doc.data;
  else throw new InputFileError(file, undefined, msg.hfDailyShape(typeName(doc)));
  for (let index = 0; index < items.length; index++) {
    const item = items[index];
    const source: SourceRef = { file, index, format: Format.hfDaily };
    if (typeof item === "string") {
      yield reject(source, msg.pythonReprItem(), item);
      continue;
    }
    if (!isObj(item)) {
      yield reject(source, msg.itemNotObject(item), item);
      continue;
    }
    const p = item.paper;
    if (!isObj(p)) {
      yield reject(
        source,
        p === undefined ? msg.missingField("paper") : msg.wrongType("paper", "an object", p),
        item,
      );
      continue;
    }
    yield toPaper(
      {
        id: p.id,
        title: p.title ?? item.title,
        abstract: p.summary ?? item.summary,
        date: p.publishedAt ?? item.publishedAt,
        authors: p.authors,
        upvotes: p.upvotes,
        comments: item.numComments,
        keywords: p.ai_keywords,
        org: orgOf(p.organization ?? item.organization),
      },
      source,
      { asOf: opts.asOf, raw: item },
    );
  }
}
