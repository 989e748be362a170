import { serialKernels, type Kernels } from "../util/kernels.js";
import { pointDistances, sqDist } from "./distances.js";
import type { Rng } from "../util/rng.js";

/**
 * k-means in the reduced space, with ml-kmeans doing the Lloyd iterations. Initial centroids
 * come from a seeded k-means++ on typed arrays (ml-kmeans' own is slow at this size), after
 * any fixed anchors (guided themes). Several restarts; the one with the lowest inertia wins.
 * On large inputs the restarts run on a seeded sample and only the best one runs on all points.
 */

export interface KMeansOptions {
  k: number;
  /** k-means++ starts tried, the lowest inertia kept; null: `defaultRestarts` */
  restarts: number | null;
  maxIterations: number;
  tolerance: number;
  /** restarts run on a sample of this many points when there are more */
  restartSample: number;
}

export const KMEANS_DEFAULTS: KMeansOptions = {
  k: 8,
  restarts: null,
  maxIterations: 100,
  tolerance: 1e-4,
  restartSample: 10_000,
};

/**
 * Restarts when the options do not say: 8 on corpora of up to `restartSample` papers (each
 * restart runs to the end, and costs little there); 4 on larger ones, where restarts only
 * choose the start, on the sample. Measured on the 143k arXiv file (LSA at 64 dims, k = 20,
 * seeds 1-14): the first 4 of the 8 starts held the best one for 8 seeds of 14, and the NMI
 * of the results was no lower (0.2710 mean with 4 against 0.2666 with 8), in 1.4 s of
 * k-means instead of 2.2.
 */
export function defaultRestarts(
  o: Pick<KMeansOptions, "restarts" | "restartSample">,
  n: number,
): number {
  return o.restarts ?? (n > o.restartSample ? 4 : 8);
}

export interface Points {
  /** n × d, row-major */
  data: Float64Array;
  n: number;
  d: number;
}

export interface KMeansResult {
  labels: Int32Array;
  /** k × d, row-major */
  centroids: Float64Array;
  inertia: number;
  iterations: number;
  restart: number;
}

/** k-means++ (Arthur & Vassilvitskii 2007): `anchors` are taken first, then D²-weighted picks. */
export function kmeansPlusPlus(
  p: Points,
  k: number,
  rng: Rng,
  anchors: Float64Array[] = [],
): Float64Array {
  const { data, n, d } = p;
  const c = new Float64Array(k * d);
  const dist = new Float64Array(n).fill(Infinity);
  let have = 0;
  const add = (src: Float64Array, so: number): void => {
    c.set(src.subarray(so, so + d), have * d);
    const to = pointDistances(data, d, c.subarray(have * d, (have + 1) * d), 1, LLOYD_BLOCK);
    for (let from = 0; from < n; from += LLOYD_BLOCK) {
      const count = Math.min(LLOYD_BLOCK, n - from);
      to.load(from, count);
      const t = to.all(count);
      for (let i = 0; i < count; i++) {
        const s = t[i] as number;
        if (s < (dist[from + i] as number)) dist[from + i] = s;
      }
    }
    have++;
  };
  for (const a of anchors.slice(0, k)) add(a, 0);
  if (have === 0) add(data, rng.int(n) * d);
  while (have < k) {
    let total = 0;
    for (let i = 0; i < n; i++) total += dist[i] as number;
    let pick = 0;
    if (total > 0) {
      let r = rng.next() * total;
      for (pick = 0; pick < n - 1; pick++) {
        r -= dist[pick] as number;
        if (r <= 0) break;
      }
    } else pick = rng.int(n);
    add(data, pick * d);
  }
  return c;
}

let mlKmeans: typeof import("ml-kmeans").kmeans | null = null;

/**
 * Imports ml-kmeans (once). It takes about 0.2 s to load, and only small corpora's restarts
 * use it, so the kernels that run them load it then, not at start-up.
 */
export async function loadMlKmeans(): Promise<void> {
  mlKmeans ??= (await import("ml-kmeans")).kmeans;
}

function toRows(p: Points, rows?: ArrayLike<number>): number[][] {
  const idx = rows ?? { length: p.n };
  const out: number[][] = new Array<number[]>(idx.length);
  for (let i = 0; i < idx.length; i++) {
    const r = rows ? (rows[i] as number) : i;
    out[i] = Array.from(p.data.subarray(r * p.d, (r + 1) * p.d));
  }
  return out;
}

