import { Worker } from "node:worker_threads";
import { workerFileExists } from "./worker-file.js";
import {
  GRAM_BLOCK,
  gram,
  gramBlocks,
  matmul,
  matmulRows,
  sumGramBlocks,
} from "../cluster/linalg.js";
import {
  assign,
  assignBlocks,
  blockCount,
  lloydBounded,
  lloydLoop,
  lloydRestarts,
  lloydState,
  lloydStep,
  loadMlKmeans,
  mlRestarts,
  totalInertia,
  type Points,
  type RestartRun,
} from "../cluster/kmeans.js";
import {
  classIdf,
  classWeights,
  clusterTerms,
  countColumns,
  type ClusterTerms,
  type ClusterTermsJob,
} from "../cluster/labels.js";
import { csrTimesDense, csrTimesDenseRows, type Csr } from "../vectorize/sparse.js";

/**
 * The LSA's dense and sparse products on several threads, over shared memory: the operands
 * are copied once into SharedArrayBuffers, each thread computes a range of output rows in
 * place, and only small things travel back (Gram blocks of k × k, restart centroids). Every
 * output row is computed exactly as on one thread (and
 * Gram sums run in fixed blocks), so results do not depend on the thread count.
 */

type Floats = Float32Array | Float64Array;

export interface Kernels {
  csrTimesDense(m: Csr, w: Floats, k: number, colOf?: Int32Array | null): Promise<Float64Array>;
  matmul(a: Float64Array, n: number, k: number, b: Float64Array, m: number): Promise<Float64Array>;
  gram(a: Float64Array, n: number, k: number): Promise<Float64Array>;
  /** k-means restarts on a sample, one per start, spread over the threads */
  lloydRestarts(
    p: Points,
    inits: readonly Float64Array[],
    k: number,
    maxIterations: number,
    tolerance: number,
  ): Promise<RestartRun[]>;
  /** ml-kmeans from each start on all points (a small corpus's restarts), over the threads */
  mlRestarts: Kernels["lloydRestarts"];
  /** bounded Lloyd on all points from one start */
  lloyd(
    p: Points,
    init: Float64Array,
    k: number,
    maxIterations: number,
    tolerance: number,
  ): Promise<{ labels: Int32Array; centroids: Float64Array; iterations: number }>;
  /** nearest centroid of every point, and the total squared distance */
  assign(
    p: Points,
    centroids: Float64Array,
    k: number,
  ): Promise<{ labels: Int32Array; inertia: number }>;
  /** class TF-IDF's idf part and the clusters' sizes in words (see classIdf) */
  classWeights(
    counts: ClusterTermsJob["counts"],
    labels: Int32Array,
    k: number,
  ): Promise<{ idf: Float64Array; words: Float64Array }>;
  /** every cluster's label candidates and term-space centroid (index = cluster) */
  clusterTerms(job: ClusterTermsJob): Promise<ClusterTerms[]>;
  close(): void;
}

/** The same products on the calling thread only. */
export const serialKernels: Kernels = {
  csrTimesDense: (m, w, k, colOf = null) => Promise.resolve(csrTimesDense(m, w, k, colOf)),
  matmul: (a, n, k, b, m) => Promise.resolve(matmul(a, n, k, b, m)),
  gram: (a, n, k) => Promise.resolve(gram(a, n, k)),
  lloydRestarts: (p, inits, k, maxIterations, tolerance) =>
    Promise.resolve(lloydRestarts(p, inits, k, maxIterations, tolerance)),
  mlRestarts: (p, inits, k, maxIterations, tolerance) =>
    loadMlKmeans().then(() => mlRestarts(p, inits, k, maxIterations, tolerance)),
  lloyd: (p, init, k, maxIterations, tolerance) =>
    Promise.resolve(lloydBounded(p, init, k, maxIterations, tolerance)),
  assign: (p, centroids, k) => Promise.resolve(assign(p, centroids, k)),
  classWeights: (counts, labels, k) => Promise.resolve(classWeights(counts, labels, k)),
  clusterTerms: (job) =>
    Promise.resolve(
      clusterTerms(
        job,
        Array.from({ length: job.rows.start.length - 1 }, (_, c) => c),
      ),
    ),
  close: () => undefined,
};

