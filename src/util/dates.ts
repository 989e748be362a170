/**
 * Date parsing for paper listings. Every result is an ISO day (YYYY-MM-DD) in UTC. Timestamps
 * without a zone are read as UTC, never as the machine's local time.
 */

const MONTHS: Record<string, number> = {
  jan: 1,
  feb: 2,
  mar: 3,
  apr: 4,
  may: 5,
  jun: 6,
  jul: 7,
  aug: 8,
  sep: 9,
  oct: 10,
  nov: 11,
  dec: 12,
};

export type DateResult =
  { ok: true; day: string } | { ok: false; reason: "unparseable" | "needs-as-of" };

const pad = (n: number, w = 2): string => String(n).padStart(w, "0");

export function isoDay(y: number, m: number, d: number): string {
  return `${pad(y, 4)}-${pad(m)}-${pad(d)}`;
}

/** True when y-m-d is a real calendar day. */
export function isValidDay(y: number, m: number, d: number): boolean {
  if (!Number.isInteger(y) || y < 1000 || y > 9999 || m < 1 || m > 12 || d < 1) return false;
  const t = new Date(Date.UTC(y, m - 1, d));
  return t.getUTCFullYear() === y && t.getUTCMonth() === m - 1 && t.getUTCDate() === d;
}

function fromUtcMs(ms: number): string {
  const t = new Date(ms);
  return isoDay(t.getUTCFullYear(), t.getUTCMonth() + 1, t.getUTCDate());
}

const ISO_RE =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?\s*(Z|[+-]\d{2}:?\d{2}|UTC|GMT)?)?$/i;
// RFC 2822 as used by arXiv OAI and the Kaggle snapshot: "Mon, 2 Apr 2007 19:18:42 GMT"
const RFC2822_RE =
  /^(?:[A-Za-z]{3},\s*)?(\d{1,2})\s+([A-Za-z]{3})\s+(\d{4})(?:\s+(\d{2}):(\d{2})(?::(\d{2}))?\s*(GMT|UTC|Z|[+-]\d{4})?)?$/;
// "Feb 25, 2021", "May 22" (year-less: Hugging Face Papers shows the current year that way)
const MONTH_DAY_RE = /^([A-Za-z]{3})[a-z]*\.?\s+(\d{1,2})(?:,?\s+(\d{4}))?$/;

function offsetMinutes(zone: string | undefined): number {
  if (!zone || /^(Z|UTC|GMT)$/i.test(zone)) return 0;
  const m = /^([+-])(\d{2}):?(\d{2})$/.exec(zone);
  if (!m) return 0;
  const sign = m[1] === "-" ? -1 : 1;
  return sign * (Number(m[2]) * 60 + Number(m[3]));
}

function withTime(
  y: number,
  mo: number,
  d: number,
  h: string | undefined,
  mi: string | undefined,
  s: string | undefined,
  zone: string | undefined,
): DateResult {
  if (!isValidDay(y, mo, d)) return { ok: false, reason: "unparseable" };
  if (h === undefined) return { ok: true, day: isoDay(y, mo, d) };
  const hh = Number(h);
  const mm = Number(mi);
  const ss = s === undefined ? 0 : Number(s);
  if (hh > 23 || mm > 59 || ss > 60) return { ok: false, reason: "unparseable" };
  const ms = Date.UTC(y, mo - 1, d, hh, mm, ss) - offsetMinutes(zone) * 60_000;
  return { ok: true, day: fromUtcMs(ms) };
}

/**
 * Parses the date formats found in paper listings. `asOf` (an ISO day) resolves year-less dates
 * to the latest such day on or before it.
 */
export function parseDate(raw: string, asOf?: string): DateResult {
  const s = raw.trim();
  let m = ISO_RE.exec(s);
  if (m) return withTime(Number(m[1]), Number(m[2]), Number(m[3]), m[4], m[5], m[6], m[7]);
  m = RFC2822_RE.exec(s);
  if (m) {
    const mo = MONTHS[(m[2] ?? "").toLowerCase()];
    if (mo === undefined) return { ok: false, reason: "unparseable" };
    return withTime(Number(m[3]), mo, Number(m[1]), m[4], m[5], m[6], m[7]);
  }
  m = MONTH_DAY_RE.exec(s);
  if (m) {
    const mo = MONTHS[(m[1] ?? "").toLowerCase()];
    const d = Number(m[2]);
    if (mo === undefined) return { ok: false, reason: "unparseable" };
    if (m[3] !== undefined) {
      const y = Number(m[3]);
      return isValidDay(y, mo, d)
        ? { ok: true, day: isoDay(y, mo, d) }
        : { ok: false, reason: "unparseable" };
    }
    if (asOf === undefined) return { ok: false, reason: "needs-as-of" };
    return resolveYearless(mo, d, asOf);
  }
  return { ok: false, reason: "unparseable" };
}

function resolveYearless(mo: number, d: number, asOf: string): DateResult {
  const ay = Number(asOf.slice(0, 4));
  for (const y of [ay, ay - 1, ay - 2, ay - 3, ay - 4]) {
    // Feb 29 only exists in leap years: step back until it does (at most 4 years).
    if (isValidDay(y, mo, d) && isoDay(y, mo, d) <= asOf)
      return { ok: true, day: isoDay(y, mo, d) };
  }
  return { ok: false, reason: "unparseable" };
}

/** Validates a user-given day (YYYY-MM-DD). */
export function isIsoDay(s: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  return m !== null && isValidDay(Number(m[1]), Number(m[2]), Number(m[3]));
}
