import { InputFileError } from "../util/errors.js";
import { msg } from "../messages.js";
import type { ParseOptions } from "./context.js";
import { readText } from "./read.js";
import { reject, splitAuthors, toPaper, type RawFields } from "./record.js";
import { Format, type ParseItem, type SourceRef } from "./types.js";
import { asList, asNode, attr, parseXml, text, type XmlNode } from "./xml.js";

/**
 * One page of an OAI-PMH `ListRecords` response from arXiv (export.arxiv.org/oai2), with
 * metadataPrefix arXivRaw, arXiv or oai_dc. `noRecordsMatch` is an empty page; other OAI
 * errors (badResumptionToken, badArgument, ...) are errors naming the file and the code.
 * Deleted records are rejected with that reason.
 */

export function looksLikeOaiPmh(head: string): boolean {
  return /<OAI-PMH[\s>]/.test(head);
}

function arxivRaw(m: XmlNode): RawFields {
  const versions = asList(m.version);
  const v1 = versions.find((v) => attr(v, "version") === "v1") ?? versions[0];
  return {
    id: text(m.id),
    title: text(m.title),
    abstract: text(m.abstract),
    date: text(asNode(v1)?.date),
    authors: splitAuthors(text(m.authors) ?? ""),
    categories: text(m.categories),
  };
}

function arxivFormat(m: XmlNode): RawFields {
  const authors = asList(asNode(m.authors)?.author).map((a) => {
    const n = asNode(a) ?? {};
    return [text(n.forenames), text(n.keyname), text(n.suffix)].filter(Boolean).join(" ");
  });
  return {
    id: text(m.id),
    title: text(m.title),
    abstract: text(m.abstract),
    date: text(m.created),
    authors,
    categories: text(m.categories),
  };
}

function dublinCore(m: XmlNode): RawFields {
  const ids = asList(m.identifier)
    .map(text)
    .filter((s): s is string => s !== undefined);
  const descriptions = asList(m.description)
    .map(text)
    .filter((s): s is string => s !== undefined && !/^Comment:/i.test(s));
  // arXiv's oai_dc: creators are "Last, First"
  const authors = asList(m.creator)
    .map(text)
    .filter((s): s is string => s !== undefined)
    .map((c) => {
      const [last, first] = c.split(/,\s*/, 2);
      return first ? `${first} ${last}` : c;
    });
  return {
    id: ids.find((s) => /arxiv\.org\/abs\//.test(s)) ?? ids[0],
    title: text(m.title),
    abstract: descriptions.sort((a, b) => b.length - a.length)[0],
    date: text(m.date),
    authors,
    categories: asList(m.subject)
      .map(text)
      .filter((s): s is string => s !== undefined),
  };
}

export async function* parseOaiPmh(file: string, opts: ParseOptions): AsyncGenerator<ParseItem> {
  const doc = parseXml(file, await readText(file, opts.progress));
  const root = asNode(doc["OAI-PMH"]);
  if (!root) throw new InputFileError(file, undefined, msg.notOaiPmh());
  for (const err of asList(root.error)) {
    const code = attr(err, "code") ?? "error";
    if (code === "noRecordsMatch") return;
    throw new InputFileError(file, undefined, msg.oaiError(code, text(err) ?? ""));
  }
  const list = asNode(root.ListRecords);
  if (!list) throw new InputFileError(file, undefined, msg.oaiNoListRecords());
  const records = asList(list.record);
  for (let index = 0; index < records.length; index++) {
    const r = asNode(records[index]) ?? {};
    const header = asNode(r.header) ?? {};
    const source: SourceRef = { file, index, format: Format.oaiPmh };
    const identifier = text(header.identifier);
    if (attr(header, "status") === "deleted") {
      yield reject(source, msg.deletedRecord(), { identifier });
      continue;
    }
    const md = asNode(r.metadata) ?? {};
    let fields: RawFields;
    if (asNode(md.arXivRaw)) fields = arxivRaw(md.arXivRaw as XmlNode);
    else if (asNode(md.arXiv)) fields = arxivFormat(md.arXiv as XmlNode);
    else if (asNode(md.dc)) fields = dublinCore(md.dc as XmlNode);
    else {
      yield reject(source, msg.noMetadata(), { identifier });
      continue;
    }
    fields.id ??= identifier;
    yield toPaper(fields, source, { asOf: opts.asOf, raw: { identifier, title: fields.title } });
  }
}