const workerUrl = new URL("./kernel-worker.js", import.meta.url);

function shared<T extends Int32Array | Uint16Array | Float32Array | Float64Array>(a: T): T {
  if (a.buffer instanceof SharedArrayBuffer) return a;
  const Ctor = a.constructor as new (b: SharedArrayBuffer) => T;
  const s = new Ctor(new SharedArrayBuffer(a.byteLength));
  s.set(a as never);
  return s;
}

function sharedZeros(n: number): Float64Array {
  return new Float64Array(new SharedArrayBuffer(n * 8));
}

/** Row boundaries splitting [0, n) into `parts` ranges of about equal work. */
function split(n: number, parts: number, work: (r: number) => number): number[] {
  const total = work(n);
  const cuts = [0];
  let r = 0;
  for (let p = 1; p < parts; p++) {
    const target = (total * p) / parts;
    while (r < n && work(r) < target) r++;
    cuts.push(r);
  }
  cuts.push(n);
  return cuts;
}

export interface KernelTask {
  op:
    | "csrTimesDense"
    | "matmul"
    | "gram"
    | "lloydRestarts"
    | "mlRestarts"
    | "lloydStep"
    | "assign"
    | "countColumns"
    | "clusterTerms";
  [key: string]: unknown;
}

/** What a kernel worker answers: nothing (rows written in place), Gram blocks, or restarts. */
export interface WorkerReply {
  gram?: Float64Array[];
  runs?: RestartRun[];
  terms?: ClusterTerms[];
  /** labels a Lloyd step changed */
  changed?: number;
}

class PoolKernels implements Kernels {
  private readonly workers: Worker[];
  private readonly waiting = new Map<
    Worker,
    { resolve: (m: WorkerReply) => void; reject: (e: Error) => void }
  >();
  /** shared copies of matrices used more than once (the LSA sample and its transpose) */
  private readonly copies = new WeakMap<Csr, Csr>();

  constructor(extra: number) {
    this.workers = Array.from({ length: extra }, () => {
      const w = new Worker(workerUrl);
      w.on("message", (m: WorkerReply) => {
        const task = this.waiting.get(w);
        this.waiting.delete(w);
        task?.resolve(m);
      });
      w.on("error", (e: Error) => {
        const task = this.waiting.get(w);
        this.waiting.delete(w);
        task?.reject(e);
      });
      return w;
    });
  }

  private run(w: Worker, task: KernelTask): Promise<WorkerReply> {
    return new Promise((resolve, reject) => {
      this.waiting.set(w, { resolve, reject });
      w.postMessage(task);
    });
  }

  private sharedCsr(m: Csr): Csr {
    let s = this.copies.get(m);
    if (!s) {
      s = { ...m, indptr: shared(m.indptr), indices: shared(m.indices), data: shared(m.data) };
      this.copies.set(m, s);
    }
    return s;
  }

  /**
   * Runs range i ≥ 1 of `cuts` on worker i − 1 and range 0 on this thread (at the same time),
   * then waits for the workers. Returns this thread's result and the workers' replies.
   */
  private async byRanges<T>(
    cuts: readonly number[],
    task: (from: number, to: number, worker: number) => KernelTask,
    mine: (from: number, to: number) => T,
  ): Promise<{ mine: T; theirs: WorkerReply[] }> {
    const pending = this.workers.map((wk, i) =>
      this.run(wk, task(cuts[i + 1] as number, cuts[i + 2] as number, i)),
    );
    const own = mine(0, cuts[1] as number);
    return { mine: own, theirs: await Promise.all(pending) };
  }

  /**
   * Runs share i ≥ 1 of items on worker i − 1 and share 0 on this thread (at the same time);
   * returns every item's result in item order (`count` items in all).
   */
  private async byShares<R>(
    share: readonly (readonly number[])[],
    count: number,
    task: (items: readonly number[]) => KernelTask,
    mine: (items: readonly number[]) => R[],
    results: (reply: WorkerReply) => R[] | undefined,
  ): Promise<R[]> {
    const pending = this.workers.map((wk, w) => this.run(wk, task(share[w + 1] ?? [])));
    const out = new Array<R>(count);
    const own = share[0] ?? [];
    mine(own).forEach((r, j) => (out[own[j] as number] = r));
    (await Promise.all(pending)).forEach((reply, w) => {
      const items = share[w + 1] ?? [];
      (results(reply) ?? []).forEach((r, j) => (out[items[j] as number] = r));
    });
    return out;
  }

