import { readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import { InputFileError } from "../util/errors.js";
import { msg } from "../messages.js";
import { looksLikeAtom, parseArxivAtom } from "./arxiv-atom.js";
import type { Parser } from "./context.js";
import { looksLikeCsv, parseCsv } from "./csv.js";
import { looksLikeHfDaily, parseHfDaily } from "./hf-daily.js";
import { looksLikeHfPage, parseHfPage } from "./hf-page.js";
import {
  firstJsonLine,
  looksLikeCorpus,
  looksLikeKaggle,
  parseCorpus,
  parseJsonl,
  parseKaggle,
} from "./jsonl.js";
import { looksLikeOaiPmh, parseOaiPmh } from "./oai-pmh.js";
import { readHead } from "./read.js";
import { Format } from "./types.js";
import { assertNever } from "../util/errors.js";

export function parserFor(format: Format): Parser {
  switch (format) {
    case Format.hfPage:
      return parseHfPage;
    case Format.hfDaily:
      return parseHfDaily;
    case Format.arxivAtom:
      return parseArxivAtom;
    case Format.oaiPmh:
      return parseOaiPmh;
    case Format.kaggle:
      return parseKaggle;
    case Format.jsonl:
      return parseJsonl;
    case Format.csv:
      return parseCsv;
    case Format.corpus:
      return parseCorpus;
    default:
      return assertNever(format, "format");
  }
}

/** Decides a file's format from its first 64 KiB (decompressed), never from its name. */
export function detectFromHead(head: string): Format | null {
  const s = head.replace(/^\uFEFF/, "").trimStart();
  if (s.startsWith("<")) {
    if (looksLikeAtom(s)) return Format.arxivAtom;
    if (looksLikeOaiPmh(s)) return Format.oaiPmh;
    return null;
  }
  if (s.startsWith("[")) return looksLikeHfDaily(s) ? Format.hfDaily : null;
  if (s.startsWith("{")) {
    const first = firstJsonLine(s);
    if (first)
      return looksLikeCorpus(first)
        ? Format.corpus
        : looksLikeKaggle(first)
          ? Format.kaggle
          : Format.jsonl;
    return looksLikeHfDaily(s) ? Format.hfDaily : null;
  }
  if (looksLikeCsv(s)) return Format.csv;
  if (looksLikeHfPage(s)) return Format.hfPage;
  return null;
}

export async function detectFormat(file: string): Promise<Format> {
  const head = await readHead(file);
  const f = detectFromHead(head);
  if (f === null)
    throw new InputFileError(file, "line 1", msg.unrecognisedFormat(head.trimStart().slice(0, 40)));
  return f;
}

const INPUT_EXT = /\.(json|jsonl|ndjson|xml|csv|txt)(\.gz)?$/i;

/** Expands a path: a file is itself; a directory gives its input files, recursively, sorted. */
export async function expandPath(path: string): Promise<string[]> {
  let st;
  try {
    st = await stat(path);
  } catch {
    throw new InputFileError(path, undefined, msg.cannotRead(msg.notFound()));
  }
  if (!st.isDirectory()) return [path];
  const out: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    const entries = await readdir(dir, { withFileTypes: true });
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      if (e.name.startsWith(".")) continue;
      const p = join(dir, e.name);
      if (e.isDirectory()) await walk(p);
      else if (INPUT_EXT.test(e.name)) out.push(p);
    }
  };
  await walk(path);
  if (out.length === 0) throw new InputFileError(path, undefined, msg.emptyDirectory());
  return out;
}
