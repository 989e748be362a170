import { msg } from "../messages.js";
import { UserError } from "../util/errors.js";
import { VERSION } from "../version.js";

/** Sent with every request, so that server operators know who is calling and why. */
export const USER_AGENT = `papertrends/${VERSION} (weekly topic-trend reports; https://github.com/papertrends/papertrends)`;

export interface HttpOptions {
  /** per attempt: connect, headers and body must all arrive within it */
  timeoutMs: number;
  /** retries after the first attempt, for 429, 5xx, timeouts, resets and bad bodies */
  retries: number;
  /** first backoff; it doubles at each retry (a Retry-After header replaces it) */
  backoffMs: number;
  /** a Retry-After longer than this fails the fetch instead of sleeping through it */
  maxRetryAfterMs: number;
  /** at least this long between the starts of two requests (arXiv asks for 3 s) */
  minIntervalMs: number;
}

export const HTTP_DEFAULTS: HttpOptions = {
  timeoutMs: 30_000,
  retries: 5,
  backoffMs: 2_000,
  maxRetryAfterMs: 600_000,
  minIntervalMs: 0,
};

/** What happened on the way to a response: one line per failed attempt, for the run log. */
export type FetchLog = (line: string) => void;

/** Raised by a body check: the response arrived but cannot be used (retried like a 5xx). */
export class BadBody extends Error {}

const RETRY_STATUS = new Set([408, 425, 429, 500, 502, 503, 504]);

/** Milliseconds to wait from a Retry-After header (seconds, or an HTTP date); null if absent. */
export function retryAfterMs(header: string | null, now: number): number | null {
  if (header === null || header.trim() === "") return null;
  const s = header.trim();
  if (/^\d+$/.test(s)) return Number(s) * 1000;
  const t = Date.parse(s);
  return Number.isNaN(t) ? null : Math.max(0, t - now);
}

/**
 * Waits at least `ms` on the monotonic clock: a timer may fire a fraction of a millisecond
 * early on the clock it is checked with, so it sleeps again for what is left.
 */
async function sleep(ms: number): Promise<void> {
  const end = performance.now() + ms;
  for (let left = ms; left > 0; left = end - performance.now())
    await new Promise((r) => setTimeout(r, Math.ceil(left)));
}

function describe(e: unknown): string {
  if (e instanceof Error) {
    if (e.name === "TimeoutError" || e.name === "AbortError") return "timed out";
    const cause = (e as { cause?: { code?: string; message?: string } }).cause;
    if (cause?.code) return `${e.message} (${cause.code})`;
    if (cause?.message) return `${e.message} (${cause.message})`;
    return e.message;
  }
  return String(e);
}

/**
 * A polite HTTP client for one source: requests go out one at a time, at least
 * `minIntervalMs` apart, with a User-Agent naming the tool. A 429 or 5xx, a timeout, a reset
 * connection, or a body that `check` rejects is retried with exponential backoff; a
 * Retry-After header sets the wait instead. Other statuses fail at once. Every failed attempt
 * is logged with its reason.
 */
export class PoliteClient {
  private readonly options: HttpOptions;
  private last = -Infinity;
  /** requests sent (attempts, not URLs) */
  requests = 0;

  constructor(
    options: Partial<HttpOptions> = {},
    private readonly log: FetchLog = () => undefined,
  ) {
    this.options = { ...HTTP_DEFAULTS, ...options };
  }

  /** GETs `url` and returns its body once `check` accepts it (check throws BadBody otherwise). */
  async get(url: string, check: (body: string) => void = () => undefined): Promise<string> {
    const o = this.options;
    let failure = "";
    for (let attempt = 0; attempt <= o.retries; attempt++) {
      let wait = o.backoffMs * 2 ** attempt;
      const since = performance.now() - this.last;
      if (since < o.minIntervalMs) await sleep(o.minIntervalMs - since);
      this.requests++;
      try {
        const sent = fetch(url, {
          headers: { "User-Agent": USER_AGENT, Accept: "*/*" },
          signal: AbortSignal.timeout(o.timeoutMs),
          redirect: "follow",
        });
        // the spacing counts from after the call: read before it, the time could precede the
        // request's start by a few microseconds more than the next one's (a collection, the
        // first call's set-up), and two starts fall that much short of the spacing
        this.last = performance.now();
        const res = await sent;
        const body = await res.text();
        if (res.ok) {
          check(body);
          return body;
        }
        failure = `HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ""}`;
        if (!RETRY_STATUS.has(res.status)) throw new UserError(msg.fetchFailed(url, failure));
        const after = retryAfterMs(res.headers.get("retry-after"), Date.now());
        if (after !== null) {
          if (after > o.maxRetryAfterMs)
            throw new UserError(msg.retryAfterTooLong(url, after / 1000, o.maxRetryAfterMs / 1000));
          wait = after;
        }
      } catch (e) {
        if (e instanceof UserError) throw e;
        failure = e instanceof BadBody ? `unusable response: ${e.message}` : describe(e);
      }
      if (attempt < o.retries) {
        this.log(msg.fetchRetry(url, failure, wait / 1000, attempt + 1, o.retries));
        await sleep(wait);
      }
    }
    throw new UserError(msg.fetchGaveUp(url, o.retries + 1, failure));
  }
}
