import type { Paper } from "../ingest/types.js";
import { msg } from "../messages.js";
import { displayOf, type TextOptions, type TokenDocs } from "../text/tokenize.js";
import { UserError } from "../util/errors.js";
import { createRng, type Rng } from "../util/rng.js";
import { openKernels, type Kernels } from "../util/kernels.js";
import { noTimer, type StageMarker } from "../util/timings.js";
import { csrTimesDense, type Csr } from "../vectorize/sparse.js";
import type { Fitted } from "../vectorize/tfidf.js";
import {
  assign,
  constrainedRefine,
  kmeans,
  defaultRestarts,
  KMEANS_DEFAULTS,
  type KMeansOptions,
  type Points,
} from "./kmeans.js";
import {
  clusterRows,
  clusterTerms,
  labelTerms,
  type ClusterTerms,
  type ClusterTermsJob,
  type LabelTerm,
} from "./labels.js";
import { normalizeRows } from "./linalg.js";
import { lsa, projectionColOf, type Projection } from "./lsa.js";
import { ari, nmi, silhouette, type Silhouette } from "./quality.js";
import { anchorOf, matchSeeds, pinnedPapers, type SeedMatch, type ThemeSpec } from "./themes.js";

/**
 * The cluster stage: TF-IDF → (LSA) → unit vectors (cosine geometry) → k-means with guided
 * anchors → themes with names, labels, representatives and quality figures.
 */

export const Reduce = { lsa: "lsa", none: "none" } as const;
export type Reduce = (typeof Reduce)[keyof typeof Reduce];

export interface ClusterOptions extends KMeansOptions {
  /** a number, or "auto": chosen by silhouette over kRange */
  kMode: "fixed" | "auto";
  kRange: [number, number];
  reduce: Reduce;
  /** LSA dimensions; "auto": √n clamped to [10, 64] */
  dims: number | "auto";
  /** the SVD is fitted on at most this many papers (seeded sample), then all are projected */
  lsaSample: number;
  /** the SVD uses at most this many columns: the most frequent in its sample */
  lsaFeatures: number;
  powerIterations: number;
  /** papers whose cosine similarity to their theme's centroid is below this go to `other` */
  otherThreshold: number;
  labelTerms: number;
  representatives: number;
  silhouetteSample: number;
  themes: ThemeSpec[];
}

export const CLUSTER_DEFAULTS: ClusterOptions = {
  ...KMEANS_DEFAULTS,
  kMode: "fixed",
  kRange: [4, 16],
  reduce: "lsa",
  dims: "auto",
  lsaSample: 20_000,
  // measured on the 143k arXiv file (bench/quality.js, 5 seeds): NMI 0.2906 mean with 2^15
  // terms against 0.2833 with the whole bigram vocabulary (380k), in a fraction of the time
  lsaFeatures: 32_768,
  powerIterations: 2,
  otherThreshold: 0.3,
  labelTerms: 10,
  representatives: 5,
  silhouetteSample: 2000,
  themes: [],
};

export const OTHER = "other";

/** Columns kept in each term-space centroid (for assigning new papers without the SVD). */
const TERM_CENTROID_COLUMNS = 500;

export interface Representative {
  id: string;
  title: string;
  date: string | null;
  score: number;
}

export interface Theme {
  id: number;
  /** weekly runs: the theme's id across runs ("t3"), kept while the theme continues */
  key?: string;
  name: string;
  kind: "guided" | "discovered";
  seedTerms: string[];
  /** seed term → papers containing it (guided themes) */
  seedHits?: Record<string, number>;
  /** share of the theme's papers that contain one of its seed terms (guided themes) */
  seedCoverage?: number;
  /** papers held in the theme because their title names its seed terms (guided themes) */
  pinned?: number;
  size: number;
  share: number;
  silhouette: number | null;
  labels: LabelTerm[];
  representatives: Representative[];
}