function lloyd(
  rows: number[][],
  init: Float64Array,
  k: number,
  d: number,
  o: Pick<KMeansOptions, "maxIterations" | "tolerance">,
) {
  const initRows: number[][] = [];
  for (let c = 0; c < k; c++) initRows.push(Array.from(init.subarray(c * d, (c + 1) * d)));
  if (!mlKmeans) throw new Error("ml-kmeans is not loaded (await loadMlKmeans() first)");
  const r = mlKmeans(rows, k, {
    initialization: initRows,
    maxIterations: o.maxIterations,
    tolerance: o.tolerance,
  });
  const centroids = new Float64Array(k * d);
  r.centroids.forEach((cen, c) => centroids.set(cen, c * d));
  return { labels: Int32Array.from(r.clusters), centroids, iterations: r.iterations };
}

/**
 * Points per block. Centroid sums and inertia are summed block by block, and the blocks'
 * sums are added in block order, so results do not depend on how blocks are spread over
 * threads.
 */
export const LLOYD_BLOCK = 4096;

/** How many blocks `n` points make. */
export function blockCount(n: number): number {
  return Math.ceil(n / LLOYD_BLOCK);
}

/** What every step of bounded Lloyd reads and writes (on shared memory when threaded). */
export interface LloydState {
  data: Float64Array;
  n: number;
  d: number;
  k: number;
  labels: Int32Array;
  /** per point: an upper bound on the distance to its centroid */
  upper: Float64Array;
  /** per point and centroid: a lower bound on the distance (n × k) */
  lower: Float64Array;
  /** centroids (k × d), how far each moved in the last update, their distances (k × k) */
  c: Float64Array;
  moved: Float64Array;
  cc: Float64Array;
  /** half the distance from each centroid to its nearest other centroid */
  half: Float64Array;
  /** per block: the sums (k × d) and counts (k) of its points by label */
  blockSums: Float64Array;
  blockSizes: Int32Array;
}

/** Bounded Lloyd's state from a start; `shared` puts it in SharedArrayBuffers. */
export function lloydState(p: Points, init: Float64Array, k: number, shared = false): LloydState {
  const { n, d } = p;
  const f64 = (m: number): Float64Array =>
    shared ? new Float64Array(new SharedArrayBuffer(m * 8)) : new Float64Array(m);
  const i32 = (m: number): Int32Array =>
    shared ? new Int32Array(new SharedArrayBuffer(m * 4)) : new Int32Array(m);
  const c = f64(k * d);
  c.set(init);
  const blocks = blockCount(n);
  return {
    data: p.data,
    n,
    d,
    k,
    labels: i32(n),
    upper: f64(n),
    lower: f64(n * k),
    c,
    moved: f64(k),
    cc: f64(k * k),
    half: f64(k),
    blockSums: f64(blocks * k * d),
    blockSizes: i32(blocks * k),
  };
}

/**
 * One step of bounded Lloyd on the points of blocks [fromBlock, toBlock): on the first step
 * every point's nearest centroid by all distances; after that the bounds move with the
 * centroids and a distance is computed only when the bounds cannot rule a centroid out
 * (Elkan). Then each block's sums by the new labels. Returns how many labels changed.
 * Distances go through pointDistances (WebAssembly where available, the same bits).
 */
