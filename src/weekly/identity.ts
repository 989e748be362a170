/**
 * Theme identity across runs. A re-fit clusters from scratch, so its theme numbers mean
 * nothing by themselves; each new theme is matched to the previous run's themes by
 *
 *   score = ½ · cosine of their term centroids (over vocabulary strings, so two different
 *               fitted vocabularies compare) + ½ · Jaccard overlap of their members (papers
 *               in both runs),
 *
 * greedily, best pair first, one to one, above MATCH_THRESHOLD. Guided themes match by name.
 * A matched theme keeps the old id, name and colour. Then the events:
 *   born     a new theme that takes no large part of any old one
 *   split    a new theme that takes ≥ SPLIT_SHARE of an old theme that continues elsewhere
 *   merged   an old theme whose papers went mostly (≥ MERGE_SHARE) into a continuing theme
 *   faded    an old theme with no successor; or a continuing theme whose papers this week
 *            fell to half of last week's or less (at least MIN_EVENT_PAPERS last week)
 *   grew     a continuing theme whose papers this week rose by half or more (at least
 *            MIN_EVENT_PAPERS this week)
 */

export const MATCH_THRESHOLD = 0.3;
export const SPLIT_SHARE = 0.25;
export const MERGE_SHARE = 0.5;
export const MIN_EVENT_PAPERS = 5;

export interface IdentityTheme {
  /** index in its run */
  idx: number;
  name: string;
  guided: boolean;
  /** term → weight (top entries of the mean TF-IDF of its papers) */
  centroid: Record<string, number>;
  /** papers in it */
  size: number;
}

export interface PrevTheme extends IdentityTheme {
  themeId: string;
}

export type ThemeEvent =
  | { kind: "born"; themeId: string; name: string; papers: number }
  | { kind: "split"; themeId: string; name: string; from: string; fromName: string; share: number }
  | { kind: "merged"; themeId: string; name: string; into: string; intoName: string; share: number }
  | {
      kind: "faded";
      themeId: string;
      name: string;
      /** ended: no successor in this run; weekly: fewer papers this week */
      how: "ended" | "weekly";
      before: number;
      now: number;
      /** weekly: the week compared with (the last run's) */
      since?: string;
    }
  | { kind: "grew"; themeId: string; name: string; before: number; now: number; since: string };

export interface Identity {
  /** per new theme: its stable id and name */
  ids: string[];
  names: string[];
  /** per new theme: the old theme it continues (index in prev), or -1 */
  continues: number[];
  /** the score of every matched pair, for the report */
  scores: number[];
}

export function cosine(a: Record<string, number>, b: Record<string, number>): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (const [t, w] of Object.entries(a)) {
    na += w * w;
    const v = b[t];
    if (v !== undefined) dot += w * v;
  }
  for (const w of Object.values(b)) nb += w * w;
  return na > 0 && nb > 0 ? dot / Math.sqrt(na * nb) : 0;
}

/** counts[p][n]: papers in both runs that were in old theme p and are in new theme n. */
export function contingency(
  prevOf: ReadonlyMap<string, number>,
  ids: readonly string[],
  theme: ArrayLike<number>,
  kPrev: number,
  kNext: number,
): number[][] {
  const c = Array.from({ length: kPrev }, () => new Array<number>(kNext).fill(0));
  ids.forEach((id, i) => {
    const p = prevOf.get(id);
    const n = theme[i] as number;
    if (p === undefined || p < 0 || n < 0) return;
    (c[p] as number[])[n] = ((c[p] as number[])[n] as number) + 1;
  });
  return c;
}

/**
 * Matches new themes to old ones and names the structural events (born, split, merged, ended).
 * `nextId` gives fresh ids; names of new themes that collide with kept ones get a suffix.
 */