export interface ClusterResult {
  k: number;
  kCurve: { k: number; silhouette: number }[] | null;
  themes: Theme[];
  other: { size: number; threshold: number };
  /** per paper: theme id (-1: other) and cosine similarity to the theme's centroid */
  theme: Int32Array;
  score: Float64Array;
  /** k-means labels before the `other` threshold */
  rawLabels: Int32Array;
  quality: {
    silhouette: number;
    silhouetteSample: number;
    labelField?: string;
    labelled?: number;
    nmi?: number;
    ari?: number;
  };
  reduce: { method: Reduce; dims: number; explained: number | null };
  inertia: number;
  /** each paper on the first two LSA components (n × 2), for the theme map; null without LSA */
  map: Float64Array | null;
  /** term-space centroids (mean TF-IDF of members), top entries only: column → weight */
  termCentroids: Record<number, number>[];
  /** what places a new paper: the LSA map (null without LSA) and the final centroids (k × d) */
  placement: Placement;
  warnings: string[];
}

export type LabelOf = (p: Paper) => string | null;

/** How the clustering places a paper: project, normalise, nearest centroid, `other` threshold. */
export interface Placement {
  projection: Projection | null;
  /** k × d, row-major, in the (normalised) embedding space */
  centroids: Float64Array;
  k: number;
  d: number;
  otherThreshold: number;
}

/** What a report needs of a clustering (also read back from a cluster folder). */
export type ReportThemes = Pick<
  ClusterResult,
  "themes" | "k" | "quality" | "other" | "theme" | "map" | "warnings"
>;

async function embed(
  matrix: Csr,
  o: ClusterOptions,
  rng: Rng,
  kernels: Kernels,
): Promise<{
  points: Points;
  explained: number | null;
  dims: number;
  projection: Projection | null;
}> {
  if (o.reduce === "lsa") {
    const r = await lsa(
      matrix,
      {
        dims: resolveDims(o.dims, matrix.nRows),
        sample: o.lsaSample,
        maxFeatures: o.lsaFeatures,
        powerIterations: o.powerIterations,
      },
      rng,
      kernels,
    );
    normalizeRows(r.embedding, matrix.nRows, r.dims);
    return {
      points: { data: r.embedding, n: matrix.nRows, d: r.dims },
      explained: r.explained,
      dims: r.dims,
      projection: r.projection,
    };
  }
  const data = new Float64Array(matrix.nRows * matrix.nCols);
  for (let r = 0; r < matrix.nRows; r++) {
    for (let p = matrix.indptr[r] as number; p < (matrix.indptr[r + 1] as number); p++) {
      data[r * matrix.nCols + (matrix.indices[p] as number)] = matrix.data[p] as number;
    }
  }
  normalizeRows(data, matrix.nRows, matrix.nCols);
  return {
    points: { data, n: matrix.nRows, d: matrix.nCols },
    explained: null,
    dims: matrix.nCols,
    projection: null,
  };
}

/**
 * Places papers (TF-IDF rows of the model's vocabulary) with a saved clustering: the same
 * projection, unit length, the nearest centroid, and `other` below the threshold. A paper of the
 * fitted corpus lands where the fit put it, unless a guided theme pinned it there by its title.
 */
export function place(
  matrix: Csr,
  p: Placement,
): { theme: Int32Array; score: Float64Array; map: Float64Array | null } {
  let data: Float64Array;
  if (p.projection) {
    data = csrTimesDense(
      matrix,
      p.projection.components,
      p.d,
      projectionColOf(p.projection, matrix.nCols),
    );
  } else {
    data = new Float64Array(matrix.nRows * p.d);
    for (let r = 0; r < matrix.nRows; r++)
      for (let q = matrix.indptr[r] as number; q < (matrix.indptr[r + 1] as number); q++)
        data[r * p.d + (matrix.indices[q] as number)] = matrix.data[q] as number;
  }
  normalizeRows(data, matrix.nRows, p.d);
  const points: Points = { data, n: matrix.nRows, d: p.d };
  const labels = assign(points, p.centroids, p.k).labels;
  const score = cosineToCentroids(points, p.centroids, p.k, labels);
  const theme = Int32Array.from(labels, (c, i) =>
    (score[i] as number) < p.otherThreshold ? -1 : c,
  );
  const map =
    p.projection && p.d >= 2
      ? Float64Array.from(
          { length: matrix.nRows * 2 },
          (_, i) => data[Math.floor(i / 2) * p.d + (i % 2)] as number,
        )
      : null;
  return { theme, score, map };
}

/**
 * The most dimensions `dims: auto` gives. On the 143k arXiv file (`node bench/quality.js 10`),
 * 64 dimensions and 2 power iterations give NMI 0.2811 against 0.2884 with 100 and 3, in
 * about half the LSA's and k-means' time (every product with the embedding is d wide).
 */
