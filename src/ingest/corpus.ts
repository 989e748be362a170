import { exactList, isDerivedId, titleKey } from "./record.js";
import type { Format, Paper, ParseItem, Reject } from "./types.js";

/**
 * De-duplication and run accounting. Pure: it sees parse items, never files.
 *
 * Two records are the same paper when their arXiv ids (version stripped) are equal, or, when
 * at least one of them has no source id, when their normalised titles are equal. Merging keeps
 * the first record's text and takes the earliest date, the largest upvote and comment counts,
 * the union of categories and keywords, and the longest author list.
 */

export interface SourceStats {
  input: string;
  files: number;
  formats: Partial<Record<Format, number>>;
  read: number;
  kept: number;
  duplicates: number;
  rejected: number;
  undated: number;
  dateMin: string | null;
  dateMax: string | null;
}

export type Totals = Omit<SourceStats, "input" | "formats">;

export interface IngestSummary {
  inputs: SourceStats[];
  total: Totals;
  /** reject reason → count, reasons sorted */
  rejectReasons: Record<string, number>;
}

export interface Corpus {
  papers: Paper[];
  rejects: Reject[];
  summary: IngestSummary;
}

function union(a: string[] | undefined, b: string[] | undefined): string[] | undefined {
  if (!b?.length) return a;
  if (!a?.length) return exactList(b);
  const out = [...a];
  for (const x of b) if (!out.includes(x)) out.push(x);
  return exactList(out);
}

const max = (a: number | undefined, b: number | undefined): number | undefined =>
  a === undefined ? b : b === undefined ? a : Math.max(a, b);

/** Merges `next` (a later record of the same paper) into `kept`, in place. */
export function mergeInto(kept: Paper, next: Paper): void {
  if (next.date !== null && (kept.date === null || next.date < kept.date)) kept.date = next.date;
  if (isDerivedId(kept.id) && !isDerivedId(next.id)) kept.id = next.id;
  if (next.authors.length > kept.authors.length) kept.authors = next.authors;
  const up = max(kept.upvotes, next.upvotes);
  if (up !== undefined) kept.upvotes = up;
  const co = max(kept.comments, next.comments);
  if (co !== undefined) kept.comments = co;
  const ac = max(kept.authorCount, next.authorCount);
  if (ac !== undefined) kept.authorCount = ac;
  const cats = union(kept.categories, next.categories);
  if (cats) kept.categories = cats;
  const kws = union(kept.keywords, next.keywords);
  if (kws) kept.keywords = kws;
  if (kept.org === undefined && next.org !== undefined) kept.org = next.org;
  (kept.alsoIn ??= []).push(next.source);
}

function emptyStats(input: string): SourceStats {
  return {
    input,
    files: 0,
    formats: {},
    read: 0,
    kept: 0,
    duplicates: 0,
    rejected: 0,
    undated: 0,
    dateMin: null,
    dateMax: null,
  };
}

export class CorpusBuilder {
  private readonly papers: Paper[] = [];
  private readonly origin: number[] = [];
  private readonly rejects: Reject[] = [];
  private readonly byId = new Map<string, number>();
  /** title key → first kept paper with it; built only once a paper with a derived id comes */
  private readonly byTitle = new Map<string, number>();
  private byTitleBuilt = false;
  private readonly stats: SourceStats[];

  constructor(
    inputs: readonly string[],
    private readonly onKept?: (p: Paper) => void,
  ) {
    this.stats = inputs.map(emptyStats);
  }

  file(input: number, format: Format): void {
    const s = this.stat(input);
    s.files++;
    s.formats[format] = (s.formats[format] ?? 0) + 1;
  }

  add(input: number, item: ParseItem): void {
    const s = this.stat(input);
    s.read++;
    if (item.kind === "reject") {
      s.rejected++;
      this.rejects.push(item.reject);
      return;
    }
    const p = item.paper;
    // titles only match when one side has a derived id: until a paper with one comes, no
    // title key is needed (an arXiv-only corpus never computes one)
    if (!this.byTitleBuilt && isDerivedId(p.id)) this.buildByTitle();
    const tk = this.byTitleBuilt ? titleKey(p.title) : null;
    let at = this.byId.get(p.id);
    if (at === undefined && tk !== null) {
      const t = this.byTitle.get(tk);
      if (t !== undefined && (isDerivedId(p.id) || isDerivedId((this.papers[t] as Paper).id)))
        at = t;
    }
    if (at !== undefined) {
      const kept = this.papers[at] as Paper;
      mergeInto(kept, p);
      this.byId.set(kept.id, at);
      s.duplicates++;
      return;
    }
    at = this.papers.length;
    this.papers.push(p);
    this.origin.push(input);
    this.byId.set(p.id, at);
    if (tk !== null && !this.byTitle.has(tk)) this.byTitle.set(tk, at);
    s.kept++;
    this.onKept?.(p);
  }

  /** The first kept paper of each title key, from the papers kept so far. */
  private buildByTitle(): void {
    this.papers.forEach((q, i) => {
      const k = titleKey(q.title);
      if (!this.byTitle.has(k)) this.byTitle.set(k, i);
    });
    this.byTitleBuilt = true;
  }

  finish(): Corpus {
    this.papers.forEach((p, i) => {
      const s = this.stat(this.origin[i] as number);
      if (p.date === null) s.undated++;
      else {
        if (s.dateMin === null || p.date < s.dateMin) s.dateMin = p.date;
        if (s.dateMax === null || p.date > s.dateMax) s.dateMax = p.date;
      }
    });
    const t: Totals = {
      files: 0,
      read: 0,
      kept: 0,
      duplicates: 0,
      rejected: 0,
      undated: 0,
      dateMin: null,
      dateMax: null,
    };
    for (const s of this.stats) {
      t.files += s.files;
      t.read += s.read;
      t.kept += s.kept;
      t.duplicates += s.duplicates;
      t.rejected += s.rejected;
      t.undated += s.undated;
      if (s.dateMin !== null && (t.dateMin === null || s.dateMin < t.dateMin))
        t.dateMin = s.dateMin;
      if (s.dateMax !== null && (t.dateMax === null || s.dateMax > t.dateMax))
        t.dateMax = s.dateMax;
    }
    const reasons = new Map<string, number>();
    for (const r of this.rejects) {
      const key = r.reason.replace(/"[^"]*"/g, '"…"');
      reasons.set(key, (reasons.get(key) ?? 0) + 1);
    }
    const rejectReasons = Object.fromEntries([...reasons].sort((a, b) => (a[0] < b[0] ? -1 : 1)));
    return {
      papers: this.papers,
      rejects: this.rejects,
      summary: { inputs: this.stats, total: t, rejectReasons },
    };
  }

  private stat(input: number): SourceStats {
    const s = this.stats[input];
    if (!s) throw new Error(`no input ${input}`);
    return s;
  }
}
