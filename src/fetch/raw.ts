import { access, readFile } from "node:fs/promises";
import { writeTextAtomic } from "../util/atomic-write.js";

/** What one `papertrends fetch` did: files already there, files fetched, requests sent. */
export interface FetchResult {
  source: string;
  dir: string;
  /** raw responses found on disk from an earlier fetch (never requested again) */
  kept: number;
  /** raw responses fetched and saved by this call */
  fetched: number;
  /** HTTP requests sent, retries included */
  requests: number;
  /** papers in the fetched responses (entries, records or items) */
  items: number;
  files: string[];
}

export const exists = (path: string): Promise<boolean> =>
  access(path).then(
    () => true,
    () => false,
  );

/** Saves a raw response whole (temporary file, then rename): an interrupted fetch leaves no part-file. */
export const saveRaw = (path: string, body: string): Promise<void> => writeTextAtomic(path, body);

export const readRaw = (path: string): Promise<string> => readFile(path, "utf8");

/** A FetchResult with nothing done yet. */
export const emptyResult = (source: string, dir: string): FetchResult => ({
  source,
  dir,
  kept: 0,
  fetched: 0,
  requests: 0,
  items: 0,
  files: [],
});

/** A base URL without its trailing slashes, to append paths to. */
export const trimBase = (url: string): string => url.replace(/\/+$/, "");
