import { assertNever } from "./errors.js";

/** Calendar periods for trends, all in UTC. Weeks are ISO 8601 weeks (Monday to Sunday). */
export const Period = { week: "week", month: "month", quarter: "quarter", year: "year" } as const;
export type Period = (typeof Period)[keyof typeof Period];
export const PERIODS: readonly Period[] = Object.values(Period);
export function isPeriod(s: string): s is Period {
  return (PERIODS as readonly string[]).includes(s);
}

const DAY = 86_400_000;
const pad = (n: number): string => String(n).padStart(2, "0");
const toMs = (day: string): number =>
  Date.UTC(Number(day.slice(0, 4)), Number(day.slice(5, 7)) - 1, Number(day.slice(8, 10)));
const toDay = (ms: number): string => {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
};

/** Days from a to b (ISO days), b - a. */
export function daysBetween(a: string, b: string): number {
  return Math.round((toMs(b) - toMs(a)) / DAY);
}

export function addDays(day: string, n: number): string {
  return toDay(toMs(day) + n * DAY);
}

function isoWeek(day: string): { year: number; week: number } {
  const ms = toMs(day);
  const weekday = (new Date(ms).getUTCDay() + 6) % 7; // Monday = 0
  const thursday = ms + (3 - weekday) * DAY;
  const year = new Date(thursday).getUTCFullYear();
  const week = Math.floor((thursday - Date.UTC(year, 0, 1)) / (7 * DAY)) + 1;
  return { year, week };
}

/** The key of the period holding an ISO day: 2025-W44, 2025-10, 2025-Q4, 2025. */
export function periodOf(day: string, p: Period): string {
  switch (p) {
    case "week": {
      const { year, week } = isoWeek(day);
      return `${year}-W${pad(week)}`;
    }
    case "month":
      return day.slice(0, 7);
    case "quarter":
      return `${day.slice(0, 4)}-Q${Math.floor((Number(day.slice(5, 7)) - 1) / 3) + 1}`;
    case "year":
      return day.slice(0, 4);
    default:
      return assertNever(p, "period");
  }
}

/** First day of a period. */
export function periodStart(key: string, p: Period): string {
  switch (p) {
    case "week": {
      const year = Number(key.slice(0, 4));
      const week = Number(key.slice(6));
      const jan4 = Date.UTC(year, 0, 4);
      const monday1 = jan4 - ((new Date(jan4).getUTCDay() + 6) % 7) * DAY;
      return toDay(monday1 + (week - 1) * 7 * DAY);
    }
    case "month":
      return `${key}-01`;
    case "quarter":
      return `${key.slice(0, 4)}-${pad((Number(key.slice(6)) - 1) * 3 + 1)}-01`;
    case "year":
      return `${key}-01-01`;
    default:
      return assertNever(p, "period");
  }
}

export function nextPeriod(key: string, p: Period): string {
  const start = periodStart(key, p);
  switch (p) {
    case "week":
      return periodOf(addDays(start, 7), p);
    case "month":
      return periodOf(addDays(start, 31), p);
    case "quarter":
      return periodOf(addDays(start, 92), p);
    case "year":
      return periodOf(addDays(start, 366), p);
    default:
      return assertNever(p, "period");
  }
}

/** Last day of a period. */
export function periodEnd(key: string, p: Period): string {
  return addDays(periodStart(nextPeriod(key, p), p), -1);
}

/** Every period from the one holding `from` to the one holding `to`, in order. */
export function periodRange(from: string, to: string, p: Period): string[] {
  const out: string[] = [];
  const last = periodOf(to, p);
  for (let k = periodOf(from, p); ; k = nextPeriod(k, p)) {
    out.push(k);
    if (k === last) break;
  }
  return out;
}