export function lloydStep(
  s: LloydState,
  first: boolean,
  fromBlock: number,
  toBlock: number,
): number {
  const { data, n, d, k, labels, upper, lower, c, moved, cc, half, blockSums, blockSizes } = s;
  const to = pointDistances(data, d, c, k, LLOYD_BLOCK);
  let changed = 0;
  for (let b = fromBlock; b < toBlock; b++) {
    const sumsAt = b * k * d;
    blockSums.fill(0, sumsAt, sumsAt + k * d);
    blockSizes.fill(0, b * k, (b + 1) * k);
    const start = b * LLOYD_BLOCK;
    const end = Math.min(n, start + LLOYD_BLOCK);
    // the first step measures every distance, a block at a time; later ones load a point
    // when it needs some (one or two, mostly)
    let table: Float64Array | null = null;
    if (first) {
      to.load(start, end - start);
      table = to.all(end - start);
    }
    for (let i = start; i < end; i++) {
      const o = i * k;
      let a = 0;
      if (table) {
        let bd = Infinity;
        for (let j = 0; j < k; j++) {
          const dist = Math.sqrt(table[(i - start) * k + j] as number);
          lower[o + j] = dist;
          if (dist < bd) {
            bd = dist;
            a = j;
          }
        }
        labels[i] = a;
        upper[i] = bd;
      } else {
        a = labels[i] as number;
        upper[i] = (upper[i] as number) + (moved[a] as number);
        for (let j = 0; j < k; j++) {
          const v = (lower[o + j] as number) - (moved[j] as number);
          lower[o + j] = v > 0 ? v : 0;
        }
        if ((upper[i] as number) > (half[a] as number)) {
          let stale = true;
          for (let j = 0; j < k; j++) {
            if (j === a) continue;
            const u = upper[i] as number;
            if (u <= (lower[o + j] as number) || u <= 0.5 * (cc[a * k + j] as number)) continue;
            if (stale) {
              to.point(i);
              const da = Math.sqrt(to.one(0, a));
              upper[i] = da;
              lower[o + a] = da;
              stale = false;
              if (da <= (lower[o + j] as number) || da <= 0.5 * (cc[a * k + j] as number)) continue;
            }
            const dj = Math.sqrt(to.one(0, j));
            lower[o + j] = dj;
            if (dj < (upper[i] as number)) {
              a = j;
              upper[i] = dj;
            }
          }
          if (a !== labels[i]) {
            labels[i] = a;
            changed++;
          }
        }
      }
      blockSizes[b * k + a] = (blockSizes[b * k + a] as number) + 1;
      const so = sumsAt + a * d;
      const po = i * d;
      for (let j = 0; j < d; j++)
        blockSums[so + j] = (blockSums[so + j] as number) + (data[po + j] as number);
    }
  }
  return changed;
}

/** New centroids from the blocks' sums (added in block order); true when none moved more than `tolerance`. */
function updateCentroids(s: LloydState, tolerance: number): boolean {
  const { d, k, c, moved, blockSums, blockSizes } = s;
  const sums = new Float64Array(k * d);
  const sizes = new Float64Array(k);
  for (let b = 0; b < blockCount(s.n); b++) {
    for (let x = 0; x < k * d; x++)
      sums[x] = (sums[x] as number) + (blockSums[b * k * d + x] as number);
    for (let l = 0; l < k; l++) sizes[l] = (sizes[l] as number) + (blockSizes[b * k + l] as number);
  }
  let converged = true;
  for (let l = 0; l < k; l++) {
    const size = sizes[l] as number;
    let m = 0;
    if (size > 0) {
      let sq = 0;
      for (let j = 0; j < d; j++) {
        const v = (sums[l * d + j] as number) / size;
        const t = v - (c[l * d + j] as number);
        sq += t * t;
        c[l * d + j] = v;
      }
      if (sq > tolerance) converged = false;
      m = Math.sqrt(sq);
    }
    moved[l] = m;
  }
  return converged;
}

/** The centroids' distances to one another, and half of each one's nearest. */
function centroidDistances(s: LloydState): void {
  const { d, k, c, cc, half } = s;
  for (let a = 0; a < k; a++) {
    let m = Infinity;
    for (let b = 0; b < k; b++) {
      if (b === a) continue;
      const dist = Math.sqrt(sqDist(c, a * d, c, b * d, d));
      cc[a * k + b] = dist;
      if (dist < m) m = dist;
    }
    half[a] = m / 2;
  }
}

/**
 * Lloyd's k-means with Elkan's bounds (Elkan 2003, "Using the triangle inequality to
 * accelerate k-means"), as a loop that asks for its steps: it yields whether a step is the
 * first, and takes back how many labels the step changed, so the steps can run on one
 * thread or several. Each point keeps an upper bound on the distance to its centroid and a
 * lower bound on the distance to every centroid. The result is Lloyd's, with a fraction of
 * the distance computations (n × k bounds: fine for the k of themes). Stops when no label
 * changes or no centroid moves more than `tolerance` (squared distance, as ml-kmeans
 * measures it). Empty clusters keep their centroid. Returns the iterations run.
 */
export function* lloydLoop(
  s: LloydState,
  maxIterations: number,
  tolerance: number,
): Generator<boolean, number, number> {
  yield true;
  let it = 0;
  while (it < maxIterations) {
    it++;
    if (updateCentroids(s, tolerance)) break;
    centroidDistances(s);
    if ((yield false) === 0) break;
  }
  return it;
}