  async csrTimesDense(m: Csr, w: Floats, k: number, colOf: Int32Array | null = null) {
    const x = this.sharedCsr(m);
    const y = sharedZeros(m.nRows * k);
    const ws = shared(w);
    const cs = colOf ? shared(colOf) : null;
    const { indptr, indices, data, nRows, nCols } = x;
    await this.byRanges(
      split(nRows, this.workers.length + 1, (r) => indptr[r] as number),
      (from, to) => ({
        op: "csrTimesDense",
        indptr,
        indices,
        data,
        nRows,
        nCols,
        w: ws,
        k,
        colOf: cs,
        out: y,
        from,
        to,
      }),
      (from, to) => csrTimesDenseRows(x, ws, k, cs, y, from, to),
    );
    return y;
  }

  async matmul(a: Float64Array, n: number, k: number, b: Float64Array, m: number) {
    const as = shared(a);
    const bs = shared(b);
    const c = sharedZeros(n * m);
    await this.byRanges(
      split(n, this.workers.length + 1, (r) => r),
      (from, to) => ({ op: "matmul", a: as, k, b: bs, m, out: c, from, to }),
      (from, to) => matmulRows(as, k, bs, m, c, from, to),
    );
    return c;
  }

  async gram(a: Float64Array, n: number, k: number) {
    const blocks = Math.ceil(n / GRAM_BLOCK);
    const as = shared(a);
    const { mine, theirs } = await this.byRanges(
      split(blocks, this.workers.length + 1, (b) => b),
      (from, to) => ({ op: "gram", a: as, n, k, from, to }),
      (from, to) => gramBlocks(as, n, k, from, to),
    );
    return sumGramBlocks([...mine, ...theirs.flatMap((t) => t.gram ?? [])], k);
  }

  lloydRestarts(...args: Parameters<Kernels["lloydRestarts"]>): Promise<RestartRun[]> {
    return this.restarts("lloydRestarts", lloydRestarts, ...args);
  }

  async mlRestarts(...args: Parameters<Kernels["mlRestarts"]>): Promise<RestartRun[]> {
    await loadMlKmeans();
    return this.restarts("mlRestarts", mlRestarts, ...args);
  }

  /** Restarts from each start (`op` on the workers, `here` on this thread), over the threads. */
  private restarts(
    op: "lloydRestarts" | "mlRestarts",
    here: typeof lloydRestarts,
    p: Points,
    inits: readonly Float64Array[],
    k: number,
    maxIterations: number,
    tolerance: number,
  ): Promise<RestartRun[]> {
    const threads = this.workers.length + 1;
    const points = shared(p.data);
    // restart i runs on thread i mod threads; the main thread takes thread 0's share
    const share = Array.from({ length: threads }, (_, t) =>
      inits.map((_, i) => i).filter((i) => i % threads === t),
    );
    return this.byShares(
      share,
      inits.length,
      (items) => ({
        op,
        data: points,
        n: p.n,
        d: p.d,
        inits: items.map((i) => inits[i]),
        k,
        maxIterations,
        tolerance,
      }),
      (items) =>
        here(
          p,
          items.map((i) => inits[i] as Float64Array),
          k,
          maxIterations,
          tolerance,
        ),
      (reply) => reply.runs,
    );
  }

  async lloyd(p: Points, init: Float64Array, k: number, maxIterations: number, tolerance: number) {
    const s = lloydState({ ...p, data: shared(p.data) }, init, k, true);
    const cuts = split(blockCount(p.n), this.workers.length + 1, (b) => b);
    const loop = lloydLoop(s, maxIterations, tolerance);
    let r = loop.next(0);
    while (!r.done) {
      const first = r.value;
      const { mine, theirs } = await this.byRanges(
        cuts,
        (from, to) => ({ op: "lloydStep", state: s, first, from, to }),
        (from, to) => lloydStep(s, first, from, to),
      );
      r = loop.next(theirs.reduce((n, t) => n + (t.changed ?? 0), mine));
    }
    return {
      labels: Int32Array.from(s.labels),
      centroids: Float64Array.from(s.c),
      iterations: r.value,
    };
  }