export function matchThemes(
  prev: readonly PrevTheme[],
  next: readonly IdentityTheme[],
  counts: number[][],
  nextId: () => string,
): { identity: Identity; events: ThemeEvent[] } {
  const rowSum = counts.map((r) => r.reduce((a, b) => a + b, 0));
  const colSum = next.map((_, n) => counts.reduce((a, r) => a + (r[n] as number), 0));
  /** the share of old theme p's papers (of those in both runs) now in new theme n */
  const shareOf = (p: number, n: number): number =>
    (rowSum[p] as number) > 0 ? ((counts[p] as number[])[n] as number) / (rowSum[p] as number) : 0;
  const score = (p: number, n: number): number => {
    const c = (counts[p] as number[])[n] as number;
    const union = (rowSum[p] as number) + (colSum[n] as number) - c;
    const jaccard = union > 0 ? c / union : 0;
    return (
      0.5 * cosine((prev[p] as PrevTheme).centroid, (next[n] as IdentityTheme).centroid) +
      0.5 * jaccard
    );
  };
  const continues = new Array<number>(next.length).fill(-1);
  const scores = new Array<number>(next.length).fill(0);
  const taken = new Set<number>();
  // guided themes are the same theme by definition
  next.forEach((t, n) => {
    if (!t.guided) return;
    const p = prev.findIndex((q) => q.guided && q.name === t.name);
    if (p >= 0) {
      continues[n] = p;
      scores[n] = score(p, n);
      taken.add(p);
    }
  });
  const pairs: { p: number; n: number; s: number }[] = [];
  prev.forEach((q, p) => {
    if (q.guided || taken.has(p)) return;
    next.forEach((t, n) => {
      if (t.guided) return;
      const s = score(p, n);
      if (s >= MATCH_THRESHOLD) pairs.push({ p, n, s });
    });
  });
  pairs.sort((a, b) => b.s - a.s || a.p - b.p || a.n - b.n);
  for (const { p, n, s } of pairs) {
    if (taken.has(p) || continues[n] !== -1) continue;
    continues[n] = p;
    scores[n] = s;
    taken.add(p);
  }

  const events: ThemeEvent[] = [];
  const kept = new Set(continues.filter((p) => p >= 0).map((p) => (prev[p] as PrevTheme).name));
  const used = new Set<string>(kept);
  const ids: string[] = [];
  const names: string[] = [];
  next.forEach((t, n) => {
    const p = continues[n] as number;
    if (p >= 0) {
      ids.push((prev[p] as PrevTheme).themeId);
      names.push(t.guided ? t.name : (prev[p] as PrevTheme).name);
      return;
    }
    let name = t.name;
    for (let i = 2; used.has(name); i++) name = `${t.name} (${i})`;
    used.add(name);
    ids.push(nextId());
    names.push(name);
  });
  // new themes without a predecessor: split off an old theme, or born
  next.forEach((_, n) => {
    if (continues[n] !== -1) return;
    // split: a large part of an old theme that continues as another new theme
    const { best, share: bestShare } = largest(
      prev.length,
      (p) => shareOf(p, n),
      (p) => taken.has(p),
    );
    const from = best >= 0 ? (prev[best] as PrevTheme) : undefined;
    if (from && bestShare >= SPLIT_SHARE)
      events.push({
        kind: "split",
        themeId: ids[n] as string,
        name: names[n] as string,
        from: from.themeId,
        fromName: from.name,
        share: round3(bestShare),
      });
    else
      events.push({
        kind: "born",
        themeId: ids[n] as string,
        name: names[n] as string,
        papers: (next[n] as IdentityTheme).size,
      });
  });
  // old themes without a successor: merged into a continuing theme, or ended
  prev.forEach((q, p) => {
    if (taken.has(p)) return;
    const { best, share: bestShare } = largest(next.length, (n) => shareOf(p, n));
    if (best >= 0 && bestShare >= MERGE_SHARE && continues[best] !== -1)
      events.push({
        kind: "merged",
        themeId: q.themeId,
        name: q.name,
        into: ids[best] as string,
        intoName: names[best] as string,
        share: round3(bestShare),
      });
    else
      events.push({
        kind: "faded",
        themeId: q.themeId,
        name: q.name,
        how: "ended",
        before: q.size,
        now: 0,
      });
  });
  return { identity: { ids, names, continues, scores: scores.map(round3) }, events };
}

/**
 * grew / faded from this week's papers per theme against those of the last run's week (`since`,
 * themes by id). Themes a split or merge just reshaped are left out: their counts before and
 * now are of different themes.
 */
export function weeklyEvents(
  themes: readonly { themeId: string; name: string }[],
  now: ReadonlyMap<string, number>,
  before: ReadonlyMap<string, number>,
  since: string,
  reshaped: ReadonlySet<string> = new Set(),
): ThemeEvent[] {
  const out: ThemeEvent[] = [];
  for (const t of themes) {
    const b = before.get(t.themeId);
    if (b === undefined || reshaped.has(t.themeId)) continue;
    const x = now.get(t.themeId) ?? 0;
    if (x >= MIN_EVENT_PAPERS && x >= 1.5 * b && x > b)
      out.push({ kind: "grew", themeId: t.themeId, name: t.name, before: b, now: x, since });
    else if (b >= MIN_EVENT_PAPERS && x <= 0.5 * b)
      out.push({
        kind: "faded",
        themeId: t.themeId,
        name: t.name,
        how: "weekly",
        before: b,
        now: x,
        since,
      });
  }
  return out;
}

/** Themes a split or merge reshaped in this run (both sides of each). */
export function reshapedBy(events: readonly ThemeEvent[]): Set<string> {
  const out = new Set<string>();
  for (const e of events) {
    if (e.kind === "split") out.add(e.themeId).add(e.from);
    if (e.kind === "merged") out.add(e.themeId).add(e.into);
  }
  return out;
}

/** The candidate (0 … n-1, where allowed) with the largest positive share; best -1 if none. */
function largest(
  n: number,
  share: (c: number) => number,
  allowed: (c: number) => boolean = () => true,
): { best: number; share: number } {
  let best = -1;
  let top = 0;
  for (let c = 0; c < n; c++) {
    if (!allowed(c)) continue;
    const x = share(c);
    if (x > top) {
      top = x;
      best = c;
    }
  }
  return { best, share: top };
}

const round3 = (x: number): number => Math.round(x * 1000) / 1000;