export const MAX_AUTO_DIMS = 64;

export function resolveDims(dims: number | "auto", n: number): number {
  return dims === "auto" ? Math.max(10, Math.min(MAX_AUTO_DIMS, Math.round(Math.sqrt(n)))) : dims;
}

function cosineToCentroids(
  p: Points,
  centroids: Float64Array,
  k: number,
  labels: Int32Array,
): Float64Array {
  const norms = new Float64Array(k);
  for (let c = 0; c < k; c++) {
    let s = 0;
    for (let j = 0; j < p.d; j++) s += (centroids[c * p.d + j] as number) ** 2;
    norms[c] = Math.sqrt(s) || 1;
  }
  const score = new Float64Array(p.n);
  for (let i = 0; i < p.n; i++) {
    const c = labels[i] as number;
    let dot = 0;
    for (let j = 0; j < p.d; j++)
      dot += (p.data[i * p.d + j] as number) * (centroids[c * p.d + j] as number);
    score[i] = dot / (norms[c] as number);
  }
  return score;
}

function nameFor(labels: LabelTerm[], taken: Set<string>): string {
  const parts: string[] = [];
  for (const l of labels) {
    if (parts.length >= 3) break;
    if (parts.some((p) => p.includes(l.term) || l.term.includes(p))) continue;
    parts.push(l.term);
  }
  let name = parts.join(", ") || "unnamed";
  for (let i = 2; taken.has(name); i++) name = `${parts.join(", ")} (${i})`;
  taken.add(name);
  return name;
}

export async function clusterStage(
  papers: readonly Paper[],
  tokens: TokenDocs,
  fitted: Fitted,
  text: TextOptions,
  options: Partial<ClusterOptions>,
  seed: number,
  labelOf?: { field: string; of: LabelOf },
  timer: StageMarker = noTimer,
  threads = 1,
): Promise<ClusterResult> {
  const o: ClusterOptions = { ...CLUSTER_DEFAULTS, ...options };
  if (papers.length === 0) throw new UserError(msg.emptyCorpus());
  const rng = createRng(seed);
  const kernels = openKernels(threads);
  try {
    return await clusterWith(
      { papers, tokens, fitted, text, o, seed, rng, kernels, timer },
      labelOf,
    );
  } finally {
    kernels.close();
  }
}

/** What the cluster stage works on (clusterStage's arguments, resolved). */
interface ClusterInputs {
  papers: readonly Paper[];
  tokens: TokenDocs;
  fitted: Fitted;
  text: TextOptions;
  o: ClusterOptions;
  seed: number;
  rng: Rng;
  kernels: Kernels;
  timer: StageMarker;
}

/** What clusterWith keeps of the embedding's part: everything but the embedding itself. */
interface Clustered {
  explained: number | null;
  /** the embedding's dimensions (its rows are not kept) */
  dims: number;
  projection: Projection | null;
  guidedKept: { spec: ThemeSpec; match: SeedMatch }[];
  pinned: Int32Array;
  k: number;
  kCurve: ClusterResult["kCurve"];
  run: { labels: Int32Array; centroids: Float64Array; inertia: number };
  score: Float64Array;
  theme: Int32Array;
  sil: Silhouette;
  map: Float64Array | null;
}

