import { createHash } from "node:crypto";
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { msg } from "../messages.js";
import { UserError } from "../util/errors.js";
import { asList, asNode, parseXml, text } from "../ingest/xml.js";
import { BadBody, type PoliteClient } from "./http.js";
import { emptyResult, exists, readRaw, saveRaw, trimBase, type FetchResult } from "./raw.js";

export const ARXIV_BASE_URL = "https://export.arxiv.org";

export interface ArxivFetch {
  category?: string;
  /** more of arXiv's search syntax, ANDed with the category and dates (e.g. `abs:diffusion`) */
  query?: string;
  from: string;
  to: string;
  baseUrl: string;
  /** the source's folder; each query gets a subfolder of pages named by their start offset */
  dir: string;
  /** entries per page (arXiv allows up to 2000; 100 to 1000 is kind to it) */
  pageSize: number;
  /** stop after this many entries (the whole result when absent) */
  maxRecords?: number;
}

/** arXiv's search_query for a category, a date range of submission, and an optional query. */
export function arxivSearchQuery(
  f: Pick<ArxivFetch, "category" | "query" | "from" | "to">,
): string {
  const parts: string[] = [];
  if (f.category) parts.push(`cat:${f.category}`);
  const stamp = (d: string, hm: string): string => d.replaceAll("-", "") + hm;
  parts.push(`submittedDate:[${stamp(f.from, "0000")} TO ${stamp(f.to, "2359")}]`);
  if (f.query) parts.push(`(${f.query})`);
  return parts.join(" AND ");
}

interface Page {
  total: number;
  entries: number;
}

/** Reads totalResults and the entries of one Atom page; rejects error feeds and empty pages. */
export function arxivPage(body: string, start: number): Page {
  let doc;
  try {
    doc = parseXml("response", body);
  } catch (e) {
    throw new BadBody((e as Error).message.replace(/^response, /, ""));
  }
  const feed = asNode(doc.feed);
  if (!feed) throw new BadBody(msg.notAtomFeed());
  const entries = asList(feed.entry);
  const first = asNode(entries[0]);
  if (first && /arxiv\.org\/api\/errors/.test(text(first.id) ?? ""))
    throw new UserError(msg.arxivApiError(text(first.summary) ?? ""));
  const total = Number(text(feed.totalResults));
  if (!Number.isInteger(total)) throw new BadBody(msg.fetchNoTotal());
  // arXiv's API is known to answer a page now and then with no entries although the query has
  // more: such a page is retried, never saved
  if (entries.length === 0 && start < total) throw new BadBody(msg.fetchEmptyPage(start, total));
  return { total, entries: entries.length };
}

/** The folder of one query's pages: readable, and distinct for every query and page size. */
export function arxivQueryDir(f: ArxivFetch): string {
  const q = f.query ? `_q-${createHash("sha256").update(f.query).digest("hex").slice(0, 10)}` : "";
  const name = `${f.category ? `cat-${f.category}` : "all"}_${f.from}_${f.to}${q}_m${f.pageSize}`;
  return join(f.dir, name.replace(/[^A-Za-z0-9._-]/g, "_"));
}

/**
 * Pages through `api/query` sorted by submission date, one file per page
 * (`start-000000.xml`, ...). Pages already saved are read, not requested, so an interrupted
 * fetch resumes where it stopped.
 */
export async function fetchArxiv(f: ArxivFetch, client: PoliteClient): Promise<FetchResult> {
  if (f.from > f.to) throw new UserError(msg.fetchRange(f.from, f.to));
  const dir = arxivQueryDir(f);
  await mkdir(dir, { recursive: true });
  const searchQuery = arxivSearchQuery(f);
  await saveRaw(
    join(dir, ".fetch.json"),
    JSON.stringify({ source: "arxiv", searchQuery, pageSize: f.pageSize }, null, 2) + "\n",
  );
  const result = emptyResult("arxiv", dir);
  const base = trimBase(f.baseUrl);
  const limit = f.maxRecords ?? Infinity;
  for (let start = 0; start < limit; start += f.pageSize) {
    const file = join(dir, `start-${String(start).padStart(6, "0")}.xml`);
    let page: Page;
    if (await exists(file)) {
      page = arxivPage(await readRaw(file), start);
      result.kept++;
    } else {
      const params = new URLSearchParams({
        search_query: searchQuery,
        sortBy: "submittedDate",
        sortOrder: "ascending",
        start: String(start),
        max_results: String(Math.min(f.pageSize, limit - start)),
      });
      const body = await client.get(`${base}/api/query?${params}`, (b) => {
        arxivPage(b, start);
      });
      page = arxivPage(body, start);
      await saveRaw(file, body);
      result.fetched++;
      result.items += page.entries;
    }
    if (page.entries > 0) result.files.push(file);
    if (start + f.pageSize >= page.total) break;
  }
  result.requests = client.requests;
  return result;
}
