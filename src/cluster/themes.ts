import {
  Analyzer,
  BOUNDARY,
  termLookupOf,
  type TextOptions,
  type TokenDocs,
} from "../text/tokenize.js";
import type { Points } from "./kmeans.js";

/**
 * Guided themes: a pipeline names themes with seed terms. A seed term is analysed like the
 * abstracts (stemmed, stopwords dropped; a phrase becomes a sequence), and the papers that
 * contain it anchor the theme's initial centroid.
 */
export interface ThemeSpec {
  name: string;
  seeds: string[];
}

export interface SeedMatch {
  theme: string;
  /** papers that contain at least one seed term */
  docs: number[];
  /** paper → number of the theme's seed terms it contains */
  counts: Map<number, number>;
  /** papers whose title contains one of the seed terms */
  inTitle: Set<number>;
  /** seed terms found in no paper */
  missing: string[];
  /** seed term → number of papers containing it */
  hits: Record<string, number>;
}

function containsSeq(doc: Int32Array, seq: number[]): boolean {
  const m = seq.length;
  outer: for (let i = 0; i + m <= doc.length; i++) {
    for (let j = 0; j < m; j++) {
      const t = doc[i + j] as number;
      if (t === BOUNDARY || t !== seq[j]) continue outer;
    }
    return true;
  }
  return false;
}

export function matchSeeds(
  themes: readonly ThemeSpec[],
  tokens: TokenDocs,
  text: TextOptions,
  titles: readonly string[] = [],
): SeedMatch[] {
  if (themes.length === 0) return [];
  const analyzer = new Analyzer(text);
  const idOf = termLookupOf(tokens);
  // memoised per word: titles repeat their words, and stemming is the slow part
  const memo = new Map<string, string | null>();
  const normalise = (w: string): string | null => {
    let v = memo.get(w);
    if (v === undefined) {
      v = analyzer.normalise(w);
      memo.set(w, v);
    }
    return v;
  };
  const stemsOf = (s: string): (number | undefined)[] =>
    s
      .split(/[^\p{L}\p{N}'’-]+/u)
      .map(normalise)
      .filter((x): x is string => x !== null)
      .map((x) => idOf(x));
  const titleIds = titles.map((t) => Int32Array.from(stemsOf(t).map((x) => x ?? -2)));
  return themes.map((theme) => {
    const docs = new Set<number>();
    const counts = new Map<number, number>();
    const inTitle = new Set<number>();
    const missing: string[] = [];
    const hits: Record<string, number> = {};
    for (const seed of theme.seeds) {
      const seq = stemsOf(seed);
      let found = 0;
      if (seq.length > 0 && seq.every((x) => x !== undefined)) {
        tokens.docs.forEach((doc, d) => {
          if (containsSeq(doc, seq as number[])) {
            docs.add(d);
            counts.set(d, (counts.get(d) ?? 0) + 1);
            found++;
          }
        });
        titleIds.forEach((ids, d) => {
          if (containsSeq(ids, seq as number[])) inTitle.add(d);
        });
      }
      hits[seed] = found;
      if (found === 0) missing.push(seed);
    }
    return {
      theme: theme.name,
      docs: [...docs].sort((a, b) => a - b),
      counts,
      inTitle,
      missing,
      hits,
    };
  });
}

/**
 * Papers pinned to a guided theme (index into `matches`), else -1: the title names seed terms
 * of exactly one theme, and that theme's seed terms are also strictly the most frequent in
 * the paper's text. Ambiguous papers are left to k-means.
 */
export function pinnedPapers(matches: readonly SeedMatch[], n: number): Int32Array {
  const pinned = new Int32Array(n).fill(-1);
  for (let i = 0; i < n; i++) {
    const titled = matches.map((m, g) => (m.inTitle.has(i) ? g : -1)).filter((g) => g >= 0);
    if (titled.length !== 1) continue;
    const g = titled[0] as number;
    const mine = matches[g]?.counts.get(i) ?? 0;
    if (matches.every((m, h) => h === g || (m.counts.get(i) ?? 0) < mine)) pinned[i] = g;
  }
  return pinned;
}

/** The mean of the (unit-length) points of the matched papers: a theme's anchor. */
export function anchorOf(p: Points, docs: readonly number[]): Float64Array {
  const a = new Float64Array(p.d);
  for (const i of docs)
    for (let j = 0; j < p.d; j++) a[j] = (a[j] as number) + (p.data[i * p.d + j] as number);
  if (docs.length) for (let j = 0; j < p.d; j++) a[j] = (a[j] as number) / docs.length;
  return a;
}