async function clusterEmbedded(inputs: ClusterInputs, warnings: string[]): Promise<Clustered> {
  const { papers, tokens, fitted, text, o, seed, rng, kernels, timer } = inputs;
  const n = papers.length;
  const guided = o.themes;
  const { points, explained, dims, projection } = await embed(
    fitted.matrix,
    o,
    createRng(rng.seed()),
    kernels,
  );
  timer.mark("lsa");

  // guided anchors
  const matches = matchSeeds(
    guided,
    tokens,
    text,
    papers.map((p) => p.title),
  );
  const anchors: Float64Array[] = [];
  const guidedKept: { spec: ThemeSpec; match: (typeof matches)[number] }[] = [];
  matches.forEach((m, i) => {
    const spec = guided[i] as ThemeSpec;
    for (const s of m.missing) warnings.push(msg.seedNotInVocabulary(s, spec.name));
    if (m.docs.length === 0) {
      warnings.push(msg.guidedThemeNoPapers(spec.name));
      return;
    }
    anchors.push(anchorOf(points, m.docs));
    guidedKept.push({ spec, match: m });
  });

  // k
  const checkK = (k: number): void => {
    if (k > n) throw new UserError(msg.kTooLarge(k, n));
    if (k < Math.max(1, anchors.length)) throw new UserError(msg.kBelowGuided(k, anchors.length));
  };
  let k = o.k;
  let kCurve: ClusterResult["kCurve"] = null;
  const kRng = createRng(rng.seed());
  if (o.kMode === "auto") {
    const [lo, hi] = o.kRange;
    const from = Math.max(2, lo, anchors.length);
    const to = Math.min(hi, n - 1);
    if (to < from) throw new UserError(msg.kRangeEmpty(lo, hi, n, anchors.length));
    kCurve = [];
    let best = -Infinity;
    for (let kk = from; kk <= to; kk++) {
      const r = await kmeans(
        points,
        { ...o, k: kk, restarts: Math.max(2, Math.ceil(defaultRestarts(o, n) / 2)) },
        createRng(kRng.seed()),
        anchors,
        kernels,
      );
      const s = silhouette(points, r.labels, kk, createRng(seed + kk), o.silhouetteSample).mean;
      kCurve.push({ k: kk, silhouette: round(s, 6) });
      if (s > best + 1e-12) {
        best = s;
        k = kk;
      }
    }
  }
  checkK(k);

  let run = await kmeans(points, { ...o, k }, createRng(rng.seed()), anchors, kernels);
  // guided themes stay where their seed terms put them: their centroids are fixed at the mean
  // of the papers whose title names their seeds (or of all papers that contain them, when
  // fewer than 5 titles do), and those papers stay in them; the discovered themes move freely
  const keptMatches = guidedKept.map((g) => g.match);
  const pinned = pinnedPapers(keptMatches, n);
  if (keptMatches.length > 0) {
    const start = Float64Array.from(run.centroids);
    keptMatches.forEach((m, g) => {
      const titled: number[] = [];
      pinned.forEach((x, i) => {
        if (x === g) titled.push(i);
      });
      start.set(
        titled.length >= 5 ? anchorOf(points, titled) : (anchors[g] as Float64Array),
        g * points.d,
      );
    });
    const refined = constrainedRefine(
      points,
      start,
      k,
      pinned,
      o.maxIterations,
      keptMatches.length,
    );
    run = {
      ...run,
      labels: refined.labels,
      centroids: refined.centroids,
      inertia: assign(points, refined.centroids, k).inertia,
    };
  }
  timer.mark("k-means");
  const rawLabels = run.labels;
  const score = cosineToCentroids(points, run.centroids, k, rawLabels);
  const theme = Int32Array.from(rawLabels, (c, i) =>
    (score[i] as number) < o.otherThreshold ? -1 : c,
  );
  const sil = silhouette(points, theme, k, createRng(rng.seed()), o.silhouetteSample);
  const map =
    o.reduce === "lsa" && points.d >= 2
      ? Float64Array.from(
          { length: n * 2 },
          (_, i) => points.data[Math.floor(i / 2) * points.d + (i % 2)] as number,
        )
      : null;
  return {
    explained,
    dims,
    projection,
    guidedKept,
    pinned,
    k,
    kCurve,
    run,
    score,
    theme,
    sil,
    map,
  };
}

