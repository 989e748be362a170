import { createHash } from "node:crypto";
import { msg } from "../messages.js";
import { parseDate } from "../util/dates.js";
import type { Paper, ParseItem, SourceRef } from "./types.js";

/** Collapses runs of white space (abstracts keep the source's hard line breaks otherwise). */
export function cleanText(s: string): string {
  // An ASCII text's only white space is the space, \n, \r, \t, \v and \f; with just spaces
  // and line breaks (most abstracts: hard-wrapped lines), native string searches do it: the
  // breaks become spaces, then runs of spaces are halved until none is left. On the 143k
  // file's texts that takes 0.47 s against the regular expression's 0.8 (which was the
  // ingest's largest cost after JSON.parse and the collector: 7 s of 38 at 1M papers,
  // profiled). Any other text takes the expression.
  if (
    Buffer.byteLength(s, "utf8") !== s.length ||
    s.indexOf("\r") >= 0 ||
    s.indexOf("\t") >= 0 ||
    s.indexOf("\v") >= 0 ||
    s.indexOf("\f") >= 0
  )
    return cleanTextSlow(s);
  let t = s.indexOf("\n") >= 0 ? s.replaceAll("\n", " ") : s;
  while (t.indexOf("  ") >= 0) t = t.replaceAll("  ", " ");
  return t.trim();
}

/** `cleanText` for any text (the reference the fast path is tested against). */
export function cleanTextSlow(s: string): string {
  // same result as replacing every /\s+/ run by one space, without rewriting the single
  // spaces that make up most of a text
  return s.replace(/\s{2,}|[^\S ]/g, " ").trim();
}

/**
 * A list without spare room, for lists kept with a paper to the end of a run. An array built
 * by `push`, `filter` or a spread keeps room for more elements than it holds (for a paper's
 * two or three categories, room for 19: 168 bytes): at 143k papers the categories' elements
 * took 17.5 MB of the main thread's 154 MB of objects (4.8 MB exact), walked by every full
 * collection. `slice` copies exactly.
 */
export function exactList<T>(list: T[]): T[] {
  return list.slice();
}

/** Normalised title for de-duplication: NFKC, lower case, letters and digits only. */
export function titleKey(title: string): string {
  return title
    .normalize("NFKC")
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim();
}

const NEW_ID = /^(\d{4}\.\d{4,5})(v\d+)?$/;
const OLD_ID = /^([a-z-]+(?:\.[A-Z]{2})?\/\d{7})(v\d+)?$/;