/** Bounded Lloyd (see lloydLoop) on the calling thread. */
export function lloydBounded(
  p: Points,
  init: Float64Array,
  k: number,
  maxIterations: number,
  tolerance: number,
): { labels: Int32Array; centroids: Float64Array; iterations: number } {
  const s = lloydState(p, init, k);
  const loop = lloydLoop(s, maxIterations, tolerance);
  const blocks = blockCount(p.n);
  let r = loop.next(0);
  while (!r.done) r = loop.next(lloydStep(s, r.value, 0, blocks));
  return { labels: s.labels, centroids: s.c, iterations: r.value };
}

/**
 * Nearest centroid of the points of blocks [fromBlock, toBlock) into `labels`, and each
 * block's total squared distance into `inertia` (one entry per block).
 */
export function assignBlocks(
  p: Points,
  centroids: Float64Array,
  k: number,
  labels: Int32Array,
  inertia: Float64Array,
  fromBlock: number,
  toBlock: number,
): void {
  const to = pointDistances(p.data, p.d, centroids, k, LLOYD_BLOCK);
  for (let b = fromBlock; b < toBlock; b++) {
    let sum = 0;
    const start = b * LLOYD_BLOCK;
    const count = Math.min(p.n, start + LLOYD_BLOCK) - start;
    to.load(start, count);
    const table = to.all(count);
    for (let i = start; i < start + count; i++) {
      let best = 0;
      let bd = Infinity;
      for (let c = 0; c < k; c++) {
        const s = table[(i - start) * k + c] as number;
        if (s < bd) {
          bd = s;
          best = c;
        }
      }
      labels[i] = best;
      sum += bd;
    }
    inertia[b] = sum;
  }
}

/** The total of blocks' inertia, added in block order. */
export function totalInertia(inertia: Float64Array): number {
  let total = 0;
  for (let b = 0; b < inertia.length; b++) total += inertia[b] as number;
  return total;
}

/** Nearest centroid of every point, and the total squared distance. */
export function assign(
  p: Points,
  centroids: Float64Array,
  k: number,
): { labels: Int32Array; inertia: number } {
  const labels = new Int32Array(p.n);
  const inertia = new Float64Array(blockCount(p.n));
  assignBlocks(p, centroids, k, labels, inertia, 0, inertia.length);
  return { labels, inertia: totalInertia(inertia) };
}

/**
 * ml-kmeans from each start on all points (a small corpus's restarts), each result with its
 * inertia (on one thread; after loadMlKmeans). Labels are not kept: the chosen run's come
 * from `assign`.
 */
export function mlRestarts(
  ...[p, inits, k, maxIterations, tolerance]: Parameters<typeof lloydRestarts>
): RestartRun[] {
  const rows = toRows(p);
  return restartRuns(p, inits, k, (init) =>
    lloyd(rows, init, k, p.d, { maxIterations, tolerance }),
  );
}

/** Each start's run, with the inertia of its result over all the points. */
function restartRuns(
  p: Points,
  inits: readonly Float64Array[],
  k: number,
  run: (init: Float64Array) => { centroids: Float64Array; iterations: number },
): RestartRun[] {
  return inits.map((init) => {
    const r = run(init);
    return {
      centroids: r.centroids,
      inertia: assign(p, r.centroids, k).inertia,
      iterations: r.iterations,
    };
  });
}

/** One restart's outcome on the sample. */
export interface RestartRun {
  centroids: Float64Array;
  inertia: number;
  iterations: number;
}

/** Bounded Lloyd from each start, with the inertia of its result (on one thread). */
export function lloydRestarts(
  p: Points,
  inits: readonly Float64Array[],
  k: number,
  maxIterations: number,
  tolerance: number,
): RestartRun[] {
  return restartRuns(p, inits, k, (init) => lloydBounded(p, init, k, maxIterations, tolerance));
}

