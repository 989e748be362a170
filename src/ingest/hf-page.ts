import { InputFileError } from "../util/errors.js";
import { msg } from "../messages.js";
import { parseDate } from "../util/dates.js";
import type { ParseOptions } from "./context.js";
import { readText } from "./read.js";
import { reject, toPaper } from "./record.js";
import { Format, type ParseItem, type SourceRef } from "./types.js";

/**
 * Plain-text copy of a Hugging Face Papers listing (search results or daily page), as a
 * browser's "save as text" or copy-paste gives it. Paragraphs are separated by blank lines:
 *
 *   Title
 *
 *   Abstract paragraph
 *
 *     • 5 authors          (or an organisation line: "<handle> <Name>")
 *   ·
 *   Jan 2, 2024 2          (date, year optional, then an optional upvote count)
 *
 * Some entries have no metadata paragraph at all: they are kept with date null.
 */

interface Para {
  lines: string[];
  line: number;
}

const PAGE_CHROME = new Set([
  "new",
  "get trending papers in your email inbox!",
  "subscribe",
  "daily papers",
  "byak and the research community",
]);
const META_DATE_RE = /^([A-Z][a-z]{2} \d{1,2}(?:, \d{4})?)(?: (\d+))?$/;
const AUTHORS_RE = /^•\s*(\d+)\s+authors?$/;
const SHORT_DATE_RE = /^[A-Z][a-z]{2} \d{1,2}(?:, \d{4})?$/;

function paragraphs(text: string): Para[] {
  const out: Para[] = [];
  let cur: Para | null = null;
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === "") {
      cur = null;
      return;
    }
    if (!cur) {
      cur = { lines: [], line: i + 1 };
      out.push(cur);
    }
    cur.lines.push(line);
  });
  return out;
}

function isMeta(p: Para): boolean {
  return p.lines.includes("·") || (p.lines.length <= 3 && AUTHORS_RE.test(p.lines[0] ?? ""));
}

/** "tencent Tencent" (avatar handle, then display name) → "Tencent" */
function orgName(line: string): string {
  const [handle, ...rest] = line.split(/\s+/);
  const name = rest.join(" ");
  if (handle && name && handle.toLowerCase() === name.toLowerCase().replace(/\s+/g, ""))
    return name;
  return line;
}

export function looksLikeHfPage(head: string): boolean {
  return /\n·\n(?:[A-Z][a-z]{2} \d{1,2})/.test(
    head.replace(/\r/g, "").replace(/^[ \t]+|[ \t]+$/gm, ""),
  );
}

export async function* parseHfPage(file: string, opts: ParseOptions): AsyncGenerator<ParseItem> {
  const text = await readText(file, opts.progress);
  const paras = paragraphs(text);
  let i = 0;
  // page chrome: "new", "Subscribe", "Daily Papers", ..., then the page's own date ("Oct 30")
  while (i < paras.length) {
    const p = paras[i] as Para;
    const l = (p.lines[0] ?? "").toLowerCase();
    if (
      p.lines.length === 1 &&
      (PAGE_CHROME.has(l) || (SHORT_DATE_RE.test(p.lines[0] ?? "") && i > 0))
    )
      i++;
    else break;
  }
  let index = 0;
  let found = 0;
  while (i < paras.length) {
    const titleP = paras[i] as Para;
    const source: SourceRef = { file, line: titleP.line, index: index++, format: Format.hfPage };
    const title = titleP.lines.join(" ");
    const next = paras[i + 1];
    if (!next || isMeta(next) || isMeta(titleP)) {
      // a title with no abstract (or a stray metadata block): reject and resynchronise
      yield reject(source, msg.pageEntryNoAbstract(), titleP.lines.join("\n"));
      i += next && isMeta(next) ? 2 : 1;
      continue;
    }
    const abstract = next.lines.join(" ");
    i += 2;
    const fields: Record<string, unknown> = { title, abstract };
    const meta = paras[i];
    if (meta && isMeta(meta)) {
      i++;
      for (const l of meta.lines) {
        const a = AUTHORS_RE.exec(l);
        const d = META_DATE_RE.exec(l);
        if (l === "·") continue;
        if (a) fields.authorCount = Number(a[1]);
        else if (d) {
          fields.date = d[1];
          if (d[2] !== undefined) fields.upvotes = d[2];
        } else if (fields.org === undefined && fields.authorCount === undefined)
          fields.org = orgName(l);
        else fields.date = l; // something where the date belongs: the record is rejected with it
      }
      if (typeof fields.date === "string" && opts.asOf === undefined) {
        const r = parseDate(fields.date);
        if (!r.ok && r.reason === "needs-as-of") {
          throw new InputFileError(
            file,
            `line ${meta.line}`,
            msg.yearlessDateNeedsAsOf(fields.date),
          );
        }
      }
    }
    found++;
    yield toPaper(fields, source, { asOf: opts.asOf });
  }
  if (found === 0) throw new InputFileError(file, undefined, msg.pageNoEntries());
}