/** The arXiv id in a URL, OAI identifier or bare id, without its version; null if none. */
export function arxivId(raw: string): string | null {
  const s = raw
    .trim()
    .replace(/^https?:\/\/(export\.)?arxiv\.org\/(abs|pdf)\//i, "")
    .replace(/^oai:arXiv\.org:/i, "")
    .replace(/^arxiv:/i, "")
    .replace(/\.pdf$/i, "");
  const m = NEW_ID.exec(s) ?? OLD_ID.exec(s);
  return m ? (m[1] as string) : null;
}

export function derivedId(title: string): string {
  return `t:${createHash("sha1").update(titleKey(title)).digest("hex").slice(0, 12)}`;
}

export function isDerivedId(id: string): boolean {
  return id.startsWith("t:");
}

/** Splits "A, B and C" / "A; B" author strings. */
export function splitAuthors(s: string): string[] {
  return cleanText(s)
    .split(/\s*(?:,|;|\band\b)\s*/)
    .map((a) => a.trim())
    .filter((a) => a.length > 0);
}

export interface RawFields {
  id?: unknown;
  title?: unknown;
  abstract?: unknown;
  date?: unknown;
  authors?: unknown;
  authorCount?: unknown;
  upvotes?: unknown;
  comments?: unknown;
  categories?: unknown;
  primaryCategory?: unknown;
  keywords?: unknown;
  org?: unknown;
}

export interface RecordOptions {
  asOf?: string;
  /** for the reject file: what to keep of the raw record */
  raw?: unknown;
}

class Bad extends Error {}

function str(field: string, v: unknown, required: boolean): string | undefined {
  if (v === undefined || v === null) {
    if (required) throw new Bad(msg.missingField(field));
    return undefined;
  }
  if (typeof v === "number" && field === "id") return String(v);
  if (typeof v !== "string") throw new Bad(msg.wrongType(field, "a string", v));
  const c = cleanText(v);
  if (required && c.length === 0) throw new Bad(msg.emptyField(field));
  return c.length ? c : undefined;
}

function count(field: string, v: unknown): number | undefined {
  if (v === undefined || v === null || v === "") return undefined;
  const n = typeof v === "string" ? Number(v.trim()) : v;
  if (typeof n !== "number" || !Number.isFinite(n) || n < 0 || !Number.isInteger(n)) {
    throw new Bad(msg.wrongType(field, "a whole number ≥ 0", v));
  }
  return n;
}

function names(field: string, v: unknown): string[] {
  if (v === undefined || v === null) return [];
  if (typeof v === "string") return splitAuthors(v);
  if (!Array.isArray(v)) throw new Bad(msg.wrongType(field, "a list or a string", v));
  const out: string[] = [];
  for (const a of v) {
    if (typeof a === "string") out.push(cleanText(a));
    else if (a && typeof a === "object" && typeof (a as { name?: unknown }).name === "string") {
      out.push(cleanText((a as { name: string }).name));
    } else throw new Bad(msg.wrongType(`${field} entry`, "a string or {name}", a));
  }
  return out.filter((s) => s.length > 0);
}

function terms(field: string, v: unknown, sep: RegExp): string[] | undefined {
  if (v === undefined || v === null) return undefined;
  let list: unknown[];
  if (typeof v === "string") list = v.split(sep);
  else if (Array.isArray(v)) list = v;
  else throw new Bad(msg.wrongType(field, "a list or a string", v));
  const out: string[] = [];
  for (const t of list) {
    if (typeof t !== "string") throw new Bad(msg.wrongType(`${field} entry`, "a string", t));
    const c = cleanText(t);
    if (c && !out.includes(c)) out.push(c);
  }
  return out.length ? out : undefined;
}

/**
 * Validates raw fields into a Paper, or a reject with its reason. Shared by every format so
 * the rules (required title and abstract, parseable date, types) are the same everywhere.
 */
export function toPaper(fields: RawFields, source: SourceRef, opts: RecordOptions = {}): ParseItem {
  try {
    const title = str("title", fields.title, true) as string;
    const abstract = str("abstract", fields.abstract, true) as string;
    let date: string | null = null;
    if (fields.date !== undefined && fields.date !== null && fields.date !== "") {
      if (typeof fields.date !== "string")
        throw new Bad(msg.wrongType("date", "a string", fields.date));
      const r = parseDate(fields.date, opts.asOf);
      if (!r.ok) {
        throw new Bad(
          r.reason === "needs-as-of"
            ? msg.yearlessDateNeedsAsOf(fields.date)
            : msg.unparseableDate(fields.date),
        );
      }
      date = r.day;
    }
    const rawId = str("id", fields.id, false);
    const id = rawId ? (arxivId(rawId) ?? rawId) : derivedId(title);
    const paper: Paper = {
      id,
      title,
      abstract,
      date,
      authors: exactList(names("authors", fields.authors)),
      source,
    };
    const authorCount = count("authorCount", fields.authorCount);
    if (authorCount !== undefined) paper.authorCount = authorCount;
    const upvotes = count("upvotes", fields.upvotes);
    if (upvotes !== undefined) paper.upvotes = upvotes;
    const comments = count("comments", fields.comments);
    if (comments !== undefined) paper.comments = comments;
    let categories = terms("categories", fields.categories, /\s+/);
    const primary = str("primaryCategory", fields.primaryCategory, false);
    if (primary) categories = [primary, ...(categories ?? []).filter((c) => c !== primary)];
    if (categories) paper.categories = exactList(categories);
    const keywords = terms("keywords", fields.keywords, /\s*[;,]\s*/);
    if (keywords) paper.keywords = exactList(keywords);
    const org = str("org", fields.org, false);
    if (org) paper.org = org;
    return { kind: "paper", paper };
  } catch (e) {
    if (!(e instanceof Bad)) throw e;
    return {
      kind: "reject",
      reject: { source, reason: e.message, record: opts.raw ?? fields },
    };
  }
}

export function reject(source: SourceRef, reason: string, record?: unknown): ParseItem {
  return { kind: "reject", reject: { source, reason, record } };
}