export async function kmeans(
  p: Points,
  options: Partial<KMeansOptions>,
  rng: Rng,
  anchors: Float64Array[] = [],
  kernels: Kernels = serialKernels,
): Promise<KMeansResult> {
  const o: KMeansOptions = { ...KMEANS_DEFAULTS, ...options };
  const k = o.k;
  const restarts = Math.max(1, defaultRestarts(o, p.n));
  const sampled = p.n > o.restartSample && restarts > 1;
  if (!sampled) {
    // small corpora: ml-kmeans does the Lloyd iterations of every restart, on every thread
    // (the starts are drawn first, in order; ml-kmeans draws nothing from a given start)
    const inits = Array.from({ length: restarts }, () => kmeansPlusPlus(p, k, rng, anchors));
    const runs = await kernels.mlRestarts(p, inits, k, o.maxIterations, o.tolerance);
    let chosen = 0;
    runs.forEach((r, i) => {
      if (r.inertia < (runs[chosen] as RestartRun).inertia) chosen = i;
    });
    const best = runs[chosen] as RestartRun;
    const { labels, inertia } = assign(p, best.centroids, k);
    return {
      labels,
      centroids: best.centroids,
      inertia,
      iterations: best.iterations,
      restart: chosen,
    };
  }
  // large corpora: restarts only choose the start, on a sample, with fewer iterations, on
  // every thread (the starts are drawn first, in order, so the thread count changes nothing);
  // the best start then runs on all points
  const idx = sampleIndices(p.n, o.restartSample, rng);
  const data = new Float64Array(idx.length * p.d);
  idx.forEach((r, i) => data.set(p.data.subarray(r * p.d, (r + 1) * p.d), i * p.d));
  const sample: Points = { data, n: idx.length, d: p.d };
  const inits = Array.from({ length: restarts }, () => kmeansPlusPlus(sample, k, rng, anchors));
  const runs = await kernels.lloydRestarts(
    sample,
    inits,
    k,
    Math.min(o.maxIterations, 30),
    o.tolerance,
  );
  let chosen = 0;
  runs.forEach((r, i) => {
    if (r.inertia < (runs[chosen] as RestartRun).inertia) chosen = i;
  });
  const start = (runs[chosen] as RestartRun).centroids;
  const full = await kernels.lloyd(p, start, k, o.maxIterations, o.tolerance);
  const { labels, inertia } = await kernels.assign(p, full.centroids, k);
  return {
    labels,
    centroids: full.centroids,
    inertia,
    iterations: full.iterations,
    restart: chosen,
  };
}

/** m distinct indices of [0, n), in increasing order (partial Fisher–Yates). */
export function sampleIndices(n: number, m: number, rng: Rng): number[] {
  if (m >= n) return Array.from({ length: n }, (_, i) => i);
  const a = Int32Array.from({ length: n }, (_, i) => i);
  for (let i = 0; i < m; i++) {
    const j = i + rng.int(n - i);
    const t = a[i] as number;
    a[i] = a[j] as number;
    a[j] = t;
  }
  return Array.from(a.subarray(0, m)).sort((x, y) => x - y);
}

/**
 * Constrained k-means refinement (Basu, Banerjee & Mooney 2002, "constrained" seeding):
 * Lloyd iterations from `centroids` in which pinned points (pinned[i] = cluster, else -1)
 * always stay in their cluster, and the first `frozen` centroids do not move (guided themes
 * stay where their seed terms put them). Returns the new centroids and labels.
 */
export function constrainedRefine(
  p: Points,
  centroids: Float64Array,
  k: number,
  pinned: Int32Array,
  maxIterations: number,
  frozen = 0,
): { labels: Int32Array; centroids: Float64Array; iterations: number } {
  const c = Float64Array.from(centroids);
  let labels: Int32Array = new Int32Array(p.n).fill(-1);
  let it = 0;
  for (; it < maxIterations; it++) {
    const { labels: nearest } = assign(p, c, k);
    let changed = 0;
    for (let i = 0; i < p.n; i++) {
      const l = (pinned[i] as number) >= 0 ? (pinned[i] as number) : (nearest[i] as number);
      if (l !== labels[i]) changed++;
      nearest[i] = l;
    }
    labels = nearest;
    if (changed === 0) break;
    const sums = new Float64Array(k * p.d);
    const sizes = new Float64Array(k);
    for (let i = 0; i < p.n; i++) {
      const l = labels[i] as number;
      sizes[l] = (sizes[l] as number) + 1;
      for (let j = 0; j < p.d; j++)
        sums[l * p.d + j] = (sums[l * p.d + j] as number) + (p.data[i * p.d + j] as number);
    }
    for (let cl = frozen; cl < k; cl++) {
      if ((sizes[cl] as number) === 0) continue; // an empty cluster keeps its centroid
      for (let j = 0; j < p.d; j++)
        c[cl * p.d + j] = (sums[cl * p.d + j] as number) / (sizes[cl] as number);
    }
  }
  return { labels, centroids: c, iterations: it };
}
