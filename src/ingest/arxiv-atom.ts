import { InputFileError } from "../util/errors.js";
import { msg } from "../messages.js";
import type { ParseOptions } from "./context.js";
import { readText } from "./read.js";
import { toPaper } from "./record.js";
import { Format, type ParseItem } from "./types.js";
import { asList, asNode, attr, parseXml, text } from "./xml.js";

/**
 * A response of the arXiv API (`api/query`), Atom 1.0. An empty result is a feed with no
 * entries; an error is a feed whose one entry has an id under `api/errors`: that is reported
 * as an error naming the file and arXiv's message.
 */

export function looksLikeAtom(head: string): boolean {
  return /<feed[\s>]/.test(head) && /http:\/\/www\.w3\.org\/2005\/Atom/.test(head);
}

export async function* parseArxivAtom(file: string, opts: ParseOptions): AsyncGenerator<ParseItem> {
  const doc = parseXml(file, await readText(file, opts.progress));
  const feed = asNode(doc.feed);
  if (!feed) throw new InputFileError(file, undefined, msg.notAtomFeed());
  const entries = asList(feed.entry);
  for (let index = 0; index < entries.length; index++) {
    const e = asNode(entries[index]) ?? {};
    const id = text(e.id) ?? "";
    if (/arxiv\.org\/api\/errors/.test(id)) {
      throw new InputFileError(
        file,
        `entry ${index + 1}`,
        msg.arxivApiError(text(e.summary) ?? id),
      );
    }
    const categories = asList(e.category)
      .map((c) => attr(c, "term"))
      .filter((c): c is string => c !== undefined);
    yield toPaper(
      {
        id,
        title: text(e.title),
        abstract: text(e.summary),
        date: text(e.published) ?? text(e.updated),
        authors: asList(e.author).map((a) => text(asNode(a)?.name) ?? ""),
        categories,
        primaryCategory: attr(e.primary_category, "term"),
      },
      { file, index, format: Format.arxivAtom },
      { asOf: opts.asOf, raw: { id, title: text(e.title) } },
    );
  }
}