async function clusterWith(
  inputs: ClusterInputs,
  labelOf: { field: string; of: LabelOf } | undefined,
): Promise<ClusterResult> {
  const { papers, tokens, fitted, o, kernels, timer } = inputs;
  const n = papers.length;
  const warnings: string[] = [];
  // the embedding (n × d doubles: 512 MB at 1M papers) is needed up to the silhouette only;
  // held on through the labels, it stayed resident to the trends, where it set the 1M run's
  // peak. Out of scope once clusterEmbedded returns, the collector frees it during the labels.
  const c = await clusterEmbedded(inputs, warnings);
  const { explained, dims, projection, guidedKept, pinned, k, kCurve, run } = c;
  const { score, theme, sil, map } = c;
  const rawLabels = run.labels;

  // labels and names
  const show = displayOf(tokens);
  const taken = new Set<string>([OTHER, ...guidedKept.map((g) => g.spec.name)]);
  // class TF-IDF label candidates and term-space centroids (for assigning new papers without
  // the SVD), cluster by cluster over the threads
  const counts = { ...fitted.matrix, data: fitted.counts };
  const job: ClusterTermsJob = {
    counts,
    values: fitted.matrix.data,
    rows: clusterRows(theme, k),
    ...(await kernels.classWeights(counts, theme, k)),
    // the top few hundred: a unigram inside a chosen bigram is skipped, so labels need spares
    spare: Math.max(200, o.labelTerms * 20),
    top: TERM_CENTROID_COLUMNS,
  };
  const terms = await kernels.clusterTerms(job);
  const labelsOf = terms.map((t, c) =>
    labelTerms(
      t,
      fitted.model.vocabulary,
      show,
      o.labelTerms,
      () => clusterTerms({ ...job, spare: Infinity }, [c])[0] as ClusterTerms,
    ).map((l) => ({ term: l.term, weight: round(l.weight, 6) })),
  );
  const themes: Theme[] = [];
  const { order, start } = job.rows;
  for (let c = 0; c < k; c++) {
    const labels = labelsOf[c] as LabelTerm[];
    const members = Array.from(order.subarray(start[c], start[c + 1]));
    members.sort((a, b) => (score[b] as number) - (score[a] as number) || a - b);
    const representatives = members.slice(0, o.representatives).map((i) => {
      const p = papers[i] as Paper;
      return { id: p.id, title: p.title, date: p.date, score: round(score[i] as number, 6) };
    });
    const g = guidedKept[c];
    const t: Theme = {
      id: c,
      name: g ? g.spec.name : nameFor(labels, taken),
      kind: g ? "guided" : "discovered",
      seedTerms: g ? g.spec.seeds : [],
      size: members.length,
      share: round(members.length / n, 6),
      silhouette: sil.perCluster[c] == null ? null : round(sil.perCluster[c] as number, 6),
      labels,
      representatives,
    };
    if (g) {
      t.seedHits = g.match.hits;
      const seedDocs = new Set(g.match.docs);
      const covered = members.filter((i) => seedDocs.has(i)).length;
      t.seedCoverage = members.length ? round(covered / members.length, 6) : 0;
      t.pinned = pinned.filter((x) => x === c).length;
    }
    if (t.size === 0) warnings.push(msg.themeEmpty(t.name));
    themes.push(t);
  }

  // quality against reference labels
  const quality: ClusterResult["quality"] = {
    silhouette: round(sil.mean, 6),
    silhouetteSample: sil.sampleSize,
  };
  if (labelOf) {
    const truth: number[] = [];
    const pred: number[] = [];
    const ids = new Map<string, number>();
    papers.forEach((p, i) => {
      const l = labelOf.of(p);
      if (l === null) return;
      if (!ids.has(l)) ids.set(l, ids.size);
      truth.push(ids.get(l) as number);
      pred.push(rawLabels[i] as number);
    });
    quality.labelField = labelOf.field;
    quality.labelled = truth.length;
    if (truth.length === 0) warnings.push(msg.noLabels(labelOf.field));
    else {
      quality.nmi = round(nmi(truth, pred), 6);
      quality.ari = round(ari(truth, pred), 6);
    }
  }

  const termCentroids = terms.map((t) =>
    Object.fromEntries(
      Array.from(t.centroidCols, (col, i) => [col, round(t.centroidMeans[i] as number, 6)]),
    ),
  );
  timer.mark("labels, quality");
  const otherSize = theme.filter((t) => t < 0).length;
  return {
    k,
    kCurve,
    themes,
    other: { size: otherSize, threshold: o.otherThreshold },
    theme,
    score,
    rawLabels,
    quality,
    reduce: { method: o.reduce, dims, explained: explained === null ? null : round(explained, 6) },
    inertia: round(run.inertia, 6),
    termCentroids,
    placement: {
      projection,
      centroids: run.centroids,
      k,
      d: dims,
      otherThreshold: o.otherThreshold,
    },
    map,
    warnings,
  };
}

/** Rounds for stable, diffable outputs (never NaN: non-finite values become 0). */
export function round(x: number, digits: number): number {
  if (!Number.isFinite(x)) return 0;
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
