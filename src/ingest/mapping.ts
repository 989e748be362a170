import type { RawFields } from "./record.js";
import { MAPPABLE_FIELDS, type FieldMapping, type MappableField } from "./types.js";

/** Column/key names tried, in order, when the mapping does not name one. */
const CANDIDATES: Record<MappableField, string[]> = {
  id: ["id", "arxiv_id", "arxivId", "paper_id", "paperId", "doi"],
  title: ["title", "paper_title"],
  abstract: ["abstract", "summary", "description"],
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
  authors: ["authors", "author", "creators"],
  categories: ["categories", "category", "subjects", "tags"],
  primaryCategory: ["primary_category", "primaryCategory"],
  keywords: ["keywords", "ai_keywords"],
  upvotes: ["upvotes", "likes"],
  comments: ["comments_count", "numComments", "num_comments"],
  org: ["org", "organization", "organisation", "affiliation"],
};

/** Completes a user mapping with the first candidate present in `keys`. */
export function resolveMapping(keys: readonly string[], user: FieldMapping = {}): FieldMapping {
  const out: FieldMapping = {};
  // exact names first, then the same names in any letter case ("Published", "TITLE")
  const byLower = new Map<string, string>();
  for (const k of keys) if (!byLower.has(k.toLowerCase())) byLower.set(k.toLowerCase(), k);
  for (const f of MAPPABLE_FIELDS) {
    const explicit = user[f];
    if (explicit !== undefined) out[f] = explicit;
    else {
      const hit = CANDIDATES[f]
        .map((c) => byLower.get(c.toLowerCase()))
        .find((k) => k !== undefined);
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
