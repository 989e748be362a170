import { join } from "node:path";
import { msg } from "../messages.js";
import { assertNever, UserError } from "../util/errors.js";
import { ARXIV_BASE_URL, fetchArxiv } from "./arxiv.js";
import { fetchHfDaily, HF_BASE_URL } from "./hf-daily.js";
import { HTTP_DEFAULTS, PoliteClient, type HttpOptions } from "./http.js";
import { fetchOaiPmh, OAI_BASE_URL } from "./oai-pmh.js";
import type { FetchResult } from "./raw.js";

export const FetchSource = { hfDaily: "hf-daily", arxiv: "arxiv", oaiPmh: "oai-pmh" } as const;
export type FetchSource = (typeof FetchSource)[keyof typeof FetchSource];
export const FETCH_SOURCES: readonly FetchSource[] = Object.values(FetchSource);
export const isFetchSource = (s: string): s is FetchSource =>
  (FETCH_SOURCES as readonly string[]).includes(s);

/** Per source: where it lives and how long to wait between calls (arXiv asks for 3 s). */
export const SOURCE_DEFAULTS: Record<FetchSource, { baseUrl: string; delayS: number }> = {
  "hf-daily": { baseUrl: HF_BASE_URL, delayS: 1 },
  arxiv: { baseUrl: ARXIV_BASE_URL, delayS: 3 },
  "oai-pmh": { baseUrl: OAI_BASE_URL, delayS: 3 },
};

export interface FetchRequest {
  source: FetchSource;
  from: string;
  to: string;
  /** root of the raw folder; each source writes under `<out>/<source>/` */
  out: string;
  baseUrl?: string;
  /** seconds between the starts of two requests */
  delayS?: number;
  category?: string;
  query?: string;
  pageSize?: number;
  maxRecords?: number;
  set?: string;
  metadataPrefix?: string;
  http?: Partial<Omit<HttpOptions, "minIntervalMs">>;
  /** the current UTC day (days from it on are not fetched from hf-daily) */
  today?: string;
}

export const RAW_DIR = join("data", "raw");

function checkUrl(url: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new UserError(msg.invalidUrl(url));
  }
  if (u.protocol !== "http:" && u.protocol !== "https:") throw new UserError(msg.invalidUrl(url));
  return url;
}

/**
 * Fetches one source's raw responses for a date range into `<out>/<source>/`, keeping what is
 * already there. `log` receives one line per retry and per skipped day.
 */
export async function runFetch(
  r: FetchRequest,
  log: (line: string) => void = () => undefined,
): Promise<FetchResult> {
  const defaults = SOURCE_DEFAULTS[r.source];
  const baseUrl = checkUrl(r.baseUrl ?? defaults.baseUrl);
  const client = new PoliteClient(
    { ...HTTP_DEFAULTS, ...r.http, minIntervalMs: (r.delayS ?? defaults.delayS) * 1000 },
    log,
  );
  const dir = join(r.out, r.source);
  switch (r.source) {
    case "hf-daily":
      return fetchHfDaily(
        {
          from: r.from,
          to: r.to,
          baseUrl,
          dir,
          today: r.today ?? new Date().toISOString().slice(0, 10),
        },
        client,
        log,
      );
    case "arxiv":
      return fetchArxiv(
        {
          from: r.from,
          to: r.to,
          baseUrl,
          dir,
          pageSize: r.pageSize ?? 200,
          ...(r.category !== undefined && { category: r.category }),
          ...(r.query !== undefined && { query: r.query }),
          ...(r.maxRecords !== undefined && { maxRecords: r.maxRecords }),
        },
        client,
      );
    case "oai-pmh":
      return fetchOaiPmh(
        {
          from: r.from,
          to: r.to,
          baseUrl,
          dir,
          metadataPrefix: r.metadataPrefix ?? "arXivRaw",
          ...(r.set !== undefined && { set: r.set }),
        },
        client,
      );
    default:
      return assertNever(r.source, "fetch source");
  }
}

export type { FetchResult } from "./raw.js";
