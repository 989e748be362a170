import { join } from "node:path";
import { msg } from "../messages.js";
import { UserError } from "../util/errors.js";
import { addDays } from "../util/periods.js";
import { BadBody, type PoliteClient } from "./http.js";
import { emptyResult, exists, saveRaw, trimBase, type FetchResult } from "./raw.js";

export const HF_BASE_URL = "https://huggingface.co";

/** The items of a daily-papers response: a JSON array, or `{status, date, count, data}`. */
export function hfDailyItems(body: string): unknown[] {
  let v: unknown;
  try {
    v = JSON.parse(body);
  } catch (e) {
    throw new BadBody(msg.invalidJson((e as Error).message));
  }
  if (Array.isArray(v)) return v;
  const data = (v as { data?: unknown } | null)?.data;
  if (Array.isArray(data)) return data;
  throw new BadBody(msg.hfDailyShape(v === null ? "null" : typeof v));
}

export interface HfDailyFetch {
  from: string;
  to: string;
  baseUrl: string;
  /** the folder for this source: one `YYYY-MM-DD.json` per day, as the API returned it */
  dir: string;
  /** the current UTC day: days from it on are not over, so they are not fetched */
  today: string;
}

/**
 * Fetches `api/daily_papers?date=D` for every day from `from` to `to`. A day already saved is
 * never requested again; a day that is not over yet is skipped (its list still grows).
 */
export async function fetchHfDaily(
  f: HfDailyFetch,
  client: PoliteClient,
  log: (line: string) => void,
): Promise<FetchResult> {
  if (f.from > f.to) throw new UserError(msg.fetchRange(f.from, f.to));
  const result = emptyResult("hf-daily", f.dir);
  const base = trimBase(f.baseUrl);
  for (let day = f.from; day <= f.to; day = addDays(day, 1)) {
    if (day >= f.today) {
      log(msg.fetchDayNotOver(day));
      break;
    }
    const file = join(f.dir, `${day}.json`);
    result.files.push(file);
    if (await exists(file)) {
      result.kept++;
      continue;
    }
    const body = await client.get(`${base}/api/daily_papers?date=${day}`, (b) => {
      hfDailyItems(b);
    });
    result.items += hfDailyItems(body).length;
    await saveRaw(file, body);
    result.fetched++;
  }
  result.requests = client.requests;
  return result;
}