  async assign(p: Points, centroids: Float64Array, k: number) {
    const data = shared(p.data);
    const c = shared(centroids);
    const labels = new Int32Array(new SharedArrayBuffer(p.n * 4));
    const inertia = sharedZeros(blockCount(p.n));
    await this.byRanges(
      split(inertia.length, this.workers.length + 1, (b) => b),
      (from, to) => ({ op: "assign", data, n: p.n, d: p.d, c, k, labels, inertia, from, to }),
      (from, to) => assignBlocks({ data, n: p.n, d: p.d }, c, k, labels, inertia, from, to),
    );
    return { labels: Int32Array.from(labels), inertia: totalInertia(inertia) };
  }

  async classWeights(counts: ClusterTermsJob["counts"], labels: Int32Array, k: number) {
    const x = { ...counts, indptr: shared(counts.indptr), indices: shared(counts.indices) };
    const data = shared(counts.data);
    const ls = shared(labels);
    const ft = new Float64Array(counts.nCols);
    const words = new Float64Array(k);
    // each worker sums its rows into its own buffers; integer sums add up exactly in any order
    const theirs = this.workers.map(() => ({
      ft: sharedZeros(counts.nCols),
      words: sharedZeros(k),
    }));
    await this.byRanges(
      split(counts.nRows, this.workers.length + 1, (r) => x.indptr[r] as number),
      (from, to, w) => ({ op: "countColumns", ...x, data, labels: ls, ...theirs[w], from, to }),
      (from, to) => countColumns({ ...x, data }, ls, ft, words, from, to),
    );
    for (const t of theirs) {
      for (let j = 0; j < ft.length; j++) ft[j] = (ft[j] as number) + (t.ft[j] as number);
      for (let c = 0; c < k; c++) words[c] = (words[c] as number) + (t.words[c] as number);
    }
    return classIdf(ft, words);
  }

  async clusterTerms(job: ClusterTermsJob): Promise<ClusterTerms[]> {
    const { counts, rows } = job;
    const k = rows.start.length - 1;
    // clusters go to threads by their entries, largest first to the least loaded (ties: the
    // lower cluster, the lower thread); each cluster's result does not depend on its thread
    const entries = (c: number): number => {
      let e = 0;
      for (let x = rows.start[c] as number; x < (rows.start[c + 1] as number); x++) {
        const r = rows.order[x] as number;
        e += (counts.indptr[r + 1] as number) - (counts.indptr[r] as number);
      }
      return e;
    };
    const size = Array.from({ length: k }, (_, c) => entries(c));
    const threads = this.workers.length + 1;
    const load = new Array<number>(threads).fill(0);
    const share = Array.from({ length: threads }, (): number[] => []);
    const bySize = size
      .map((_, c) => c)
      .sort((a, b) => (size[b] as number) - (size[a] as number) || a - b);
    for (const c of bySize) {
      let t = 0;
      for (let u = 1; u < threads; u++) if ((load[u] as number) < (load[t] as number)) t = u;
      (share[t] as number[]).push(c);
      load[t] = (load[t] as number) + (size[c] as number) + 1;
    }
    const task = {
      nRows: counts.nRows,
      nCols: counts.nCols,
      indptr: shared(counts.indptr),
      indices: shared(counts.indices),
      data: shared(counts.data),
      values: shared(job.values),
      order: shared(rows.order),
      start: shared(rows.start),
      idf: shared(job.idf),
      words: job.words,
      spare: job.spare,
      top: job.top,
    };
    return this.byShares(
      share,
      k,
      (clusters) => ({ op: "clusterTerms", ...task, clusters }),
      (clusters) => clusterTerms(job, clusters),
      (reply) => reply.terms,
    );
  }

  close(): void {
    for (const w of this.workers) void w.terminate();
  }
}

/** Kernels on `threads` threads (the calling one included), or on this one alone. */
export function openKernels(threads: number): Kernels {
  const canSpawn = workerFileExists(workerUrl);
  return threads > 1 && canSpawn ? new PoolKernels(threads - 1) : serialKernels;
}
