import type { RawFields } from "./record.js";
import { MAPPABLE_FIELDS, type FieldMapping, type MappableField } from "./types.js";

/** Column/key names tried, in order, when the mapping does not name one. */
const CANDIDATES: Record<MappableField, string[]> = {
  id: ["id", "arxiv_id", "arxivId", "paper_id", "paperId", "doi"],
  title: ["title", "Title", "paper_title"],
  abstract: ["abstract", "Abstract", "summary", "Summary", "description"],
  date: [
    "date",
    "Date",
    "published",
    "publishedAt",
    "published_date",
    "publication_date",
    "created",
    "submitted",
    "update_date",
  ],
  authors: ["authors", "Authors", "author", "creators"],
  categories: ["categories", "Categories", "category", "subjects", "tags"],
  primaryCategory: ["primary_category", "primaryCategory"],
  keywords: ["keywords", "Keywords", "ai_keywords"],
  upvotes: ["upvotes", "Upvotes", "likes"],
  comments: ["comments_count", "numComments", "num_comments"],
  org: ["org", "organization", "organisation", "affiliation"],
};

/** Completes a user mapping with the first candidate present in `keys`. */
export function resolveMapping(keys: readonly string[], user: FieldMapping = {}): FieldMapping {
  const out: FieldMapping = {};
  const have = new Set(keys);
  for (const f of MAPPABLE_FIELDS) {
    const explicit = user[f];
    if (explicit !== undefined) out[f] = explicit;
    else {
      const hit = CANDIDATES[f].find((c) => have.has(c));
      if (hit !== undefined) out[f] = hit;
    }
  }
  return out;
}

/** Reads a dotted path ("paper.title") from an object. */
export function getPath(obj: unknown, path: string): unknown {
  let cur: unknown = obj;
  for (const part of path.split(".")) {
    if (typeof cur !== "object" || cur === null) return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

export function applyMapping(obj: unknown, mapping: FieldMapping): RawFields {
  const f: RawFields = {};
  for (const k of MAPPABLE_FIELDS) {
    const path = mapping[k];
    if (path !== undefined) f[k] = getPath(obj, path);
  }
  return f;
}
